"""Issuing and revoking API tokens.

A token is a bearer credential with no second factor of its own, so a user whose role needs
two-factor authentication gets one only once they have a confirmed authenticator app (the same
person has then proved both factors at least once). Revoking is one-way: nothing makes a revoked
token valid again (``ApiToken.save`` refuses it too); issue a new one instead.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from palermo.accounts import roles as R
from palermo.accounts.models import ApiToken
from palermo.accounts.two_factor import confirmed_device
from palermo.core.audit import audit_record
from palermo.core.exceptions import NotAllowed


def api_token_issue(*, actor, user) -> tuple[ApiToken, str]:
    """A new token for ``user`` (``actor`` is None for the operator's command). Returns the
    token and its only plaintext copy."""
    if not user.is_active:
        raise NotAllowed("The user is not active.")
    if user.has_role(*R.TWO_FACTOR_ROLES) and confirmed_device(user) is None:
        raise NotAllowed("This user's role needs two-factor authentication: they must sign in and set it up "
                         "before they can have an API token.")
    with transaction.atomic():
        token, raw = ApiToken.issue(user)
        audit_record(actor=actor, action="api_token.issue", obj=token, detail={"user_id": user.pk})
    return token, raw


def api_token_revoke(*, actor, token: ApiToken) -> bool:
    """Revoke now. Returns False when it was already revoked (nothing changes)."""
    with transaction.atomic():
        changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        if changed:
            audit_record(actor=actor, action="api_token.revoke", obj=token, detail={"user_id": token.user_id})
    return bool(changed)
