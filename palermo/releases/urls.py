"""The release pages (namespace ``releases``)."""

from django.urls import path

from palermo.releases import views

app_name = "releases"

urlpatterns = [
    path("monitoring/", views.monitoring, name="monitoring"),
    path("statistics/private-releases/", views.private_releases, name="private"),
    path("statistics/microdata/", views.microdata, name="microdata"),
    path("statistics/microdata/htcds.csv", views.microdata_download, name="microdata_download"),
]
