from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "palermo.support"
    label = "support"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Victim support"
