"""What each kind of job does: who may start it, what it is called on pages, and the function the
task runs. Each ``run`` calls the domain's existing entry point unchanged (linkage scoring, the
link run, the referral import, the bulletin) and returns counts only.

Every ``run`` is safe to run again after a failure, so a failed job can be retried without doing
anything twice:

* ``link_score``: storing candidates skips pairs already stored (``store_candidates``: a pending
  pair is rescored, a decided one left alone, a new one created once under a unique constraint);
* ``link_run``: every write of the run is one transaction (``palermo.linkage.batch``), so a failed
  run left nothing and the retry starts again; pairs already stored are skipped as above;
* ``stats_bulletin``: writes its files into the job's own folder, emptied first (same records,
  same bytes);
* ``referral_import``: the import is all or nothing (every row checked, then one transaction), so
  a failed import wrote nothing and the retry runs it again from the start; a file imported
  before is refused by its SHA-256, so a success is never written twice;
* ``synth``: each batch is a transaction with a checkpoint (``SynthRun``), so the retry resumes
  after the last whole batch.

A job that finished is never run again (``services.job_execute`` claims a waiting job only).
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from palermo.accounts import roles as R

Progress = Callable[..., None]  # progress(done=…, total=…, stage=…)


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    run: Callable  # run(*, job, progress) -> dict of counts
    roles: frozenset[str] = frozenset()  # who may start it from a page or the API (empty: started by Palermo)
    # whether a failed job of this kind can run again (None: always); False refuses the retry
    retryable: Callable | None = None


def job_folder(job) -> Path:
    """The job's own folder for files it writes (a bulletin), outside the source tree, 0700."""
    folder = Path(settings.PALERMO_JOB_FILES_DIR) / f"job-{job.pk}"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _link_score(*, job, progress: Progress) -> dict:
    """Score the person of a new referral against everyone known (was run inside the request)."""
    from django.db import transaction

    from palermo.core.audit import audit_record
    from palermo.linkage.services import link_candidates_score_for_person
    from palermo.people.models import Person

    person_id = int(job.params["person_id"])
    progress(done=0, total=1, stage="scoring")
    person = Person.objects.get(pk=person_id)
    try:
        link_candidates_score_for_person(person=person, actor=job.started_by)
    except Exception as exc:
        # as before jobs: the failed scoring is audited by class name (the referral stands)
        with transaction.atomic():
            audit_record(actor=None, action="link.scoring_failed", object_type="people.person",
                         object_id=person_id, detail={"error": type(exc).__name__})
        raise
    progress(done=1, total=1, stage="scoring")
    # The count of possible matches is not given: the referring officer may not see them.
    return {"person_id": person_id, "scored": 1}


_LINK_RUN_STAGES = (("Decrypted", 1), ("Writing", 2), ("Written", 3))


def _link_run(*, job, progress: Progress) -> dict:
    """``palermo link run`` started from a page or the API: the same function, with the run's
    messages turned into stages (reading people, linking, writing)."""
    from palermo.linkage.batch import link_run

    progress(done=0, total=3, stage="reading")

    def told(message: str) -> None:
        for prefix, step in _LINK_RUN_STAGES:
            if message.startswith(prefix):
                progress(done=step, total=3, stage=("linking", "writing", "written")[step - 1])

    stats = link_run(actor=job.started_by, progress=told)
    keep = ("people", "pairs_scored", "pairs_at_review_threshold", "candidates_created", "candidates_rescored",
            "candidates_reinstated", "already_decided", "model_version")
    stale = stats.get("stale_rescored") or {}
    stale = stale if isinstance(stale, dict) else {"rescored": stale}
    return {**{k: stats[k] for k in keep}, "stale_rescored": int(stale.get("rescored", 0)),
            "stale_withdrawn": int(stale.get("withdrawn", 0))}


def _stats_bulletin(*, job, progress: Progress) -> dict:
    """``palermo stats bulletin`` started from the statistics page: the published release of the
    period, written to the job's folder (emptied first, so a retry writes the same bytes once)."""
    from django.utils import timezone

    from palermo.stats.outputs import write_release
    from palermo.stats.periods import Period
    from palermo.stats.release import PUBLISHED_VIEW
    from palermo.stats.services import release_for_user

    period = Period(dt.date.fromisoformat(job.params["from"]), dt.date.fromisoformat(job.params["to"]))
    progress(done=0, total=2, stage="counting")
    release = release_for_user(actor=job.started_by, period=period, view=PUBLISHED_VIEW, today=timezone.localdate(),
                               action="stats.bulletin_written", detail={"job": job.pk})
    progress(done=1, total=2, stage="writing")
    out = job_folder(job) / "bulletin"
    if out.exists():
        shutil.rmtree(out)
    data = write_release(release, out)
    progress(done=2, total=2, stage="written")
    return {"files": len(data["files"]), "tables": len(release.tables), "cells": release.cells_total,
            "suppressed": release.cells_suppressed}


class ImportRefused(Exception):
    """The import refused the file (invalid rows, a file imported before, …): nothing was
    written. The job records this class's name only; the rows' errors can quote values, so the
    operator checks the file with ``palermo import referrals FILE --as USER`` (no ``--background``)."""


