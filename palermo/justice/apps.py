from django.apps import AppConfig


class JusticeConfig(AppConfig):
    name = "palermo.justice"
    label = "justice"
    verbose_name = "Justice: prosecutions, outcomes and sentences"
