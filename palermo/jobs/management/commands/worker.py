"""``palermo worker``: run background jobs queued in Palermo's database (django-tasks-db's
``db_worker``, with the same options: ``--batch`` runs what is queued and stops, ``--interval``
how often to look, ``--max-tasks``). Run one or more beside the web server; with the ``rq``
backend, run RQ's worker instead (docs/jobs.md)."""

from __future__ import annotations

from django.conf import settings
from django.core.management import CommandError

from django_tasks_db.management.commands.db_worker import Command as DbWorker


class Command(DbWorker):
    help = "Run Palermo's background jobs queued in the database (django-tasks-db's db_worker)."

    def handle(self, *args, **options):
        if settings.PALERMO_TASKS_BACKEND != "database":
            raise CommandError(f"PALERMO_TASKS_BACKEND is {settings.PALERMO_TASKS_BACKEND!r}: jobs are not queued in "
                               "the database (immediate: they run where they start; rq: run RQ's worker)")
        return super().handle(*args, **options)
