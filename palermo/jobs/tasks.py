"""The one task of Palermo's background jobs, for Django's Tasks API (the django-tasks backport;
with Django 6, ``from django.tasks import task`` and nothing else changes).

The task only carries the job's id: everything the job needs is in its row, so a task queued in
the database or in Redis holds no personal data. It never lets the job's own exception out: that
is recorded on the job (by class name) and the task fails with a fixed message of its own, so the
traceback the task backend stores quotes no value.
"""

from __future__ import annotations

from django_tasks import task


class JobFailed(Exception):
    """The job failed; what went wrong is on the job (``Job.error``) and in the audit log."""


@task()
def run_job(job_id: int) -> dict:
    from palermo.jobs.services import job_execute

    outcome = job_execute(job_id=job_id)
    if outcome is None:
        raise JobFailed(f"Job {job_id} failed: see the job's page")
    return outcome
