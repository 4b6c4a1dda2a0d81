from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    name = "palermo.releases"
    verbose_name = "Releases: safe microdata, private counts and monitoring"
