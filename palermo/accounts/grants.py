"""Giving someone a role that opens case content takes two administrators (four eyes).

The first administrator's grant is a request (``RoleGrantRequest``); a *different* administrator
approves it — the membership is created then — or refuses it. Nobody requests or approves a
role for themselves. Requests, approvals and refusals are audit events (``role_grant.request``,
``role_grant.approve`` with ``membership.create``, ``role_grant.refuse``), written in the same
transaction as the change. The roles concerned are ``roles.ROLES_NEEDING_SECOND_ADMINISTRATOR``.

The demo loader and the test factories create memberships directly: they are the operator
setting up a database, not an administrator using the admin site.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from palermo.accounts import roles as R
from palermo.accounts.models import Membership, RoleGrantRequest
from palermo.core.audit import audit_record
from palermo.core.exceptions import NotAllowed, ValidationFailed


def _is_administrator(user) -> bool:
    return bool(user.is_active and user.is_staff and user.has_role(R.ADMINISTRATOR))


def _detail(grant: RoleGrantRequest) -> dict:
    return {"user_id": grant.user_id, "organisation_id": grant.organisation_id, "role": grant.role}


def role_grant_request_check(*, actor, grant: RoleGrantRequest) -> None:
    """Raise ``NotAllowed`` or ``ValidationFailed`` if ``actor`` may not request ``grant``."""
    if not _is_administrator(actor):
        raise NotAllowed("Only an administrator can request a role.")
    if grant.user_id == actor.pk:
        raise NotAllowed("You cannot give yourself a role. Ask another administrator.")
    try:
        Membership(user_id=grant.user_id, organisation=grant.organisation, role=grant.role).clean()
    except ValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), {"role": " ".join(exc.messages)}) from exc
    if Membership.objects.filter(user_id=grant.user_id, organisation=grant.organisation, role=grant.role).exists():
        raise ValidationFailed("The user already has this role.", {"role": "The user already has this role."})
    if RoleGrantRequest.objects.filter(user_id=grant.user_id, organisation=grant.organisation, role=grant.role,
                                       state=RoleGrantRequest.PENDING).exists():
        raise ValidationFailed("This role has already been requested.", {"role": "This role has already been requested."})


def role_grant_request(*, actor, grant: RoleGrantRequest) -> RoleGrantRequest:
    """Save ``grant`` (user, organisation and role set, not saved yet) as a pending request."""
    role_grant_request_check(actor=actor, grant=grant)
    with transaction.atomic():
        grant.state, grant.requested_by, grant.requested_at = RoleGrantRequest.PENDING, actor, timezone.now()
        grant.save()
        audit_record(actor=actor, action="role_grant.request", obj=grant, detail=_detail(grant))
    return grant


def _decidable(actor, grant_id: int) -> RoleGrantRequest:
    grant = RoleGrantRequest.objects.select_for_update().select_related("organisation").get(pk=grant_id)
    if not _is_administrator(actor):
        raise NotAllowed("Only an administrator can decide on a role request.")
    if grant.state != RoleGrantRequest.PENDING:
        raise NotAllowed("This request has already been decided.")
    if grant.requested_by_id == actor.pk:
        raise NotAllowed("You made this request. A different administrator must decide on it.")
    if grant.user_id == actor.pk:
        raise NotAllowed("You cannot give yourself a role. Ask another administrator.")
    return grant


def role_grant_approve(*, actor, grant: RoleGrantRequest) -> Membership:
    """A second administrator agrees: the membership is created."""
    with transaction.atomic():
        grant = _decidable(actor, grant.pk)
        membership = Membership(user_id=grant.user_id, organisation=grant.organisation, role=grant.role)
        membership.clean()
        membership, _ = Membership.objects.get_or_create(user_id=grant.user_id, organisation=grant.organisation,
                                                         role=grant.role)
        grant.state, grant.decided_by, grant.decided_at = RoleGrantRequest.APPROVED, actor, timezone.now()
        grant.save(update_fields=["state", "decided_by", "decided_at"])
        audit_record(actor=actor, action="role_grant.approve", obj=grant,
                     detail={**_detail(grant), "requested_by_id": grant.requested_by_id})
        audit_record(actor=actor, action="membership.create", obj=membership, detail=_detail(grant))
    return membership


def role_grant_refuse(*, actor, grant: RoleGrantRequest) -> None:
    with transaction.atomic():
        grant = _decidable(actor, grant.pk)
        grant.state, grant.decided_by, grant.decided_at = RoleGrantRequest.REFUSED, actor, timezone.now()
        grant.save(update_fields=["state", "decided_by", "decided_at"])
        audit_record(actor=actor, action="role_grant.refuse", obj=grant,
                     detail={**_detail(grant), "requested_by_id": grant.requested_by_id})
