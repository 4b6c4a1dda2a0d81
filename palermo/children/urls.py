"""The children's pages (namespace ``children``)."""

from django.urls import path

from palermo.children import views

app_name = "children"

urlpatterns = [
    path("children/", views.board, name="board"),
    path("children/export.csv", views.export, name="export"),
    path("children/missing-statistics/", views.statistics, name="statistics"),
    path("children/cases/<int:case_id>/", views.record, name="record"),
    path("children/cases/<int:case_id>/missing/", views.missing_report, name="missing_report"),
    path("children/cases/<int:case_id>/missing/<int:episode_id>/return/", views.missing_return, name="missing_return"),
    path("children/cases/<int:case_id>/named-person/", views.named_person, name="named_person"),
    path("children/cases/<int:case_id>/placement/", views.placement_new, name="placement_new"),
    path("children/cases/<int:case_id>/placements/<int:placement_id>/end/", views.placement_end, name="placement_end"),
    path("children/cases/<int:case_id>/age-assessment/", views.age_assessment, name="age_assessment"),
    path("children/cases/<int:case_id>/grading/", views.grading, name="grading"),
]
