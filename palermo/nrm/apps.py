from django.apps import AppConfig


class NrmConfig(AppConfig):
    name = "palermo.nrm"
    label = "nrm"
    default_auto_field = "django.db.models.BigAutoField"
