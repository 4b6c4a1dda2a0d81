"""Every write on possible matches: scoring a person, confirming, rejecting and unlinking.

Like the NRM services: keyword-only, the acting user first, one transaction, permission check,
and the audit event in the same transaction. Audit details hold ids and codes only: never a
name, a date of birth or the free-text reason (which is stored encrypted on the candidate).
A confirmed link never merges or deletes a person: clusters are computed from the links.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from palermo.core.audit import audit_record
from palermo.core.exceptions import NotAllowed, TransitionRefused, ValidationFailed
from palermo.linkage import incremental
from palermo.linkage.models import (
    CONFIRMED,
    PENDING,
    REASON_CODES,
    REJECTED,
    UNLINKED,
    WITHDRAWN,
    LinkCandidate,
)

logger = logging.getLogger(__name__)

DEFAULT_REVIEW_THRESHOLD = 0.5


def review_threshold() -> float:
    """Probability at or above which a pair goes to a caseworker (``PALERMO_LINK_REVIEW_THRESHOLD``)."""
    return float(getattr(settings, "PALERMO_LINK_REVIEW_THRESHOLD", DEFAULT_REVIEW_THRESHOLD))


def store_candidates(
    *, pairs: list[tuple[int, int, float, float]], found_by: str, model_version: str,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Write ``(person_id, person_id, probability, weight)`` pairs as pending candidates.

    A pair already decided (confirmed, rejected or unlinked) is left alone; a pending one gets
    the new score; a withdrawn one (an earlier model stopped proposing it, not a decision) is
    proposed again: pending, with the new score. Returns counts: created, updated, reinstated,
    already_decided. ``progress(stored, to_store)`` is told every 500 new candidates (a batch run
    writes thousands, in the caller's transaction).
    """  # fmt: skip
    counts = {"created": 0, "updated": 0, "reinstated": 0, "already_decided": 0}
    if not pairs:
        return counts
    ordered = {}
    for x, y, p, w in pairs:
        if x == y:
            continue
        a, b = (x, y) if x < y else (y, x)
        if (a, b) not in ordered or p > ordered[(a, b)][0]:
            ordered[(a, b)] = (p, w)
    a_ids = {a for a, _ in ordered}
    existing = {
        (c.person_a_id, c.person_b_id): c
        for c in LinkCandidate.objects.filter(person_a_id__in=a_ids, person_b_id__in={b for _, b in ordered})
    }
    new = []
    for (a, b), (p, w) in ordered.items():
        found = existing.get((a, b))
        if found is None:
            new.append(LinkCandidate(person_a_id=a, person_b_id=b, match_probability=p, match_weight=w,
                                     model_version=model_version, found_by=found_by))
        elif found.status == PENDING:
            if (found.match_probability, found.match_weight, found.model_version) != (p, w, model_version):
                found.match_probability, found.match_weight, found.model_version = p, w, model_version
                found.save(update_fields=["match_probability", "match_weight", "model_version", "updated_at"])
                counts["updated"] += 1
        elif found.status == WITHDRAWN:
            found.status = PENDING
            found.match_probability, found.match_weight, found.model_version = p, w, model_version
            found.save(update_fields=["status", "match_probability", "match_weight", "model_version", "updated_at"])
            counts["reinstated"] += 1
        else:
            counts["already_decided"] += 1
    for n, cand in enumerate(new):  # one by one, so simple-history records each creation
        if progress and n and n % 500 == 0:
            progress(n, len(new))
        try:
            with transaction.atomic():  # savepoint: another scoring may have stored the pair just now
                cand.save()
        except IntegrityError:
            continue  # stored concurrently by another scoring: not new
        counts["created"] += 1
    return counts


def link_candidates_score_for_person(*, person, actor=None) -> list[LinkCandidate]:
    """Score ``person`` against every other known person and store the pairs at or above the
    review threshold as pending candidates (never an automatic link). Returns the candidates
    of the person that are pending after scoring.

    Scoring runs outside a transaction (it reads, decrypts in memory and runs Splink); only the
    writes and their audit event are atomic.
    """
    start = time.perf_counter()
    threshold = review_threshold()
    result = incremental.score_person(person_id=person.pk, threshold=threshold)
    version = incremental.model_version()
    with transaction.atomic():
        counts = store_candidates(
            pairs=[(person.pk, p["person_id"], p["match_probability"], p["match_weight"]) for p in result.pairs],
            found_by="referral", model_version=version,
        )  # fmt: skip
        audit_record(
            actor=actor, action="link.score", obj=person,
            detail={"known_people": result.known, "compared": result.blocked, "above_threshold": len(result.pairs),
                    "threshold": threshold, "model_version": version, "seconds": round(time.perf_counter() - start, 3),
                    **counts},
        )  # fmt: skip
    # this person's other pending matches that an earlier model scored and this scoring did not
    # propose again: rescored now, so the case page never shows a stale probability
    from palermo.linkage import rescoring

    plan = rescoring.rescore_plan(
        model=incremental.saved_model(), threshold=threshold, person_id=person.pk,
        exclude_pairs=[(person.pk, p["person_id"]) for p in result.pairs],
    )  # fmt: skip
    if plan.scores:
        rescoring.rescore_apply(plan=plan, actor=actor)
    from django.db.models import Q

    return list(LinkCandidate.objects.filter(Q(person_a=person) | Q(person_b=person), status=PENDING))


