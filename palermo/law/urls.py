from django.urls import path

from palermo.law import views

app_name = "law"

urlpatterns = [
    path("law/", views.law_index, name="index"),
    path("law/offences/", views.offence_index, name="offences"),
    path("law/offences/<str:offence_id>/", views.offence_detail, name="offence"),
    path("law/definitions/", views.definitions, name="definitions"),
]
