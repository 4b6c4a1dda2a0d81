from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "palermo.retention"
    verbose_name = "Retention"
