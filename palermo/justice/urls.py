"""Justice pages (namespace ``justice``). Included from ``palermo/urls.py``."""

from django.urls import path

from palermo.justice import views

app_name = "justice"

urlpatterns = [
    path("justice/", views.prosecution_list, name="list"),
    path("justice/export.csv", views.prosecution_export, name="export"),
    path("justice/prosecutions/new/", views.prosecution_new, name="new"),
    path("justice/prosecutions/<int:prosecution_id>/", views.prosecution_detail, name="prosecution"),
    path("justice/prosecutions/<int:prosecution_id>/victims/new/", views.victim_new, name="victim_new"),
    path("justice/charges/<int:charge_id>/outcome/", views.charge_outcome, name="outcome"),
    path("justice/statistics/", views.statistics_page, name="statistics"),
    path("justice/statistics.csv", views.statistics_export, name="statistics_export"),
]
