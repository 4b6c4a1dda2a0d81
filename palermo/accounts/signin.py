"""Slowing down password guessing: after ``PALERMO_SIGNIN_MAX_FAILURES`` failed sign-ins for one
username within ``PALERMO_SIGNIN_LOCK_MINUTES``, that username cannot sign in until the window
has passed. Failures are stored by a keyed hash of the username, and every attempt is audited."""

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


def sign_in_locked(username: str) -> bool:
    since = timezone.now() - _window()
    recent = SignInFailure.objects.filter(key=_key(username), at__gte=since).count()
    return recent >= getattr(settings, "PALERMO_SIGNIN_MAX_FAILURES", 5)


def sign_in_failed(username: str) -> None:
    SignInFailure.objects.create(key=_key(username), at=timezone.now())
    SignInFailure.objects.filter(at__lt=timezone.now() - 2 * _window()).delete()
    audit_record(actor=None, action="auth.sign_in_failed", object_type="accounts.user", detail={"key": _key(username)[:12]})


def sign_in_succeeded(user) -> None:
    SignInFailure.objects.filter(key=_key(user.username)).delete()
    audit_record(actor=user, action="auth.sign_in", obj=user)
