"""Residence permit pages (namespace ``permits``). Included from ``palermo/urls.py``."""

from django.urls import path

from palermo.permits import views

app_name = "permits"

urlpatterns = [
    path("permits/", views.permit_list, name="list"),
    path("cases/<int:case_id>/permit/", views.permit_detail, name="detail"),
    path("cases/<int:case_id>/permit/apply/", views.permit_apply, name="apply"),
    path("cases/<int:case_id>/permit/renew/", views.permit_renew, name="renew"),
    path("cases/<int:case_id>/permit/decision/", views.permit_decision, name="decision"),
]