def _referral_import(*, job, progress: Progress) -> dict:
    """``palermo import referrals FILE --as USER --background``: ``nrm.importer.import_referrals``
    unchanged, as its starter, with its progress (rows checked, then rows written).

    Retry: the import is all or nothing (every row is checked first, then everything is written
    in one transaction), so a failed import — refused, or stopped by an error — wrote nothing,
    and the retry re-runs it from scratch on the file at the same path (fixed in between). A file
    imported before is refused by its SHA-256, so a success is never written twice. As with the
    command, the new people are scored together later (``palermo link run``), not one by one."""
    from django.test.utils import override_settings

    from palermo.nrm.importer import import_referrals

    def told(stage: str, done: int, total: int) -> None:
        progress(done=done, total=total, stage=stage)

    with override_settings(PALERMO_LINK_ON_REFERRAL=False):
        result = import_referrals(actor=job.started_by, path=Path(job.params["path"]), progress=told)
    if result.refused:
        raise ImportRefused(result.refused)
    return {"rows": result.rows, "written": result.written}


#: How many of a refused upload's problems its job keeps to show (all are counted).
MAX_PROBLEMS = 500


def _referral_upload(*, job, progress: Progress) -> dict:
    """A referrals CSV uploaded on the import page (``jobs:referral_import``): the same
    ``nrm.importer.import_referrals`` as the command, as its uploader, on a plain copy of the
    encrypted upload that exists only while the import runs (``uploads.upload_plain``).

    A refused file writes nothing (the import is all or nothing) and its problems go on the job
    (row, column and a message that quotes no value: ``import_rows.public_error``), for its
    owner to read on the job's page; then the upload is deleted, as after a finished import. An
    upload whose import stopped on an error (not a refusal) is kept, so the retry can run it."""
    from django.test.utils import override_settings

    from palermo.jobs.models import Job
    from palermo.jobs.uploads import upload_plain, upload_remove
    from palermo.nrm.import_rows import public_error
    from palermo.nrm.importer import import_referrals

    name = job.params["upload"]

    def told(stage: str, done: int, total: int) -> None:
        progress(done=done, total=total, stage=stage)

    with override_settings(PALERMO_LINK_ON_REFERRAL=False), upload_plain(name) as path:
        result = import_referrals(actor=job.started_by, path=path, progress=told)
    if result.refused:
        problems = {"total": max(result.error_count, len(result.errors)), "reason": result.refused[:40],
                    "items": [public_error(e) for e in result.errors[:MAX_PROBLEMS]]}
        Job.objects.filter(pk=job.pk).update(problems=problems)
        upload_remove(name)
        raise ImportRefused(result.refused)
    upload_remove(name)
    return {"rows": result.rows, "written": result.written}


def _upload_still_there(job) -> bool:
    from palermo.jobs.uploads import upload_exists

    return upload_exists(str(job.params.get("upload", "")))


def _synth(*, job, progress: Progress) -> dict:
    """``palermo synth --background --as ADMIN``: ``synth.bulk.synth_run`` unchanged, with its
    progress in batches. Retry: each batch is written in a transaction with a checkpoint
    (``SynthRun``), so a retry after a failure resumes after the last whole batch (the same
    profile, size, seed and batch size find the unfinished run)."""
    from palermo.synth.bulk import synth_run

    p = job.params
    cases, batch_size = int(p["cases"]), int(p["batch_size"])
    batches = -(-cases // batch_size)
    progress(done=0, total=batches, stage="generating")

    def told(done: int, total: int) -> None:
        progress(done=-(-done // batch_size), total=batches, stage="generating")

    run = synth_run(profile=p["profile"], cases=cases, seed=int(p["seed"]), batch_size=batch_size, progress=told)
    progress(done=batches, total=batches, stage="written")
    return {"synth_run": run.pk, "cases": run.cases, "batches": batches}


KINDS: dict[str, Kind] = {k.code: k for k in (
    Kind("link_score", "Check a new referral for possible matches", _link_score),
    Kind("link_run", "Linkage run: propose possible matches across all people", _link_run,
         frozenset({R.ADMINISTRATOR})),
    Kind("stats_bulletin", "Statistics bulletin files", _stats_bulletin, frozenset({R.ANALYST, R.MONITOR})),
    # Started by `palermo import referrals --background` after the command's own check (the
    # `--as` user may import: nrm.create_referral); the import checks it again when it runs.
    Kind("referral_import", "Import referrals from a file", _referral_import),
    # The import page: who may import (nrm.create_referral: first responders); the import checks
    # the permission again when it runs. A refused upload is deleted, so it cannot be retried.
    Kind("referral_upload", "Import referrals from an uploaded file", _referral_upload,
         frozenset({R.FIRST_RESPONDER}), retryable=_upload_still_there),
    # An operator command: `palermo synth --background --as ADMIN`.
    Kind("synth", "Write synthetic case histories", _synth, frozenset({R.ADMINISTRATOR})),
)}
KIND_LABELS = {code: kind.label for code, kind in KINDS.items()}
