"""Every write in victim support: placing a person, ending a placement, recording a service, and
the waiting list. Keyword-only, with the acting user; one transaction each; permission checked
(``palermo.support.rules``); the audit event written in the same transaction, with ids, codes and
counts only. Pages and the API call these, so they cannot disagree.

**Capacity.** ``placement_create`` locks the provider's profile row before it counts the places
taken and inserts the placement, so two caseworkers placing people into a provider's last free
place at the same moment are served one after the other: the second sees the place taken and is
refused (PostgreSQL row lock, ``SELECT … FOR UPDATE``; SQLite takes its one write lock at the
start of every transaction). It also locks the case, so one person is never placed twice at once,
and the database refuses a second open placement for a case.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from palermo.core.audit import audit_record
from palermo.core.exceptions import NotAllowed, TransitionRefused, ValidationFailed
from palermo.nrm import workflow
from palermo.nrm.models import Case
from palermo.support import codes
from palermo.support.matching import ANSWER_KEYS, facts_for_case, matching_for_case
from palermo.support.models import Capacity, Placement, ProviderProfile, ServiceDelivery, WaitingListEntry
from palermo.support.rules import PLACEABLE_STATUSES, allocating_contracts, support_orgs
from palermo.support.schemas import PlacementEndIn, PlacementIn, ServiceIn, WaitingListIn


def _today() -> dt.date:
    return timezone.localdate()


def _after_capacity_check(provider_id: int, kind: str) -> None:
    """Does nothing. The PostgreSQL concurrency test replaces it to hold one transaction between
    its capacity check and its insert (tests/support/test_concurrent_placements.py), which is the
    moment a second caseworker could take the same place if the provider were not locked."""


def _lock_case(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("referral", "referral__person").get(pk=case.pk)


def _d(day: dt.date) -> str:
    return f"{day:%-d %B %Y}"


def _check_capacity(profile: ProviderProfile, kind: str, start_on: dt.date, today: dt.date) -> None:
    """Refuse unless a place of ``kind`` is free on every day from ``start_on`` to today. Places
    taken only grow on the day a placement starts and capacity only changes on the day a new
    figure starts, so those days (and the start) are the ones to check."""
    caps = sorted(Capacity.objects.filter(provider=profile, kind=kind).values_list("starts_on", "places"))
    taken = list(Placement.objects.filter(provider_id=profile.organisation_id, kind=kind, start_on__lte=max(start_on, today))
                 .filter(Q(end_on__isnull=True) | Q(end_on__gt=start_on)).values_list("start_on", "end_on"))
    days = {start_on} | {s for s, _ in taken if start_on < s <= today} | {c for c, _ in caps if start_on < c <= today}
    label = codes.labels("placement_kinds").get(kind, kind).lower()
    for day in sorted(days):
        capacity = 0
        for starts_on, places in caps:
            if starts_on <= day:
                capacity = places
        used = sum(1 for s, e in taken if s <= day and (e is None or e > day))
        if used >= capacity:
            raise TransitionRefused(
                f"No {label} is free at {profile.organisation.name} on {_d(day)}: {used} of {capacity} taken. "
                "Choose another provider or kind of place, or add the person to the waiting list.")


@transaction.atomic
def placement_create(*, actor, case: Case, data: PlacementIn) -> Placement:
    """Place the person on ``case`` with the provider and kind of place the caseworker chose.

    Refused unless the caseworker allocates places under the provider's contract, the person has a
    positive reasonable grounds decision and no conclusive grounds outcome yet, no open placement,
    meets the provider's terms on the start date (the law data rule), the kind of place suits
    them, and a place of that kind is free on every day from the start to today."""
    if not actor.has_perm("support.place", case):
        raise NotAllowed("Only a support worker at the prime contractor allocating places in this person's nation can place them")
    profile = ProviderProfile.objects.filter(organisation__code=data.provider).first()
    if profile is None:
        raise ValidationFailed("Unknown provider", {"provider": "Select a provider from the list"})
    if data.kind not in codes.codes("placement_kinds"):
        raise ValidationFailed("Unknown kind of place", {"kind": "Select the kind of place"})
    today = _today()
    # The provider's row first, then the case's: every placement takes its locks in this order.
    profile = ProviderProfile.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=profile.pk)
    case = _lock_case(case)
    if case.status not in PLACEABLE_STATUSES:
        raise TransitionRefused(f"Cannot place: the case is {workflow.STATUS_LABELS[case.status].lower()}. "
                                "A new placement needs a positive reasonable grounds decision and no conclusive grounds outcome yet.")
    if Placement.objects.filter(case=case, end_on__isnull=True).exists():
        raise TransitionRefused("Cannot place: the person already has a placement. It must end first.")
    if data.start_on > today:
        raise ValidationFailed("Start date in the future", {"start_on": "Start date must be today or in the past"})
    if case.rg_decided_on and data.start_on < case.rg_decided_on:
        raise ValidationFailed("Start before the decision", {
            "start_on": f"Start date must be on or after the positive reasonable grounds decision, {_d(case.rg_decided_on)}"})
    if Placement.objects.filter(case=case, end_on__gt=data.start_on).exists():
        raise ValidationFailed("Overlaps an earlier placement", {
            "start_on": "Start date must be on or after the day the person's last placement ended"})
    answers = {k: getattr(data, k) for k in ANSWER_KEYS if getattr(data, k) is not None}
    row = next(r for r in matching_for_case(user=actor, case=case, on=data.start_on, answers=answers)
               if r.profile.pk == profile.pk)
    if not row.eligible:
        raise TransitionRefused(f"Cannot place with {profile.organisation.name}: {row.reason}")
    if not row.placeable:
        raise NotAllowed(row.not_placeable_reason)
    sex = facts_for_case(case, data.start_on, answers).sex
    if not codes.kind_suits(data.kind, sex):
        raise ValidationFailed("Kind of place does not suit the person", {
            "kind": f"A {codes.labels('placement_kinds')[data.kind].lower()} does not suit this person: choose another kind"})
    _check_capacity(profile, data.kind, data.start_on, today)
    _after_capacity_check(profile.pk, data.kind)
    placement = Placement.objects.create(
        case=case, provider=profile.organisation, kind=data.kind, start_on=data.start_on,
        contract=row.term.contract if row.term else None, eligibility_version=row.eligibility.version or "",
        answers=answers, placed_by=actor)
    detail = {"case_id": case.pk, "provider": profile.organisation.code, "kind": data.kind,
              "start_on": data.start_on.isoformat(), "eligibility": placement.eligibility_version,
              "contract": placement.contract.code if placement.contract else None}
    entry = WaitingListEntry.objects.select_for_update(of=("self",)).filter(case=case, left_on__isnull=True).first()
    if entry is not None:
        entry.left_on, entry.left_reason, entry.placement = max(data.start_on, entry.joined_on), "placed", placement
        entry.save(update_fields=["left_on", "left_reason", "placement"])
        detail["waited_days"] = (entry.left_on - entry.joined_on).days
    audit_record(actor=actor, action="support.place", obj=placement, detail=detail)
    return placement


@transaction.atomic
def placement_end(*, actor, placement: Placement, data: PlacementEndIn) -> Placement:
    """End a placement with a coded reason (the provider's own support workers)."""
    placement = Placement.objects.select_for_update(of=("self",)).select_related("provider", "case").get(pk=placement.pk)
    if not actor.has_perm("support.end_placement", placement):
        raise NotAllowed("Only a support worker at the provider the person is placed with can end the placement")
    if placement.end_on is not None:
        raise TransitionRefused(f"Cannot end the placement: it ended on {_d(placement.end_on)}")
    if data.exit_reason not in codes.codes("exit_reasons"):
        raise ValidationFailed("Unknown reason", {"exit_reason": "Select why the placement ended"})
    if data.end_on > _today():
        raise ValidationFailed("End date in the future", {"end_on": "Date the placement ended must be today or in the past"})
    if data.end_on < placement.start_on:
        raise ValidationFailed("End before start", {
            "end_on": f"Date the placement ended must be on or after it started, {_d(placement.start_on)}"})
    placement.end_on, placement.exit_reason, placement.ended_by = data.end_on, data.exit_reason, actor
    placement.save(update_fields=["end_on", "exit_reason", "ended_by", "updated_at"])
    audit_record(actor=actor, action="support.placement_end", obj=placement,
                 detail={"case_id": placement.case_id, "provider": placement.provider.code,
                         "end_on": data.end_on.isoformat(), "exit_reason": data.exit_reason,
                         "days": (data.end_on - placement.start_on).days})
    return placement


@transaction.atomic
def service_record(*, actor, case: Case, data: ServiceIn) -> ServiceDelivery:
    """Record a service a support worker of the person's provider delivered: what, when, by whom."""
    if not actor.has_perm("support.record_service", case):
        raise NotAllowed("Only a support worker at the provider the person is placed with can record a service")
    placement = (Placement.objects.select_for_update(of=("self",)).select_related("provider", "provider__provider_profile")
                 .filter(case=case, end_on__isnull=True, provider__in=support_orgs(actor)).first())
    if placement is None:
        raise TransitionRefused("Cannot record a service: the person has no open placement with your organisation")
    if data.service not in codes.codes("services"):
        raise ValidationFailed("Unknown service", {"service": "Select the service"})
    offered = getattr(placement.provider, "provider_profile", None)
    if offered is not None and data.service not in offered.services:
        raise ValidationFailed("Not a service this provider offers", {
            "service": f"{placement.provider.name} does not offer {codes.labels('services')[data.service].lower()}"})
    if data.delivered_on > _today():
        raise ValidationFailed("Date in the future", {"delivered_on": "Date of the service must be today or in the past"})
    if data.delivered_on < placement.start_on:
        raise ValidationFailed("Date before the placement", {
            "delivered_on": f"Date of the service must be on or after the placement started, {_d(placement.start_on)}"})
    delivery = ServiceDelivery.objects.create(placement=placement, service=data.service, delivered_on=data.delivered_on,
                                              delivered_by=actor, organisation=placement.provider)
    audit_record(actor=actor, action="support.service_record", obj=delivery,
                 detail={"case_id": case.pk, "placement_id": placement.pk, "service": data.service,
                         "delivered_on": data.delivered_on.isoformat()})
    return delivery


@transaction.atomic
def waiting_list_join(*, actor, case: Case, data: WaitingListIn | None = None) -> WaitingListEntry:
    """Add the person to the waiting list for a place: only when no provider they are eligible
    for has a suitable place free today (otherwise the caseworker places them)."""
    if not actor.has_perm("support.place", case):
        raise NotAllowed("Only a support worker at the prime contractor allocating places in this person's nation can add them to the waiting list")
    today = _today()
    case = _lock_case(case)
    joined_on = (data.joined_on if data else None) or today
    if joined_on > today:
        raise ValidationFailed("Date in the future", {"joined_on": "Date must be today or in the past"})
    if case.rg_decided_on and joined_on < case.rg_decided_on:
        raise ValidationFailed("Date before the decision", {
            "joined_on": f"Date must be on or after the positive reasonable grounds decision, {_d(case.rg_decided_on)}"})
    current = WaitingListEntry.objects.filter(case=case, left_on__isnull=True).first()
    if current is not None:
        raise TransitionRefused(f"The person has been on the waiting list since {_d(current.joined_on)}")
    free = [r for r in matching_for_case(user=actor, case=case, on=today) if r.available]
    if free:
        raise TransitionRefused(f"{free[0].organisation.name} has a suitable place free: place the person instead")
    contract = next(c for c in allocating_contracts(actor, today) if case.referral.nation in c.nations)
    entry = WaitingListEntry.objects.create(case=case, contract=contract, nation=case.referral.nation,
                                            joined_on=joined_on, added_by=actor)
    audit_record(actor=actor, action="support.waiting_list_join", obj=entry,
                 detail={"case_id": case.pk, "contract": contract.code, "nation": entry.nation,
                         "joined_on": joined_on.isoformat()})
    return entry
