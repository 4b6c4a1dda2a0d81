"""Signing in through the real pages, as a browser without JavaScript would."""

from __future__ import annotations

from django.test import Client

from tests.factories import enrol_authenticator, totp_code
from tests.web.helpers import error_messages  # noqa: F401  (re-exported for these tests)

PASSWORD = "test-password-123"  # tests/factories.make_user


def password_step(client: Client, user, password: str = PASSWORD, next_url: str = ""):
    data = {"username": user.username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/sign-in/", data)


def sign_in_with_code(user, client: Client | None = None):
    """A client signed in through /sign-in/ and /sign-in/code/ (the user's app is enrolled first)."""
    client = client or Client()
    device = enrol_authenticator(user)
    r = password_step(client, user)
    assert r.status_code == 302 and r["Location"] == "/sign-in/code/", r
    r = client.post("/sign-in/code/", {"code": totp_code(device)})
    assert r.status_code == 302 and r["Location"] == "/", r.content.decode()[:2000]
    return client


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def wrong(code: str) -> str:
    """A 6-digit code that is not ``code``."""
    return f"{(int(code) + 500_000) % 1_000_000:06d}"
