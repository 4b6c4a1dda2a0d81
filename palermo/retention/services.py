"""Applying the retention rules: the only code that removes identities or deletes records for retention.

``retention_apply`` works through what :mod:`.plan` finds due, **in batches**: each batch is one
transaction that re-reads its records under a lock (so it acts on the database as it is then, not
as planned), anonymises or deletes them, and writes one ``retention.apply`` audit event per record
kind and rule version with counts only (never a name or a reference). A batch either happens
completely or not at all, so an interrupted run leaves whole people done or untouched and the next
run carries on; a run with nothing due writes nothing (idempotent).

Anonymising a unit (a person or cluster with all their referrals, :mod:`.plan`) sets the fields
:data:`.erasure.ERASE` lists on the people, referrals, decisions and steps, and on every history
row of them (residence permit applications and decisions included), and marks the people and referrals with the day and the rule version
(``anonymised_on``, ``retention_rule``) so pages can say so and nothing is processed twice.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from palermo.children.models import MissingEpisode, TraffickingGrading
from palermo.core.audit import audit_record
from palermo.core.exceptions import ValidationFailed
from palermo.intelligence.models import VictimLink
from palermo.law.retention import RETENTION_DIR
from palermo.letters.models import LetterDocument
from palermo.linkage.models import PENDING, WITHDRAWN, LinkCandidate
from palermo.nrm.models import Case, CaseTransition, Decision, Referral
from palermo.people.models import Person
from palermo.permits.models import PermitApplication, PermitDecision
from palermo.retention.erasure import erase, erase_history, unhandled_encrypted_fields
from palermo.retention.plan import (
    Unit,
    due_units,
    link_candidates_due,
    retention_plan,
    stamped_querysets,
    units_for,
)

DEFAULT_BATCH = 200


def _batches(units: list[Unit], size: int) -> list[list[Unit]]:
    """Units in batches of at most ``size`` records (a unit is never split)."""
    out: list[list[Unit]] = [[]]
    n = 0
    for u in units:
        if out[-1] and n + len(u.records) > size:
            out.append([])
            n = 0
        out[-1].append(u)
        n += len(u.records)
    return [b for b in out if b]


def _anonymise_units(units: list[Unit], *, actor, as_of: dt.date, today: dt.date, batch: int) -> Counter:
    """Anonymise ``units`` (already re-read in this transaction) and audit per kind and rule version."""
    work: dict[tuple[str, str], dict[str, list[int]]] = defaultdict(lambda: {"referrals": [], "people": []})
    for u in units:
        for rec in u.records:
            work[(rec.kind, rec.rule.version)]["referrals"].append(rec.referral_id)
        gov = u.governing
        work[(gov.kind, gov.rule.version)]["people"] += u.person_ids
    total: Counter = Counter()
    for (kind, version), ids in sorted(work.items()):
        refs, people = ids["referrals"], ids["people"]
        case_ids = list(Case.objects.filter(referral_id__in=refs).values_list("pk", flat=True))
        decision_ids = list(Decision.objects.filter(case_id__in=case_ids).values_list("pk", flat=True))
        c = Counter()
        c["referrals"] = erase("nrm.referral", Referral.objects.filter(pk__in=refs),
                               anonymised_on=today, retention_rule=version)
        c["people"] = erase("people.person", Person.objects.filter(pk__in=people),
                            anonymised_on=today, retention_rule=version)
        c["decisions"] = erase("nrm.decision", Decision.objects.filter(pk__in=decision_ids))
        c["steps"] = erase("nrm.casetransition", CaseTransition.objects.filter(case_id__in=case_ids))
        c["child_records"] = (erase("children.missingepisode", MissingEpisode.objects.filter(case_id__in=case_ids))
                              + erase("children.traffickinggrading", TraffickingGrading.objects.filter(case_id__in=case_ids)))
        application_ids = list(PermitApplication.objects.filter(case_id__in=case_ids).values_list("pk", flat=True))
        permit_decision_ids = list(PermitDecision.objects.filter(application_id__in=application_ids)
                                   .values_list("pk", flat=True))
        c["permit_applications"] = erase("permits.permitapplication",
                                         PermitApplication.objects.filter(pk__in=application_ids))
        c["permit_decisions"] = erase("permits.permitdecision", PermitDecision.objects.filter(pk__in=permit_decision_ids))
        c["letters"] = erase("letters.letterdocument", LetterDocument.objects.filter(letter__case_id__in=case_ids),
                             erased_on=today)
        c["intel_victim_links"] = erase("intelligence.victimlink", VictimLink.objects.filter(person_id__in=people))
        from palermo.justice.models import ProsecutionVictim

        c["prosecution_victims"] = erase("justice.prosecutionvictim",
                                         ProsecutionVictim.objects.filter(person_id__in=people))
        c["history_rows"] = (erase_history("nrm.referral", refs) + erase_history("people.person", people)
                             + erase_history("nrm.decision", decision_ids)
                             + erase_history("permits.permitapplication", application_ids)
                             + erase_history("permits.permitdecision", permit_decision_ids))
        audit_record(actor=actor, action="retention.apply", object_type="nrm.referral",
                     detail={"kind": kind, "rule": version.split("@")[0], "version": version,
                             "as_of": as_of.isoformat(), "batch": batch, **c})
        total.update({f"{kind}.{k}": v for k, v in c.items()})
    return total


def _apply_units(*, actor, as_of: dt.date, today: dt.date, batch_size: int, root: Path, progress) -> Counter:
    total: Counter = Counter()
    planned = due_units(units_for(as_of=as_of, root=root), as_of)
    for number, batch in enumerate(_batches(planned, batch_size), 1):
        with transaction.atomic():
            ref_ids = [r.referral_id for u in batch for r in u.records]
            list(Referral.objects.select_for_update().filter(pk__in=ref_ids).values_list("pk", flat=True))
            fresh = due_units(units_for(
                as_of=as_of, person_ids={p for u in batch for p in u.person_ids},
                referral_ids={u.records[0].referral_id for u in batch if not u.person_ids}, root=root), as_of)
            done = _anonymise_units(fresh, actor=actor, as_of=as_of, today=today, batch=number)
        total.update(done)
        total["batches"] += 1
        progress(f"batch {number}: {sum(len(u.records) for u in fresh)} records of {len(fresh)} people or reports anonymised")
    return total


def _apply_link_candidates(*, actor, as_of: dt.date, batch_size: int, root: Path, progress) -> Counter:
    total: Counter = Counter()
    due = link_candidates_due(as_of=as_of, root=root)
    for start in range(0, len(due), batch_size):
        chunk = due[start : start + batch_size]
        by_version: dict[str, list[int]] = defaultdict(list)
        for pk, rule in chunk:
            by_version[rule.version].append(pk)
        with transaction.atomic():
            for version, ids in sorted(by_version.items()):
                withdrawn = 0
                for cand in LinkCandidate.objects.select_for_update().filter(pk__in=ids, status=PENDING):
                    cand.status = WITHDRAWN
                    cand._change_reason = f"Withdrawn: identity removed ({version})"[:100]
                    cand.save(update_fields=["status", "updated_at"])
                    withdrawn += 1
                c = Counter(candidates=erase("linkage.linkcandidate", LinkCandidate.objects.filter(pk__in=ids)),
                            withdrawn=withdrawn, history_rows=erase_history("linkage.linkcandidate", ids))
                audit_record(actor=actor, action="retention.apply", object_type="linkage.linkcandidate",
                             detail={"kind": "link_candidate", "rule": version.split("@")[0], "version": version,
                                     "as_of": as_of.isoformat(), **c})
                total.update({f"link_candidate.{k}": v for k, v in c.items()})
        total["batches"] += 1
        progress(f"possible matches: {len(chunk)} cleared")
    return total


def _apply_stamped(*, actor, as_of: dt.date, batch_size: int, root: Path, progress) -> Counter:
    total: Counter = Counter()
    for kind, (rule, qs) in stamped_querysets(as_of=as_of, root=root).items():
        if rule is None:
            continue
        while True:
            with transaction.atomic():
                pks = list(qs.values_list("pk", flat=True)[:batch_size])
                if not pks:
                    break
                deleted = qs.model.objects.filter(pk__in=pks).delete()[0]
                audit_record(actor=actor, action="retention.apply", object_type=qs.model._meta.label_lower,
                             detail={"kind": kind, "rule": rule.id, "version": rule.version,
                                     "as_of": as_of.isoformat(), "deleted": deleted})
            total[f"{kind}.deleted"] += deleted
            total["batches"] += 1
            progress(f"{kind}: {deleted} deleted")
    return total


def retention_apply(
    *, actor, as_of: dt.date | None = None, batch_size: int = DEFAULT_BATCH, root: Path = RETENTION_DIR,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Anonymise or delete everything the rules make due on ``as_of`` (default today), in
    batches, and return the counts (``<kind>.<what>``, and ``batches``).

    Refuses a date after today (that would remove records before their rule allows; plan with
    :func:`retention_plan` instead) and refuses to run while an encrypted field is not covered by
    :mod:`.erasure` (a removal that left it would not remove the identity). People and reports
    first, then the possible matches of the people just anonymised, then time-stamped records.
    """
    today = timezone.localdate()
    as_of = as_of or today
    if as_of > today:
        raise ValidationFailed("Date is in the future", {"as_of": "The date must be today or in the past: "
                                                         "use a dry run to see what a later date would remove"})
    unhandled = unhandled_encrypted_fields()
    if unhandled:
        raise ImproperlyConfigured(
            "retention does not know what to do with these encrypted fields (add them to ERASE or "
            f"NOT_VICTIM_DATA in palermo/retention/erasure.py): {', '.join(unhandled)}")
    progress = progress or (lambda _msg: None)
    total: Counter = Counter()
    total.update(_apply_units(actor=actor, as_of=as_of, today=today, batch_size=batch_size, root=root, progress=progress))
    total.update(_apply_link_candidates(actor=actor, as_of=as_of, batch_size=batch_size, root=root, progress=progress))
    total.update(_apply_stamped(actor=actor, as_of=as_of, batch_size=batch_size, root=root, progress=progress))
    return dict(total)


__all__ = ["retention_apply", "retention_plan", "DEFAULT_BATCH"]
