from django.apps import AppConfig


class PermitsConfig(AppConfig):
    name = "palermo.permits"
    label = "permits"
    verbose_name = "Residence permits"
    default_auto_field = "django.db.models.BigAutoField"
