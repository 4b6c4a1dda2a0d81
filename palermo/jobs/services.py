"""Every write on background jobs: starting one, running it (the task), its progress, finishing,
failing and retrying. Keyword-only, the acting user first, the audit event in the same
transaction (``job.started``, ``job.finished``, ``job.failed``, ``job.retried``: the job's id, kind
and counts, never personal data).

Nothing is done twice:

* a job is *claimed* before it runs (a conditional update from ``queued`` to ``running``), so a
  task delivered twice, or a second worker, finds nothing to do;
* a finished job is never retried (refused with a reason); only a failed one is, and each kind's
  work is safe to run again after a failure (``palermo.jobs.kinds``);
* at most one waiting or running job per key (a partial unique index), e.g. one link run at a time.
"""

from __future__ import annotations

import logging
import time

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from palermo.core.audit import audit_record
from palermo.core.exceptions import NotAllowed, TransitionRefused
from palermo.jobs.kinds import KINDS
from palermo.jobs.models import ACTIVE, FAILED, QUEUED, RUNNING, SUCCEEDED, Job
from palermo.jobs.selectors import job_get_for_user

logger = logging.getLogger(__name__)

#: Progress is written at most this often (seconds), and always when a stage ends.
PROGRESS_EVERY = 0.5


def _enqueue(job_id: int) -> None:
    from palermo.jobs.tasks import run_job

    result = run_job.enqueue(job_id=job_id)
    Job.objects.filter(pk=job_id).update(task_result_id=str(result.id)[:64])


def _queue_after_commit(job: Job) -> None:
    """Queue the job's task once the caller's transaction commits: a rolled-back start (a referral
    refused half-way) queues nothing, and work run in-process (the immediate backend) can never
    undo the caller's writes."""
    job_id = job.pk
    transaction.on_commit(lambda: _enqueue(job_id))


def may_start(user, kind: str) -> bool:
    k = KINDS[kind]
    return bool(user and user.is_authenticated and k.roles and user.has_role(*k.roles))


def job_start(*, actor, kind: str, params: dict | None = None, key: str = "", total: int = 0,
              system: bool = False) -> Job:
    """Record a job for ``actor`` and queue its task after the current transaction commits.

    ``system``: Palermo starts it on the actor's behalf (scoring the referral they just made), so
    no role is checked. Raises NotAllowed, or TransitionRefused when a job with the same key is
    still waiting or running."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    if not system and not may_start(actor, kind):
        raise NotAllowed("You cannot start this kind of job")
    try:
        with transaction.atomic():
            job = Job.objects.create(kind=kind, started_by=actor if getattr(actor, "pk", None) else None,
                                     params=params or {}, key=key, total=total)
            audit_record(actor=actor, action="job.started", obj=job, detail={"kind": kind, **_ids(params)})
    except IntegrityError as exc:
        raise TransitionRefused("The same work is already waiting or running: see Your jobs") from exc
    _queue_after_commit(job)
    return job


#: Parameters never copied into an audit event: an import's file path (an operator's path; its
#: file name and SHA-256 are in the import's own audit events).
NOT_AUDITED = frozenset({"path"})


def _ids(params: dict | None) -> dict:
    """The parameters an audit event may hold: ids, dates and codes (every job's params are)."""
    return {k: v for k, v in (params or {}).items()
            if k not in NOT_AUDITED and isinstance(v, int | str | bool) and len(str(v)) <= 80}


def job_retry(*, actor, job_id: int) -> Job:
    """Queue a failed job of ``actor``'s again. A finished job is refused (its work is done), as is
    one still waiting or running."""
    job = job_get_for_user(user=actor, job_id=job_id)
    if job.kind in KINDS and KINDS[job.kind].roles and not may_start(actor, job.kind):
        raise NotAllowed("You can no longer start this kind of job")
    try:
        with transaction.atomic():
            job = Job.objects.select_for_update().get(pk=job.pk)
            if job.status == SUCCEEDED:
                raise TransitionRefused("This job has finished: retrying it would do its work twice")
            if job.status != FAILED:
                raise TransitionRefused("This job has not finished yet: retry it only if it fails")
            retryable = KINDS[job.kind].retryable if job.kind in KINDS else None
            if retryable is not None and not retryable(job):
                raise TransitionRefused("The uploaded file was deleted when the import refused it: "
                                        "correct the file and upload it again")
            job.status, job.error, job.stage, job.done, job.finished_at = QUEUED, "", "", 0, None
            job.problems = {}
            job.save(update_fields=["status", "error", "stage", "done", "finished_at", "problems", "updated_at"])
            audit_record(actor=actor, action="job.retried", obj=job,
                         detail={"kind": job.kind, "attempts": job.attempts})
    except IntegrityError as exc:
        raise TransitionRefused("The same work is already waiting or running: see Your jobs") from exc
    _queue_after_commit(job)
    return job


def _claim(job_id: int) -> bool:
    """Take a waiting job for this run: only one run ever gets it (a conditional update)."""
    return bool(Job.objects.filter(pk=job_id, status=QUEUED).update(
        status=RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1, updated_at=timezone.now()))


class _Progress:
    """``progress(done=…, total=…, stage=…)`` for a kind's ``run``: written to the job row at most
    every ``PROGRESS_EVERY`` seconds, and at once when the stage changes or ends."""

    def __init__(self, job: Job):
        self.job_id, self.last, self.stage = job.pk, 0.0, job.stage

    def __call__(self, *, done: int, total: int, stage: str = "") -> None:
        now = time.monotonic()
        if stage == self.stage and done < total and now - self.last < PROGRESS_EVERY:
            return
        self.last, self.stage = now, stage
        Job.objects.filter(pk=self.job_id).update(done=max(0, int(done)), total=max(0, int(total)), stage=stage[:40],
                                                  updated_at=timezone.now())


def job_execute(*, job_id: int) -> dict | None:
    """Run one job (the task's body): claim it, run its kind, then record the outcome or the
    failure with its audit event. Returns the outcome, or None when the job failed. A job that
    is not waiting (finished, running elsewhere, or unknown) is left alone: ``{"skipped": …}``."""
    if not _claim(job_id):
        status = Job.objects.filter(pk=job_id).values_list("status", flat=True).first()
        return {"skipped": status or "no such job"}
    job = Job.objects.select_related("started_by").get(pk=job_id)
    try:
        outcome = KINDS[job.kind].run(job=job, progress=_Progress(job))
    except Exception as exc:  # noqa: BLE001 — recorded on the job; the task fails with a message of its own
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        with transaction.atomic():
            Job.objects.filter(pk=job.pk).update(
                status=FAILED, finished_at=timezone.now(), updated_at=timezone.now(),
                error=f"The job stopped with an error ({type(exc).__name__})."[:200])
            audit_record(actor=job.started_by, action="job.failed", obj=job,
                         detail={"kind": job.kind, "error": type(exc).__name__, "attempt": job.attempts})
        return None
    with transaction.atomic():
        Job.objects.filter(pk=job.pk).update(status=SUCCEEDED, outcome=outcome, finished_at=timezone.now(),
                                             updated_at=timezone.now())
        audit_record(actor=job.started_by, action="job.finished", obj=job,
                     detail={"kind": job.kind, "attempt": job.attempts, **_ids(outcome)})
    return outcome


__all__ = ["job_start", "job_retry", "job_execute", "may_start", "ACTIVE"]
