"""A background job: one piece of long work that a user started, run as a task of Django's Tasks
API (``palermo.jobs.tasks``), with its progress and outcome for the user who started it.

A job holds ids, codes, dates and counts only: never a name, a date of birth, free text about a
person or an exception's message (which can quote a value). ``params`` says what to work on
(a person's id, a period, a stored file's name and SHA-256), ``outcome`` what came of it
(counts), ``error`` a fixed sentence naming the exception's class.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

QUEUED, RUNNING, SUCCEEDED, FAILED = "queued", "running", "succeeded", "failed"
STATUS_CHOICES = [(QUEUED, "Waiting to start"), (RUNNING, "Running"), (SUCCEEDED, "Finished"), (FAILED, "Failed")]
ACTIVE = (QUEUED, RUNNING)


class Job(models.Model):
    kind = models.CharField(max_length=40, db_comment="What the job does: a code of palermo.jobs.kinds")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="jobs", db_comment="Who started it; only they see the job")
    status = models.CharField(max_length=12, choices=STATUS_CHOICES, default=QUEUED)
    params = models.JSONField(default=dict, blank=True, db_comment="What to work on: ids, codes and dates only")
    key = models.CharField(max_length=120, blank=True, default="",
                           db_comment="At most one waiting or running job per key (the same work never twice at once)")
    stage = models.CharField(max_length=40, blank=True, default="", db_comment="A code: checking, writing, …")
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    outcome = models.JSONField(default=dict, blank=True, db_comment="Counts and ids only, never personal data")
    error = models.CharField(max_length=200, blank=True, default="",
                             db_comment="A fixed sentence naming the exception's class, never its message")
    problems = models.JSONField(default=dict, blank=True, db_comment=(
        "Why an uploaded import was refused: {total, items: [{row, column, message}]}, messages "
        "that never quote a value"))
    attempts = models.PositiveSmallIntegerField(default=0)
    task_result_id = models.CharField(max_length=64, blank=True, default="",
                                      db_comment="The id of the django-tasks result of the latest attempt")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["started_by", "-created_at"])]
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=~Q(key="") & Q(status__in=ACTIVE),
                                    name="jobs_one_active_job_per_key"),
        ]

    def __str__(self) -> str:
        return f"job {self.pk} ({self.kind}, {self.status})"

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))

    @property
    def is_finished(self) -> bool:
        return self.status in (SUCCEEDED, FAILED)
