"""Rescoring possible matches when the linkage model changes.

A candidate keeps the probability of the model that scored it (``model_version``,
``model_format@trained_at``). After ``palermo link train`` or with another model (``--model``),
the pending candidates scored by another model are rescored with the current one, exactly those
pairs, with the probability a fresh scoring would give them: the same Splink job as scoring a
referral (:func:`palermo.linkage.incremental.score_pairs`), on the cleaned-people cache, with λ
and the term frequencies of the whole population.

* A pending pair at or above the review threshold stays pending, with the new probability,
  weight and model version.
* A pending pair below it is **withdrawn** (status ``withdrawn``): the current model no longer
  proposes it. It is not deleted and does not vanish: the row keeps the new probability and
  model version, its history (django-simple-history, with the change reason "Rescored with …")
  keeps the old ones, it is still listed with its status, and it no longer counts or shows as
  waiting for a decision. It cannot be confirmed or rejected while withdrawn.
* A withdrawn pair is rescored in the same way, and goes back to pending if the current model
  proposes it again (a rolled-back model restores the pending list). A referral or batch
  scoring that proposes it again does the same (:func:`palermo.linkage.services.store_candidates`).
* Confirmed, rejected and unlinked pairs were decided by people: never changed, only counted.
* A pair of which one person is no longer a known person (no NRM case) is not scored and left
  as it is.

Scoring runs outside any transaction (it reads, decrypts in memory and runs Splink). The writes
and their audit event (``link.rescore``, counts only) are one transaction that re-reads each
candidate under a lock, so a decision taken meanwhile is never overwritten. A run that changes
nothing writes nothing, not even an audit event; a dry run never writes.
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Q

from palermo.core.audit import audit_record
from palermo.linkage import incremental
from palermo.linkage.model import SavedModel, load_model
from palermo.linkage.models import DECIDED, PENDING, WITHDRAWN, LinkCandidate
from palermo.linkage.services import review_threshold

#: The statuses rescoring may change: proposals of a model, not decisions of a person.
RESCORED = (PENDING, WITHDRAWN)

#: The counts of a rescoring, in the order they are printed.
COUNTS = ("rescored", "raised", "lowered", "unchanged", "withdrawn", "reinstated", "decided_left_alone", "not_scored")


@dataclass
class RescorePlan:
    """New scores of the stale candidates, computed without writing: {candidate id: (p, w)}."""

    model_version: str
    threshold: float
    scores: dict[int, tuple[float, float]] = field(default_factory=dict)
    not_scored: int = 0


def _stale(version: str):
    return LinkCandidate.objects.filter(status__in=RESCORED).exclude(model_version=version)


def rescore_plan(
    *,
    model: SavedModel,
    threshold: float | None = None,
    exclude_pairs: Iterable[tuple[int, int]] = (),
    person_id: int | None = None,
) -> RescorePlan:
    """Score, with ``model``, every pending or withdrawn candidate that another model scored
    (except ``exclude_pairs``, ``(person_a, person_b)``, which the caller is about to store with
    this model anyway; with ``person_id``, only that person's). Reads and decrypts in memory;
    writes nothing."""
    version = incremental.model_version(model)
    plan = RescorePlan(version, review_threshold() if threshold is None else threshold)
    skip = {tuple(sorted(p)) for p in exclude_pairs}
    stale_qs = _stale(version)
    if person_id is not None:
        stale_qs = stale_qs.filter(Q(person_a_id=person_id) | Q(person_b_id=person_id))
    stale = [c for c in stale_qs.order_by("pk").values_list("pk", "person_a_id", "person_b_id")
             if (c[1], c[2]) not in skip]  # fmt: skip
    if not stale:
        return plan
    cache = incremental.known_people()
    with incremental._LOCK:
        rows = {pk: cache.rows[pk] for _, a, b in stale for pk in (a, b) if pk in cache.rows}
        population = len(cache.rows)
        name_freq, nat_freq = Counter(cache.name_freq), Counter(cache.nationality_freq)
    scorable = [(pk, a, b) for pk, a, b in stale if a in rows and b in rows]
    scored = incremental.score_pairs(
        pairs=[(a, b) for _, a, b in scorable], rows=rows, population=population, name_freq=name_freq,
        nationality_freq=nat_freq, model=model,
    )  # fmt: skip
    plan.scores = {pk: scored[(a, b)] for pk, a, b in scorable if (a, b) in scored}
    plan.not_scored = len(stale) - len(plan.scores)
    return plan


def _rescore_one(cand: LinkCandidate, p: float, w: float, threshold: float, counts: dict) -> None:
    """Set the new score (and status) on ``cand`` in memory and count what happened."""
    counts["rescored"] += 1
    counts["raised" if p > cand.match_probability else "lowered" if p < cand.match_probability else "unchanged"] += 1
    if cand.status == PENDING and p < threshold:
        cand.status = WITHDRAWN
        counts["withdrawn"] += 1
    elif cand.status == WITHDRAWN and p >= threshold:
        cand.status = PENDING
        counts["reinstated"] += 1
    cand.match_probability, cand.match_weight = p, w


def _locked(plan: RescorePlan, *, lock: bool, chunk: int = 500) -> Iterable[LinkCandidate]:
    """The planned candidates that are still stale, re-read (under a lock when writing)."""
    ids = sorted(plan.scores)
    for i in range(0, len(ids), chunk):
        qs = _stale(plan.model_version).filter(pk__in=ids[i : i + chunk]).order_by("pk")
        yield from (qs.select_for_update() if lock else qs)


def rescore_apply(*, plan: RescorePlan, actor=None, dry_run: bool = False, started: float | None = None) -> dict:
    """Write ``plan`` in one transaction with its ``link.rescore`` audit event, and return the
    counts (:data:`COUNTS`). Each candidate is re-read under a lock: one decided or rescored
    since the plan was made is left as it is. ``dry_run`` counts the same and writes nothing."""
    started = time.perf_counter() if started is None else started
    counts = dict.fromkeys(COUNTS, 0)
    counts["not_scored"] = plan.not_scored
    with contextlib.nullcontext() if dry_run else transaction.atomic():
        for cand in _locked(plan, lock=not dry_run):
            _rescore_one(cand, *plan.scores[cand.pk], plan.threshold, counts)
            if dry_run:
                continue
            cand.model_version = plan.model_version
            cand._change_reason = f"Rescored with {plan.model_version}"[:100]
            if getattr(actor, "pk", None):
                cand._history_user = actor
            cand.save(update_fields=["status", "match_probability", "match_weight", "model_version", "updated_at"])
        counts["decided_left_alone"] = (
            LinkCandidate.objects.filter(status__in=DECIDED).exclude(model_version=plan.model_version).count()
        )
        if counts["rescored"] and not dry_run:
            audit_record(actor=actor, action="link.rescore", object_type="linkage.linkcandidate",
                         detail={**counts, "threshold": plan.threshold, "model_version": plan.model_version,
                                 "seconds": round(time.perf_counter() - started, 2)})  # fmt: skip
    return counts


def link_candidates_rescore(
    *, actor=None, model_path: Path | None = None, threshold: float | None = None, dry_run: bool = False
) -> dict:
    """Rescore the pending (and withdrawn) candidates that another model scored with the current
    model (the packaged one, or ``model_path``), and return the counts with the model version,
    threshold and seconds. Raises :class:`~palermo.linkage.model.ModelError` for an unusable
    model file before anything is read or written."""
    start = time.perf_counter()
    model = load_model(path=model_path) if model_path else incremental.saved_model()
    plan = rescore_plan(model=model, threshold=threshold)
    counts = rescore_apply(plan=plan, actor=actor, dry_run=dry_run, started=start)
    return {**counts, "model_version": plan.model_version, "threshold": plan.threshold, "dry_run": dry_run,
            "seconds": round(time.perf_counter() - start, 2)}
