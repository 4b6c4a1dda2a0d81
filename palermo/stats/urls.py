"""Statistics pages (namespace ``stats``), included from ``palermo/urls.py``."""

from django.urls import path

from palermo.stats import views

app_name = "stats"

urlpatterns = [
    path("statistics/", views.statistics, name="index"),
    path("statistics/files/<str:filename>", views.statistics_file, name="file"),
]
