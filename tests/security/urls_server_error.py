"""Palermo's URLs plus one page that fails, so a test can see the headers on a real 500 page."""

from django.urls import path

from palermo.urls import urlpatterns as palermo_urlpatterns


def fail(request):
    raise RuntimeError("a deliberate failure for the 500-page test")


urlpatterns = [path("test-server-error/", fail), *palermo_urlpatterns]
