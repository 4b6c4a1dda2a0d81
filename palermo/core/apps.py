from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "palermo.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.apps import apps

        from palermo.core.history import history_descriptors_cache

        history_descriptors_cache(apps.get_models())
