"""What a job's page, the list and the API show of a job: its kind's label, status, progress and
outcome in words. Counts and ids only, as the job holds."""

from __future__ import annotations

from django.urls import reverse

from palermo.jobs.kinds import KINDS
from palermo.jobs.models import FAILED, SUCCEEDED, Job

STAGE_LABELS = {
    "scoring": "Scoring against everyone known", "reading": "Reading people", "linking": "Linking people",
    "writing": "Writing", "written": "Written", "counting": "Counting", "checking": "Checking rows",
    "generating": "Writing batches",
}
OUTCOME_LABELS = {
    "scored": "People scored", "people": "People linked", "pairs_scored": "Pairs scored",
    "pairs_at_review_threshold": "Pairs at or above the review threshold",
    "candidates_created": "New possible matches", "candidates_rescored": "Possible matches rescored",
    "candidates_reinstated": "Possible matches proposed again", "already_decided": "Pairs already decided",
    "stale_rescored": "Earlier possible matches rescored",
    "stale_withdrawn": "Earlier possible matches withdrawn (below the threshold now)", "model_version": "Linkage model",
    "files": "Files written", "tables": "Tables", "cells": "Cells", "suppressed": "Cells suppressed",
    "rows": "Rows read", "written": "Referrals written", "synth_run": "Synthetic run", "cases": "Cases written",
    "batches": "Batches",
}
STATUS_TAGS = {"queued": "grey", "running": "blue", "succeeded": "green", "failed": "red"}


def job_out(job: Job) -> dict:
    return {
        "id": job.pk,
        "kind": job.kind,
        "label": KINDS[job.kind].label if job.kind in KINDS else job.kind,
        "status": job.status,
        "status_label": job.get_status_display(),
        "stage": job.stage or None,
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "outcome": job.outcome if job.status == SUCCEEDED else {},
        "error": job.error or None if job.status == FAILED else None,
        "attempts": job.attempts,
        "task_result_id": job.task_result_id or None,
        "created_at": job.created_at.isoformat(),
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "url": reverse("jobs:detail", args=[job.pk]),
        "api_url": f"/api/v1/jobs/{job.pk}",
    }


def job_page(job: Job) -> dict:
    """The template's view of a job: the API's fields plus words for the stage and outcome."""
    out = job_out(job)
    out["status_colour"] = STATUS_TAGS.get(job.status, "grey")
    out["stage_label"] = STAGE_LABELS.get(job.stage, job.stage)
    out["outcome_rows"] = [{"label": OUTCOME_LABELS.get(k, k.replace("_", " ").capitalize()), "value": v}
                           for k, v in out["outcome"].items() if k not in {"person_id"}]
    out["object"] = job
    problems = job.problems or {}
    from palermo.nrm.import_rows import label

    # the column in words ("Date of birth"), as the import page names the file's columns
    items = [{**p, "column_label": label(p["column"]) if p.get("column") else ""} for p in problems.get("items") or []]
    out["problems"] = ({"total": problems.get("total", len(items)), "shown": len(items), "items": items}
                       if job.status == FAILED and items else None)
    kind = KINDS.get(job.kind)
    out["retryable"] = job.status == FAILED and (kind is None or kind.retryable is None or kind.retryable(job))
    return out