def score_after_referral(*, person_id: int, actor_id: int | None) -> None:
    """The on-commit hook of a new referral. Never raises: a failure is logged and audited,
    and the referral stands."""
    from palermo.accounts.models import User
    from palermo.people.models import Person

    try:
        person = Person.objects.get(pk=person_id)
        actor = User.objects.filter(pk=actor_id).first() if actor_id else None
        link_candidates_score_for_person(person=person, actor=actor)
    except Exception as exc:  # noqa: BLE001 — scoring must never break a referral
        logger.exception("Scoring person %s for possible matches failed", person_id)
        try:
            with transaction.atomic():
                audit_record(actor=None, action="link.scoring_failed", object_type="people.person",
                             object_id=person_id, detail={"error": type(exc).__name__})
        except Exception:  # noqa: BLE001
            logger.exception("Could not audit the failed scoring of person %s", person_id)


def _check_reason(*, action: str, reason_code: str, reason_text: str) -> None:
    errors = {}
    label_actions = REASON_CODES.get(reason_code or "")
    if not reason_code:
        errors["reason_code"] = "Select the reason"
    elif label_actions is None or action not in label_actions[1]:
        errors["reason_code"] = "Select a reason that fits your decision"
    if not (reason_text or "").strip():
        errors["reason_text"] = "Enter why"
    if errors:
        raise ValidationFailed("The decision has errors", errors)


def _locked(candidate: LinkCandidate) -> LinkCandidate:
    return LinkCandidate.objects.select_for_update().get(pk=candidate.pk)


def _refuse_if_identity_removed(candidate: LinkCandidate) -> None:
    """A decision needs both identities: once a retention rule removed one (palermo.retention),
    the pair can no longer be confirmed, rejected or unlinked, and no new reason is written."""
    from palermo.people.models import Person

    if Person.objects.filter(pk__in=[candidate.person_a_id, candidate.person_b_id], anonymised_on__isnull=False).exists():
        raise TransitionRefused("The identity of one of these people was removed under a retention rule: "
                                "this match can no longer be decided")


def _audit_detail(candidate: LinkCandidate, **extra) -> dict:
    return {"person_a": candidate.person_a_id, "person_b": candidate.person_b_id,
            "match_probability": round(candidate.match_probability, 4), "model_version": candidate.model_version,
            "reason_code": candidate.reason_code, **extra}


@transaction.atomic
def link_candidate_decide(*, actor, candidate: LinkCandidate, decision: str, reason_code: str, reason_text: str) -> LinkCandidate:
    """Confirm (same person) or reject (not the same person) a pending possible match."""
    if not actor.has_perm("linkage.decide_candidate", candidate):
        raise NotAllowed("You can decide a possible match only if you can see the identity on a case of both people")
    candidate = _locked(candidate)
    _refuse_if_identity_removed(candidate)
    if candidate.status == WITHDRAWN:
        raise TransitionRefused("This possible match was withdrawn: the current linkage model no longer proposes it")
    if candidate.status != PENDING:
        raise TransitionRefused(f"This possible match has already been decided ({candidate.get_status_display().lower()})")
    if decision not in {"confirm", "reject"}:
        raise ValidationFailed("The decision has errors", {"decision": "Select whether these are the same person"})
    _check_reason(action=decision, reason_code=reason_code, reason_text=reason_text)
    candidate.status = CONFIRMED if decision == "confirm" else REJECTED
    candidate.decided_by, candidate.decided_at = actor, timezone.now()
    candidate.reason_code, candidate.reason_text = reason_code, reason_text.strip()
    candidate.save()
    from palermo.linkage.selectors import person_cluster

    size = len(person_cluster(person=candidate.person_a_id))
    audit_record(actor=actor, action=f"link.{decision}", obj=candidate, detail=_audit_detail(candidate, cluster_size=size))
    return candidate


@transaction.atomic
def link_unlink(*, actor, candidate: LinkCandidate, reason_code: str, reason_text: str) -> LinkCandidate:
    """Undo a confirmed link: the two people are no longer one cluster (unless other confirmed
    links still join them)."""
    if not actor.has_perm("linkage.decide_candidate", candidate):
        raise NotAllowed("You can unlink people only if you can see the identity on a case of both people")
    candidate = _locked(candidate)
    _refuse_if_identity_removed(candidate)
    if candidate.status != CONFIRMED:
        raise TransitionRefused("Only a confirmed link can be unlinked")
    _check_reason(action="unlink", reason_code=reason_code, reason_text=reason_text)
    previous = {"decided_by": candidate.decided_by_id, "reason_code": candidate.reason_code}
    candidate.status = UNLINKED
    candidate.decided_by, candidate.decided_at = actor, timezone.now()
    candidate.reason_code, candidate.reason_text = reason_code, reason_text.strip()
    candidate.save()
    from palermo.linkage.selectors import person_cluster

    size = len(person_cluster(person=candidate.person_a_id))
    audit_record(actor=actor, action="link.unlink", obj=candidate,
                 detail=_audit_detail(candidate, cluster_size=size, confirmed_by=previous["decided_by"],
                                      confirmed_reason=previous["reason_code"]))
    return candidate


__all__ = [
    "link_candidates_score_for_person", "link_candidate_decide", "link_unlink", "score_after_referral",
    "store_candidates", "review_threshold", "REJECTED",
]
