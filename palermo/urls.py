"""Top-level URLs: the web interface, the JSON API under /api/v1/ and the admin."""

from django.contrib import admin
from django.urls import include, path

from palermo.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("palermo.law.urls")),
    path("", include("palermo.linkage.urls")),
    path("", include("palermo.children.urls")),
    path("", include("palermo.notifications.urls")),
    path("", include("palermo.jobs.urls")),
    path("", include("palermo.stats.urls")),
    path("", include("palermo.releases.urls")),
    path("", include("palermo.support.urls")),
    path("", include("palermo.permits.urls")),
    path("", include("palermo.casework.urls")),
    path("", include("palermo.letters.urls")),
    path("", include("palermo.intelligence.urls")),
    path("", include("palermo.justice.urls")),
    path("", include("palermo.operations.urls")),
    path("", include("palermo.web.urls")),
]
