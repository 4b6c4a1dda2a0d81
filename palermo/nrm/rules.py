"""Object permissions for NRM cases (the ``rules`` package). Scope follows the organisation:

* first responders: referrals their own organisation made;
* decision makers, reviewers and team leaders: cases routed to their competent authority;
* children's services: child cases whose local authority is theirs;
* everyone else (analysts, monitors, administrators, intelligence officers, support workers
  until placements exist): no case records; aggregates only.
"""

from __future__ import annotations

from dataclasses import dataclass

import rules
from django.db.models import Q

from palermo.accounts import roles as R


@dataclass(frozen=True)
class CaseScope:
    """The organisations whose cases a user may see, by the kind of link (ids, sorted)."""

    first_responder: tuple[int, ...] = ()  # referrals these organisations made
    authority: tuple[int, ...] = ()  # cases routed to these competent authorities
    childrens_services: tuple[int, ...] = ()  # child cases of these local authorities


def case_scope(user) -> CaseScope:
    """The user's :class:`CaseScope`: nothing unless signed in and active."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return CaseScope()
    return CaseScope(first_responder=tuple(user.organisations_for(R.FIRST_RESPONDER)),
                     authority=tuple(user.organisations_for(R.DECISION_MAKER, R.REVIEWER, R.TEAM_LEADER)),
                     childrens_services=tuple(user.organisations_for(R.CHILDRENS_SERVICES)))


def case_scope_q(user, prefix: str = "") -> Q:
    """A filter selecting exactly the cases ``user`` may see. Every list applies it."""
    return scope_q(case_scope(user), prefix)


def scope_q(scope: CaseScope, prefix: str = "") -> Q:
    """A filter selecting exactly the cases of ``scope``."""
    q = Q(pk__in=[])
    if scope.first_responder:
        q |= Q(**{f"{prefix}referral__first_responder_org__in": list(scope.first_responder)})
    if scope.authority:
        q |= Q(**{f"{prefix}competent_authority__in": list(scope.authority)})
    if scope.childrens_services:
        q |= Q(**{f"{prefix}referral__local_authority__in": list(scope.childrens_services),
                  f"{prefix}referral__under_18__in": ["yes", "not_sure"]})
    return q


@rules.predicate
def case_in_scope(user, case) -> bool:
    if case is None:
        return False
    ref = case.referral
    if ref.first_responder_org_id in user.organisations_for(R.FIRST_RESPONDER):
        return True
    if case.competent_authority_id in user.organisations_for(R.DECISION_MAKER, R.REVIEWER, R.TEAM_LEADER):
        return True
    return ref.is_child and ref.local_authority_id in user.organisations_for(R.CHILDRENS_SERVICES)


@rules.predicate
def decides_for_case(user, case) -> bool:
    return case is not None and case.competent_authority_id in user.organisations_for(R.DECISION_MAKER)


@rules.predicate
def reviews_for_case(user, case) -> bool:
    return case is not None and case.competent_authority_id in user.organisations_for(R.REVIEWER)


@rules.predicate
def referred_case(user, case) -> bool:
    return case is not None and case.referral.first_responder_org_id in user.organisations_for(R.FIRST_RESPONDER)


@rules.predicate
def is_first_responder(user) -> bool:
    """A first responder at a *designated* first responder organisation (only those may refer)."""
    return bool(user.referring_organisations())


@rules.predicate
def identity_role_in_scope(user, case) -> bool:
    return bool(user.roles() & R.IDENTITY_ROLES) and case_in_scope(user, case)


rules.add_perm("nrm.view_case", case_in_scope)
rules.add_perm("nrm.decide_case", decides_for_case)
rules.add_perm("nrm.review_decision", reviews_for_case)
rules.add_perm("nrm.withdraw_case", decides_for_case | referred_case)
rules.add_perm("nrm.create_referral", is_first_responder)
rules.add_perm("people.view_identity", identity_role_in_scope)
