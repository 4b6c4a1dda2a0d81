"""Every read of NRM records. Lists are always scoped to the user (``case_scope_q``); reading a
person's identity writes an access event."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from palermo.core.audit import audit_record
from palermo.core.calendar import add_working_days, working_days_between
from palermo.core.crypto import blind_index
from palermo.core.exceptions import NotAllowed, NotFound
from palermo.nrm import workflow
from palermo.nrm.models import Case, Decision, DutyToNotify, ReferralExploitationType
from palermo.nrm.rules import CaseScope, case_scope, case_scope_q, scope_q
from palermo.people.models import person_full_name_index


@dataclass
class CaseFilters:
    status: str | None = None
    competent_authority: str | None = None  # organisation code
    exploitation_type: str | None = None
    nation: str | None = None
    age_group: str | None = None  # 'child' or 'adult'
    due: str | None = None  # 'overdue' or 'soon'
    name: str | None = None  # exact name search through the blind index (audited)
    reference: str | None = None  # Palermo's reference, or the earlier system's (loading history)
    external_reference: str | None = None  # the earlier system's reference only
    possible_matches: bool = False  # only cases with a possible match the user may see (issue 14)


# Encrypted columns a list never shows: not read, so not decrypted (each costs a Fernet
# decryption per row; a page of 50 decrypted ~300 values it then threw away). Reading one of
# them on a listed case still works: Django loads a deferred field when it is touched.
LIST_DEFERRED = (
    "referral__narrative",
    "referral__person__given_name", "referral__person__family_name", "referral__person__aliases",
    "referral__person__date_of_birth", "referral__person__contact_details",
)


def case_list_for_user(*, user, filters: CaseFilters | None = None, today: dt.date | None = None) -> QuerySet[Case]:
    """Cases the user may see, filtered. A name search is an access to personal data: audited.
    Shaped for lists: exploitation types prefetched (one query a page, not one a case) and the
    encrypted columns deferred (``LIST_DEFERRED``)."""
    f = filters or CaseFilters()
    qs = (case_list_filtered(case_scope(user), f, today=today or timezone.localdate(), user=user)
          .select_related("referral", "referral__person", "referral__first_responder_org", "competent_authority")
          .defer(*LIST_DEFERRED)
          .prefetch_related("referral__exploitation_type_rows"))
    if f.name:
        audit_record(actor=user, action="person.search", object_type="people.person", detail={"kind": "name"})
    return qs


def case_list_filtered(scope: CaseScope, f: CaseFilters, *, today: dt.date | None = None, user=None) -> QuerySet[Case]:
    """The cases of ``scope`` that match ``f``, ordered as lists show them. No side effects (the
    caller audits a name search); ``user`` is needed only for ``possible_matches`` and ``today``
    only for ``due``."""
    qs = Case.objects.filter(scope_q(scope))
    if f.status:
        qs = qs.filter(status=f.status)
    if f.competent_authority:
        qs = qs.filter(competent_authority__code=f.competent_authority)
    if f.exploitation_type:
        # EXISTS, not a join: a join gives a case once per matching row, which made every list
        # need DISTINCT over all its columns (and its count a DISTINCT subquery).
        qs = qs.filter(Exists(ReferralExploitationType.objects.filter(referral_id=OuterRef("referral_id"),
                                                                      code=f.exploitation_type)))
    # on the case's copies of the referral's facts (Case.nation, Case.child): no join to count
    if f.nation:
        qs = qs.filter(nation=f.nation)
    if f.age_group == "child":
        qs = qs.filter(child=True)
    elif f.age_group == "adult":
        qs = qs.filter(child=False)
    if f.reference:
        qs = qs.filter(reference_q(f.reference))
    if f.external_reference:
        qs = qs.filter(referral__external_reference__iexact=f.external_reference.strip())
    if f.due in {"overdue", "soon"}:
        qs = _filter_due(qs, f.due, today)
    if f.possible_matches:
        from palermo.casework.selectors import possible_matches_q

        qs = qs.filter(possible_matches_q(user))
    if f.name:
        parts = f.name.split()
        by_full = person_full_name_index(" ".join(parts[:-1]), parts[-1]) if parts else ""
        by_family = blind_index(f.name, purpose="family_name")
        qs = qs.filter(Q(referral__person__full_name_bi=by_full) | Q(referral__person__family_name_bi=by_family))
    # Every filter above is on the case or a row it points to (never a join to many rows), so each
    # case comes once: no DISTINCT.
    return qs.order_by("rg_due", "id") if f.due else qs


# A shorter fragment matches a full reference only: "26" would otherwise match most cases.
PARTIAL_REFERENCE_MIN = 4


def reference_q(text: str) -> Q:
    """Palermo's reference or the earlier system's, whole or in part, case-insensitive: the
    8-character tail of ``NRM-2026-1A2B3C4D`` alone finds the case (issue 14)."""
    ref = text.strip()
    if len(ref) < PARTIAL_REFERENCE_MIN:
        return Q(referral__reference__iexact=ref) | Q(referral__external_reference__iexact=ref)
    return Q(referral__reference__icontains=ref) | Q(referral__external_reference__icontains=ref)


def working_day_horizon(today: dt.date, days: int) -> dt.date:
    """The latest date that is at most ``days`` working days after ``today`` in any UK nation
    (England and Wales share a calendar; a Scottish or Northern Irish holiday only pushes it
    later), for narrowing in SQL before the per-nation count."""
    return max(add_working_days(today, max(days, 0), nation=n) for n in ("england", "scotland", "northern_ireland"))


def _filter_due(qs, which: str, today: dt.date):
    """Overdue: a reasonable grounds decision past its target date. Soon: a reasonable grounds
    decision due within two working days, or a recovery period whose minimum ends within two
    working days (a conclusive grounds decision becomes possible then).

    There is no target date for a conclusive grounds decision, only the earliest day one may be
    made, so a case in its recovery period is never "overdue"."""
    if which == "overdue":
        return qs.filter(status=workflow.REFERRED, rg_due__lt=today)
    horizon = working_day_horizon(today, 2)
    return qs.filter(
        Q(status=workflow.REFERRED, rg_due__gte=today, rg_due__lte=horizon)
        | Q(status=workflow.RECOVERY_PERIOD, cg_earliest__gte=today, cg_earliest__lte=horizon)
    )


def case_get_for_user(*, user, case_id: int) -> Case:
    """One case, or NotFound if there is no such case, NotAllowed if it is outside scope.
    Every successful read is audited; so is a refused one."""
    case = (
        Case.objects.select_related("referral", "referral__person", "referral__first_responder_org",
                                    "referral__local_authority", "competent_authority")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NotFound(f"There is no case {case_id}")
    if not user.has_perm("nrm.view_case", case):
        audit_record(actor=user, action="case.view_refused", obj=case)
        raise NotAllowed("This case is outside your scope")
    return case


def identity_for_user(*, user, case: Case, purpose: str = "view") -> dict | None:
    """The person's identity if the user may see it (audited as an access), else None. None too
    once a retention rule removed it (``anonymised_on``): there is nothing left to read."""
    person = case.referral.person
    if person is None or person.anonymised_on is not None or not user.has_perm("people.view_identity", case):
        return None
    audit_record(actor=user, action="person.view", obj=person, detail={"case_id": case.pk, "purpose": purpose})
    return {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "aliases": [a for a in person.aliases.splitlines() if a],
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
        "dob_precision": person.dob_precision,
        "contact_details": person.contact_details,
    }


def working_days_left(case: Case, today: dt.date) -> int | None:
    """Working days from today to the next due date (negative when overdue)."""
    due = next_due(case)
    if due is None:
        return None
    return working_days_between(today, due[1], nation=case.referral.nation)


def next_due(case: Case) -> tuple[str, dt.date] | None:
    """The next date that matters: the reasonable grounds target; the first day a conclusive
    grounds decision may be made (not a deadline: kind ``conclusive_grounds_possible_from``);
    the last day to ask for reconsideration."""
    if case.status == workflow.REFERRED:
        return ("reasonable_grounds", case.rg_due)
    if case.status == workflow.RECOVERY_PERIOD and case.cg_earliest:
        return ("conclusive_grounds_possible_from", case.cg_earliest)
    if case.status in {workflow.RG_NEGATIVE, workflow.NOT_IDENTIFIED} and case.reconsideration_deadline:
        return ("reconsideration_window_closes", case.reconsideration_deadline)
    return None


def deadlines_for_user(*, user, today: dt.date | None = None, within_working_days: int = 2) -> list[dict]:
    """Open decisions in scope that are overdue or due within ``within_working_days``."""
    today = today or timezone.localdate()
    out = []
    # Narrow in SQL first: nothing due after the horizon in the most generous nation can be
    # within ``within_working_days`` working days anywhere.
    horizon = working_day_horizon(today, within_working_days)
    qs = (Case.objects.filter(case_scope_q(user))
          .filter(Q(status=workflow.REFERRED, rg_due__lte=horizon)
                  | Q(status=workflow.RECOVERY_PERIOD, cg_earliest__gte=today, cg_earliest__lte=horizon))
          .select_related("referral"))
    for case in qs.iterator(chunk_size=500):
        kind, due = next_due(case) or (None, None)
        if due is None:
            continue
        left = working_days_between(today, due, nation=case.referral.nation)
        if kind == "conclusive_grounds_possible_from" and due < today:
            continue  # a decision already possible is not a deadline
        if left <= within_working_days:
            out.append({"case_id": case.pk, "reference": case.referral.reference, "kind": kind,
                        "due": due, "working_days_left": left,
                        "overdue": kind == "reasonable_grounds" and due < today, "status": case.status})
    out.sort(key=lambda d: (d["due"], d["case_id"]))
    return out


def decisions_awaiting_review_for_user(*, user) -> QuerySet[Decision]:
    return (
        Decision.objects.filter(state="awaiting_review", case__competent_authority__in=user.organisations_for("reviewer"))
        .select_related("case", "case__referral", "decided_by")
        .order_by("decided_on", "id")
    )


def dtn_list_for_user(*, user) -> QuerySet[DutyToNotify]:
    """Duty to Notify reports: the first responder's own organisation's, and those received by
    the user's competent authority."""
    q = Q(pk__in=[])
    if orgs := user.organisations_for("first_responder"):
        q |= Q(referral__first_responder_org__in=orgs)
    if orgs := user.organisations_for("decision_maker", "reviewer"):
        q |= Q(received_by__in=orgs)
    return DutyToNotify.objects.filter(q).select_related("referral", "received_by", "referral__first_responder_org")
