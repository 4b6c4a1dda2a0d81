from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "palermo.jobs"
    label = "jobs"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Background jobs"

    def ready(self):
        # django-tasks-db registers its task rows in the admin; Palermo's admin shows only models
        # behind the audited admin mixin, and jobs are seen on their owners' pages instead.
        from django.contrib import admin
        from django_tasks_db.models import DBTaskResult

        if admin.site.is_registered(DBTaskResult):
            admin.site.unregister(DBTaskResult)
