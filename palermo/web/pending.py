"""Half-way through signing in: the password was right, the second factor is still to come.

The session then holds only who is signing in and since when — the user is *not* signed in
(``request.user`` stays anonymous), so no page, the admin included, is open to them. It lasts
``PALERMO_SIGNIN_PENDING_SECONDS`` and ends if the password changes meanwhile.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.utils.http import url_has_allowed_host_and_scheme

KEY = "palermo_pending_sign_in"


def pending_start(request, user, *, backend: str, next_url: str = "") -> None:
    request.session.cycle_key()
    request.session[KEY] = {"user_id": user.pk, "backend": backend, "since": int(time.time()),
                            "auth_hash": user.get_session_auth_hash(), "next": next_url}


def pending_user(request):
    """The user half-way through signing in, or None (none, expired, password changed since)."""
    state = request.session.get(KEY)
    if not state:
        return None
    if time.time() - state["since"] > getattr(settings, "PALERMO_SIGNIN_PENDING_SECONDS", 600):
        request.session.pop(KEY, None)
        return None
    user = get_user_model().objects.filter(pk=state["user_id"], is_active=True).first()
    if user is None or user.get_session_auth_hash() != state["auth_hash"]:
        request.session.pop(KEY, None)
        return None
    return user


def pending_next(request) -> str:
    """Where to go once signed in: the safe ``next`` the sign-in page was given, else the dashboard."""
    url = (request.session.get(KEY) or {}).get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return settings.LOGIN_REDIRECT_URL


def pending_finish(request, user) -> None:
    """Sign the user in (Django rotates the session key) and forget the half-way state."""
    state = request.session.get(KEY) or {}
    login(request, user, backend=state.get("backend"))
    request.session.pop(KEY, None)
