"""The support pages (namespace ``support``)."""

from django.urls import path

from palermo.support import views

app_name = "support"

urlpatterns = [
    path("support/", views.caseload, name="caseload"),
    path("support/cases/<int:case_id>/", views.record, name="record"),
    path("support/cases/<int:case_id>/matching/", views.matching, name="matching"),
    path("support/cases/<int:case_id>/waiting-list/", views.waiting_list_join, name="waiting_list_join"),
    path("support/cases/<int:case_id>/services/", views.service_create, name="service_create"),
    path("support/placements/<int:placement_id>/end/", views.placement_end, name="placement_end"),
    path("support/waiting-list/", views.waiting_list, name="waiting_list"),
    path("support/providers/", views.providers, name="providers"),
    path("support/providers/<str:code>/", views.provider_detail, name="provider"),
]
