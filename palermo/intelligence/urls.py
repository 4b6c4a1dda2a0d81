"""Intelligence pages (namespace ``intelligence``). Included from ``palermo/urls.py``."""

from django.urls import path

from palermo.intelligence import views

app_name = "intelligence"

urlpatterns = [
    path("intelligence/", views.report_list, name="list"),
    path("intelligence/search/", views.report_search, name="search"),
    path("intelligence/export.csv", views.report_export, name="export"),
    path("intelligence/reports/new/", views.report_new, name="new"),
    path("intelligence/reports/<int:report_id>/", views.report_detail, name="report"),
    path("intelligence/entities/<int:entity_id>/", views.entity_detail, name="entity"),
    path("intelligence/entities/<int:entity_id>/victim-links/", views.victim_links, name="victim_links"),
    path("intelligence/matches/", views.match_list, name="matches"),
    path("intelligence/matches/<int:proposal_id>/", views.match_decide, name="match_decide"),
    path("intelligence/network/", views.network_page, name="network"),
    path("intelligence/groups/", views.group_list, name="groups"),
    path("intelligence/groups/<int:entity_id>/status/", views.group_status, name="group_status"),
]
