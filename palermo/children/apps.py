from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    name = "palermo.children"
    label = "children"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Child victims"
