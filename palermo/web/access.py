"""Which pages a user's roles open. Scope inside a page (which cases, which identity) comes
from the NRM selectors and rules; these only decide whether a page is offered at all."""

from __future__ import annotations

from palermo.accounts import roles as R

CASE_ROLES = (R.FIRST_RESPONDER, R.DECISION_MAKER, R.REVIEWER, R.CHILDRENS_SERVICES, R.TEAM_LEADER)
DTN_ROLES = (R.FIRST_RESPONDER, R.DECISION_MAKER, R.REVIEWER)


def can_list_cases(user) -> bool:
    return user.is_authenticated and user.has_role(*CASE_ROLES)


def can_refer(user) -> bool:
    return user.is_authenticated and user.has_perm("nrm.create_referral")


def can_list_dtn(user) -> bool:
    return user.is_authenticated and user.has_role(*DTN_ROLES)


def is_administrator(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_staff and user.has_role(R.ADMINISTRATOR)
