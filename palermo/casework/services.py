"""Allocating a case to a named decision maker (issue 14)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from palermo.accounts import roles as R
from palermo.core.audit import audit_record
from palermo.core.exceptions import NotAllowed, TransitionRefused, ValidationFailed
from palermo.nrm import workflow
from palermo.nrm.models import Case

from .models import CaseAllocation


def may_allocate(user, case: Case) -> bool:
    """A team leader at the case's competent authority allocates to anyone there; a decision
    maker there may take the case themself (self-allocation)."""
    return case.competent_authority_id in user.organisations_for(R.TEAM_LEADER, R.DECISION_MAKER)


def may_allocate_to_others(user, case: Case) -> bool:
    return case.competent_authority_id in user.organisations_for(R.TEAM_LEADER)


@transaction.atomic
def case_allocate(*, actor, case: Case, to_user) -> CaseAllocation:
    """Allocate ``case`` to ``to_user``, or re-allocate it. Refused (with the reason) when the
    actor may not allocate it, when ``to_user`` is not an active decision maker at the case's
    competent authority, or when the case is closed. Allocating to the person who already has
    it changes nothing and writes nothing. The audit event names the users by id; the
    allocation's history table keeps every earlier allocation."""
    if not may_allocate(actor, case):
        raise NotAllowed("Only a team leader or a decision maker at the competent authority this case is routed to "
                         "can allocate it")
    if to_user.pk != actor.pk and not may_allocate_to_others(actor, case):
        raise NotAllowed("A decision maker can allocate a case only to themself; a team leader allocates to others")
    if not (to_user.is_active and case.competent_authority_id in to_user.organisations_for(R.DECISION_MAKER)):
        raise ValidationFailed("The case can only be allocated to a decision maker at the competent authority it "
                               "is routed to", {"to_user": "Choose a decision maker at this competent authority"})
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status not in workflow.OPEN_STATUSES:
        raise TransitionRefused("This case is closed: there is nothing left to decide, so it cannot be allocated")
    current = CaseAllocation.objects.filter(case=case).first()
    if current is not None and current.allocated_to_id == to_user.pk:
        return current
    previous = current.allocated_to_id if current else None
    if current is None:
        current = CaseAllocation(case=case)
    current.allocated_to, current.allocated_by, current.allocated_at = to_user, actor, timezone.now()
    current.full_clean(exclude=["case"])
    current.save()
    audit_record(actor=actor, action="case.allocate", obj=case,
                 detail={"to_user_id": to_user.pk, "from_user_id": previous, "self": to_user.pk == actor.pk})
    return current
