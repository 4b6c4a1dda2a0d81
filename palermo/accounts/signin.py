"""Slowing down guessing, for passwords and for second-factor codes.

Password: after ``PALERMO_SIGNIN_MAX_FAILURES`` failed sign-ins for one username within
``PALERMO_SIGNIN_LOCK_MINUTES``, that username cannot sign in until the window has passed.
Codes (``palermo.accounts.two_factor``) use the same window per user, under a key no username can
take. Failures are stored by a keyed hash (never the username itself), and every attempt is
audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.utils import timezone

from palermo.accounts.models import SignInFailure
from palermo.core.audit import audit_record


def _key(username: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), username.strip().casefold().encode(), hashlib.sha256).hexdigest()


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=getattr(settings, "PALERMO_SIGNIN_LOCK_MINUTES", 15))


def throttle_key_for_codes(user) -> str:
    """The key under which a user's wrong second-factor codes are counted (``:`` cannot appear
    in a username, so it never meets a password key)."""
    return _key(f"2fa:{user.pk}")


def failures_locked(key: str) -> bool:
    since = timezone.now() - _window()
    recent = SignInFailure.objects.filter(key=key, at__gte=since).count()
    return recent >= getattr(settings, "PALERMO_SIGNIN_MAX_FAILURES", 5)


def failure_record(key: str) -> None:
    SignInFailure.objects.create(key=key, at=timezone.now())
    SignInFailure.objects.filter(at__lt=timezone.now() - 2 * _window()).delete()


def failures_clear(key: str) -> None:
    SignInFailure.objects.filter(key=key).delete()


def sign_in_locked(username: str) -> bool:
    return failures_locked(_key(username))


def sign_in_refused_locked(username: str) -> None:
    """An attempt while the username is locked: refused without checking the password, audited."""
    audit_record(actor=None, action="auth.sign_in_locked", object_type="accounts.user", detail={"key": _key(username)[:12]})


def sign_in_failed(username: str) -> None:
    failure_record(_key(username))
    audit_record(actor=None, action="auth.sign_in_failed", object_type="accounts.user", detail={"key": _key(username)[:12]})


def password_accepted(user) -> None:
    """The right password: clears the username's failures. Signing in is not finished until
    the second factor, when the user needs one (``auth.password_accepted``, then ``auth.sign_in``)."""
    failures_clear(_key(user.username))
    audit_record(actor=user, action="auth.password_accepted", obj=user)


def sign_in_succeeded(user, *, factor: str = "") -> None:
    """Signed in: ``factor`` is how the second step was passed ("totp", "recovery_code",
    "enrolment") or empty for a user who needs none."""
    audit_record(actor=user, action="auth.sign_in", obj=user, detail={"second_factor": factor or "none"})
