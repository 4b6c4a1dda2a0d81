"""Every read of background jobs. A job is seen only by the user who started it: anyone else
gets "no such job" (404), as for a notification addressed to someone else."""

from __future__ import annotations

from django.db.models import QuerySet

from palermo.core.exceptions import NotFound
from palermo.jobs.models import Job


def job_list_for_user(*, user) -> QuerySet[Job]:
    if not getattr(user, "is_authenticated", False):
        return Job.objects.none()
    return Job.objects.filter(started_by=user).order_by("-created_at", "-id")


def job_get_for_user(*, user, job_id: int) -> Job:
    job = job_list_for_user(user=user).filter(pk=job_id).first()
    if job is None:
        raise NotFound("No such job")
    return job
