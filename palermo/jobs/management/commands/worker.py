"""``palermo worker``: run background jobs queued in Palermo's database (django-tasks-db's
``db_worker``, with the same options: ``--batch`` runs what is queued and stops, ``--interval``
how often to look, ``--max-tasks``). Run one or more beside the web server. With
``PALERMO_TASKS_BACKEND=immediate`` jobs run where they start, and with ``rq`` RQ's worker runs
them (docs/jobs.md): this command then refuses ("not a database backend")."""

from __future__ import annotations

from django_tasks_db.management.commands.db_worker import Command as DbWorker


class Command(DbWorker):
    help = "Run Palermo's background jobs queued in the database (django-tasks-db's db_worker)."
