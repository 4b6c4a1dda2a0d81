"""Pages for possible matches (namespace ``linkage``). Included from ``palermo/urls.py`` with
``path("", include("palermo.linkage.urls"))``."""

from django.urls import path

from palermo.linkage import views

app_name = "linkage"

urlpatterns = [
    path("cases/<int:case_id>/possible-matches/", views.case_candidates, name="case_candidates"),
    path("people/<str:pseudonym>/cluster/", views.person_cluster, name="person_cluster"),
]
