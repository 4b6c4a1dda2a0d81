"""Your jobs (``/api/v1/jobs``): only ever your own; and the long work the API starts as a job,
answered 202 Accepted with the job's address (``Location`` and ``job.api_url``)."""

from __future__ import annotations

from typing import Literal

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema

from palermo.api.query import page_of, reject_unknown_query
from palermo.api.schemas import ERRORS
from palermo.jobs import services
from palermo.jobs.kinds import KINDS
from palermo.jobs.presenters import job_out
from palermo.jobs.selectors import job_get_for_user, job_list_for_user

router = Router(tags=["Jobs"])


class ListIn(Schema):
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(50, ge=1, le=200)


class JobOut(Schema):
    """One of your jobs: what it does, its progress and its outcome (counts and ids only)."""

    id: int
    kind: Literal[tuple(KINDS)] = Field(..., description="What the job does")  # type: ignore[valid-type]
    label: str = Field(..., max_length=200)
    status: Literal["queued", "running", "succeeded", "failed"]
    status_label: str = Field(..., max_length=40)
    stage: str | None = Field(None, max_length=40, description="A code: scoring, reading, writing, …")
    done: int
    total: int
    percent: int | None = None
    outcome: dict[str, int | float | str | None] = Field(..., description="Counts and ids; empty until it succeeds")
    error: str | None = Field(None, max_length=200, description="Names only the exception's class")
    attempts: int
    task_result_id: str | None = Field(None, max_length=64)
    created_at: str = Field(..., max_length=40)
    started_at: str | None = Field(None, max_length=40)
    finished_at: str | None = Field(None, max_length=40)
    url: str = Field(..., max_length=200)
    api_url: str = Field(..., max_length=200)


class JobListOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[JobOut] = Field(..., max_length=200)


def _accepted(response: HttpResponse, job) -> tuple[int, dict]:
    body = job_out(job)
    response["Location"] = body["api_url"]
    return 202, body


@router.get("/jobs", response={200: JobListOut, **ERRORS}, summary="Your jobs, newest first")
def job_list(request, params: Query[ListIn]):
    reject_unknown_query(request, ListIn.model_fields)
    qs = job_list_for_user(user=request.auth)
    return page_of(qs, params, job_out)


@router.get("/jobs/{job_id}", response={200: JobOut, **ERRORS}, summary="One of your jobs: progress and outcome")
def job_get(request, job_id: int):
    return job_out(job_get_for_user(user=request.auth, job_id=job_id))


@router.post("/jobs/{job_id}/retry", response={202: JobOut, **ERRORS},
             summary="Queue a failed job of yours again (a finished one is refused: 409)")
def job_retry(request, job_id: int, response: HttpResponse):
    return _accepted(response, services.job_retry(actor=request.auth, job_id=job_id))


@router.post("/link-runs", response={202: JobOut, **ERRORS},
             summary="Start a linkage run (administrators): propose possible matches across all people")
def link_run_start(request, response: HttpResponse):
    return _accepted(response, services.job_start(actor=request.auth, kind="link_run", key="link_run", total=3))
