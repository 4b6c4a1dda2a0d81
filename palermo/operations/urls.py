"""Operation pages (namespace ``operations``). Included from ``palermo/urls.py``."""

from django.urls import path

from palermo.operations import views

app_name = "operations"

urlpatterns = [
    path("operations/", views.operation_list, name="list"),
    path("operations/new/", views.operation_new, name="new"),
    path("operations/<int:operation_id>/", views.operation_detail, name="detail"),
    path("operations/<int:operation_id>/record/<slug:kind>/", views.record_new, name="record"),
    path("operations/<int:operation_id>/report/", views.report_page, name="report"),
    path("operations/<int:operation_id>/report.csv", views.report_export, name="report_csv"),
]
