"""Who may see and do what in victim support (docs/support.md "Who does what").

* **Placed**: a support worker sees the people who have an open placement with their own
  organisation (identity included, every read audited), records the services they deliver and
  ends their placements. Nothing else: no decision reasons, no referral narrative, no
  intelligence, and nobody placed elsewhere.
* **Awaiting**: a support worker at the *prime contractor* of a contract in force (in the 2011
  model the Salvation Army allocated places among its subcontractors, seed note §5.2) sees, by
  pseudonym only, the adults with a positive reasonable grounds decision and no open placement in
  the nations the contract covers, matches them to providers and places them (with its own
  organisation or a subcontractor under the contract), or adds them to the waiting list.
* Nobody else sees a support record: the competent authority decides, it does not place;
  children's care placements are arranged by local authority children's services.

Occupancy (counts of places, no person) is open to support workers, analysts and monitors.
"""

from __future__ import annotations

import datetime as dt

import rules
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from palermo.accounts import roles as R
from palermo.nrm import workflow

#: Statuses in which a new placement can be made: a positive reasonable grounds decision in
#: effect and no conclusive grounds outcome yet (afterwards support continues in the placement
#: the person has until the move-on or exit period ends).
PLACEABLE_STATUSES = (workflow.RECOVERY_PERIOD, workflow.CG_REVIEW)
#: Statuses that mean a positive reasonable grounds decision was made and stands.
POSITIVE_RG_STATUSES = (workflow.RECOVERY_PERIOD, workflow.CG_REVIEW, workflow.IDENTIFIED, workflow.NOT_IDENTIFIED)
OCCUPANCY_ROLES = (R.SUPPORT_WORKER, R.ANALYST, R.MONITOR)


def support_orgs(user) -> list[int]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return user.organisations_for(R.SUPPORT_WORKER)


def allocating_contracts(user, on: dt.date | None = None):
    """Contracts in force on ``on`` whose prime contractor employs ``user`` as a support worker."""
    from palermo.support.models import Contract

    on = on or timezone.localdate()
    orgs = support_orgs(user)
    if not orgs:
        return []
    return [c for c in Contract.objects.filter(prime__in=orgs).order_by("starts_on", "code") if c.in_force_on(on)]


def open_placement_exists():
    from palermo.support.models import Placement

    return Exists(Placement.objects.filter(case=OuterRef("pk"), end_on__isnull=True))


def placed_q(user, prefix: str = "") -> Q:
    """Cases with an open placement at one of the user's organisations (as a support worker)."""
    orgs = support_orgs(user)
    if not orgs:
        return Q(pk__in=[])
    from palermo.support.models import Placement

    ids = Placement.objects.filter(end_on__isnull=True, provider__in=orgs).values("case_id")
    return Q(**{f"{prefix}pk__in": ids})


def awaiting_q(user, on: dt.date | None = None) -> Q:
    """Cases a prime contractor's support worker may match and place (see the module docstring).
    Apply to ``Case`` querysets, with ``.filter(awaiting_q(user)).filter(~open_placement_exists())``
    (:func:`awaiting_cases`)."""
    nations = sorted({n for c in allocating_contracts(user, on) for n in c.nations})
    if not nations:
        return Q(pk__in=[])
    return Q(status__in=PLACEABLE_STATUSES, referral__under_18="no", referral__nation__in=nations,
             referral__person__isnull=False)


def awaiting_cases(user, on: dt.date | None = None):
    from palermo.nrm.models import Case

    return Case.objects.filter(awaiting_q(user, on)).exclude(open_placement_exists())


@rules.predicate
def placed_with_me(user, case) -> bool:
    from palermo.support.models import Placement

    orgs = support_orgs(user)
    return bool(orgs) and case is not None and Placement.objects.filter(
        case=case, end_on__isnull=True, provider__in=orgs).exists()


@rules.predicate
def awaiting_my_allocation(user, case) -> bool:
    return case is not None and awaiting_cases(user).filter(pk=case.pk).exists()


@rules.predicate
def provider_of_placement(user, placement) -> bool:
    return placement is not None and placement.provider_id in support_orgs(user)


@rules.predicate
def sees_occupancy(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(*OCCUPANCY_ROLES)


rules.add_perm("support.view_record", placed_with_me | awaiting_my_allocation)
rules.add_perm("support.view_identity", placed_with_me)
rules.add_perm("support.place", awaiting_my_allocation)
rules.add_perm("support.record_service", placed_with_me)
rules.add_perm("support.end_placement", provider_of_placement)
rules.add_perm("support.view_occupancy", sees_occupancy)
