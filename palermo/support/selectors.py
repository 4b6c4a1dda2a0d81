"""Every read in victim support, scoped in one place (``palermo.support.rules``).

* the caseload: open placements with the user's organisation;
* people awaiting a place and the waiting list: for a prime contractor's support workers, by
  pseudonym, in the nations of the contracts they allocate;
* one person's support record: placements, services, the move-on or exit date with why, and —
  only for the provider the person is placed with — their name, date of birth and languages
  (every such read an audit event). Never the referral narrative, decision reasons, contact
  details or intelligence.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from palermo.core.audit import audit_record
from palermo.core.exceptions import NotAllowed, NotFound
from palermo.nrm import codes as nrm_codes
from palermo.nrm import workflow
from palermo.nrm.models import Case
from palermo.people.countries import country_name
from palermo.support import codes
from palermo.support.models import Placement, WaitingListEntry
from palermo.support.periods import support_period_for_case
from palermo.support.rules import (
    PLACEABLE_STATUSES,
    allocating_contracts,
    awaiting_cases,
    placed_q,
    support_orgs,
)


def caseload_for_user(*, user) -> QuerySet[Placement]:
    """Open placements with the user's organisation (as a support worker), newest first."""
    return (Placement.objects.filter(end_on__isnull=True, provider__in=support_orgs(user))
            .select_related("case", "case__referral", "case__referral__person", "provider")
            .order_by("-start_on", "-id"))


def awaiting_for_user(*, user, on: dt.date | None = None) -> QuerySet[Case]:
    """People a prime contractor's support worker may place who are not on the waiting list,
    longest since their positive reasonable grounds decision first."""
    open_entries = WaitingListEntry.objects.filter(left_on__isnull=True).values("case_id")
    return (awaiting_cases(user, on).exclude(pk__in=open_entries)
            .select_related("referral", "referral__person").order_by("rg_decided_on", "id"))


@dataclass
class WaitingRow:
    entry: WaitingListEntry
    position: int
    days_waited: int

    def to_json(self) -> dict:
        case = self.entry.case
        return {"position": self.position, "case_id": case.pk, "person_reference": case.referral.person.pseudonym,
                "nation": self.entry.nation, "contract": self.entry.contract.code, "joined_on": self.entry.joined_on,
                "days_waited": self.days_waited, "gender": case.referral.person.gender,
                "exploitation_types": case.referral.exploitation_types}


def waiting_list_for_user(*, user, today: dt.date | None = None, nation: str | None = None,
                          provider: str | None = None) -> list[WaitingRow]:
    """Open waiting-list entries under the contracts the user allocates, in the order people
    joined (the day, then the moment it was recorded), with the days each has waited. People
    whose case has moved on (withdrawn, a conclusive grounds outcome) are not waiting any more.
    ``provider``: only people that provider's terms make eligible today."""
    today = today or timezone.localdate()
    contracts = [c.pk for c in allocating_contracts(user, today)]
    qs = (WaitingListEntry.objects.filter(left_on__isnull=True, contract__in=contracts,
                                          case__status__in=PLACEABLE_STATUSES)
          .select_related("case", "case__referral", "case__referral__person", "contract")
          .prefetch_related("case__referral__exploitation_type_rows")
          .order_by("joined_on", "joined_at", "id"))
    if nation:
        qs = qs.filter(nation=nation)
    entries = list(qs)
    if provider:
        from palermo.support.matching import matching_for_case

        entries = [e for e in entries
                   if any(r.organisation.code == provider and r.eligible
                          for r in matching_for_case(user=user, case=e.case, on=today))]
    return [WaitingRow(e, i, (today - e.joined_on).days) for i, e in enumerate(entries, 1)]


def support_case_get_for_user(*, user, case_id: int) -> Case:
    """The case, if the user may see its support record: NotFound when there is no such case,
    NotAllowed (audited) when there is and they may not."""
    case = (Case.objects.select_related("referral", "referral__person", "referral__local_authority")
            .filter(pk=case_id).first())
    if case is None:
        raise NotFound(f"There is no case {case_id}")
    if not user.has_perm("support.view_record", case):
        audit_record(actor=user, action="support.view_refused", obj=case)
        raise NotAllowed("This person's support record is outside your scope")
    return case


def support_identity_for_user(*, user, case: Case) -> dict | None:
    """Name, date of birth and languages, for the provider the person is placed with (an audited
    read); None for anyone else, or once retention removed the identity."""
    person = case.referral.person
    if person is None or person.anonymised_on is not None or not user.has_perm("support.view_identity", case):
        return None
    audit_record(actor=user, action="person.view", obj=person, detail={"case_id": case.pk, "purpose": "support"})
    return {"given_name": person.given_name, "family_name": person.family_name,
            "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
            "languages": list(person.languages or []), "interpreter_needed": person.interpreter_needed}


def _user_name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def support_record_for_user(*, user, case: Case, today: dt.date | None = None) -> dict:
    """What the support record shows this user (the page and the API use the same)."""
    today = today or timezone.localdate()
    ref = case.referral
    person = ref.person
    mine = set(support_orgs(user))
    kinds, exits, services = codes.labels("placement_kinds"), codes.labels("exit_reasons"), codes.labels("services")
    placements = []
    for p in case.placements.select_related("provider", "contract").order_by("-start_on", "-id"):
        if p.provider_id not in mine and not user.has_perm("support.place", case):
            continue  # a provider sees its own placements; an allocator sees where the person has been
        placements.append({
            "id": p.pk, "provider": p.provider.code, "provider_name": p.provider.name, "kind": p.kind,
            "kind_label": kinds.get(p.kind, p.kind), "start_on": p.start_on, "end_on": p.end_on,
            "exit_reason": p.exit_reason, "exit_reason_label": exits.get(p.exit_reason, p.exit_reason),
            "open": p.end_on is None, "mine": p.provider_id in mine, "eligibility_version": p.eligibility_version,
            "contract": p.contract.title if p.contract else "",
            "services": [{"service": s.service, "label": services.get(s.service, s.service), "delivered_on": s.delivered_on,
                          "by": _user_name(s.delivered_by), "organisation": s.organisation.name}
                         for s in p.services.select_related("delivered_by", "organisation")
                         .order_by("-delivered_on", "-id")] if p.provider_id in mine else [],
        })
    entry = case.waiting_list_entries.filter(left_on__isnull=True).first()
    period = support_period_for_case(case)
    exploitation = dict(nrm_codes.choices("exploitation_types"))
    return {
        "case_id": case.pk, "reference": ref.reference, "person_reference": person.pseudonym if person else None,
        "status": case.status, "status_label": workflow.STATUS_LABELS[case.status],
        "nation": ref.nation, "child": ref.is_child, "gender": person.gender if person else "unknown",
        "nationalities": [country_name(n) for n in (person.nationalities if person else [])],
        "exploitation_types": [exploitation.get(c, c) for c in ref.exploitation_types],
        "rg_decided_on": case.rg_decided_on, "recovery_period_min_end": case.recovery_period_min_end,
        "cg_decided_on": case.cg_decided_on,
        "identity": support_identity_for_user(user=user, case=case),
        "anonymised": bool(person and person.anonymised_on),
        "placements": placements,
        "waiting": {"joined_on": entry.joined_on, "days_waited": (today - entry.joined_on).days} if entry else None,
        "support_period": period.to_json() if period else None,
        "can_place": user.has_perm("support.place", case),
        "can_record_service": user.has_perm("support.record_service", case),
    }


def placed_cases_for_user(*, user) -> QuerySet[Case]:
    return Case.objects.filter(placed_q(user))
