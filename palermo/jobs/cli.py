"""What a command started with ``--background`` says: the job's page, and who runs it."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def background_started(out, job) -> None:
    """Print the job's page (``/jobs/<id>/``) and, unless jobs run where they start (the
    ``immediate`` backend), that ``palermo worker`` runs it."""
    job.refresh_from_db()
    url = reverse("jobs:detail", args=[job.pk])
    if settings.PALERMO_TASKS_BACKEND == "immediate":
        out.write(f"Job {job.pk} ({job.get_status_display().lower()}): {url}")
    else:
        out.write(f"Job {job.pk} queued: {url}\nRun `palermo worker` to do it.")
