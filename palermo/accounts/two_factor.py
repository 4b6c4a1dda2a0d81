"""Two-factor authentication: an authenticator app (TOTP, RFC 6238) and single-use recovery codes.

Who needs it: holders of ``roles.TWO_FACTOR_ROLES`` always, and anyone who has turned it on.
Sign-in is then the password, then a 6-digit code (or a recovery code); a session counts as
signed in only after both (``palermo.accounts.middleware``).

Guessing a code is bounded twice over: wrong codes count in the same window as wrong passwords
(``PALERMO_SIGNIN_MAX_FAILURES`` per ``PALERMO_SIGNIN_LOCK_MINUTES``), and after
``PALERMO_OTP_MAX_FAILURES`` wrong codes in a row the second factor locks until an administrator
from another organisation resets it. With codes accepted one step either side of now, at most
3 of the 1,000,000 codes are right at a time, so the chance of guessing before the lock is at most
``PALERMO_OTP_MAX_FAILURES × 3 / 1,000,000`` (10 → 0.003%).

Every step is an audit event (ids and codes only): ``auth.otp_enrolment_started``,
``auth.otp_enrolled``, ``auth.otp_verified``, ``auth.otp_failed``, ``auth.otp_locked``,
``auth.recovery_code_used``, ``auth.otp_reset`` and ``auth.otp_reset_refused``.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from palermo.accounts import roles as R
from palermo.accounts.models import Membership, RecoveryCode, TotpDevice
from palermo.accounts.signin import failure_record, failures_clear, failures_locked, throttle_key_for_codes
from palermo.core.audit import audit_record
from palermo.core.exceptions import NotAllowed, PalermoError

ISSUER = "Palermo"
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud or typed from paper
RECOVERY_CODE_LENGTH = 12  # 31**12 ≈ 2**59


class CodeRefused(PalermoError):
    """A code was not accepted. ``reason``: ``wrong`` (wrong, expired or already used),
    ``wait`` (too many wrong codes in the window) or ``locked`` (too many in a row: ask an
    administrator from another organisation to reset two-factor authentication)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def max_failures_in_a_row() -> int:
    return getattr(settings, "PALERMO_OTP_MAX_FAILURES", 10)


# --- reads -------------------------------------------------------------------------------


def confirmed_device(user) -> TotpDevice | None:
    if not getattr(user, "pk", None):
        return None
    return TotpDevice.objects.filter(user=user, confirmed=True).first()


def two_factor_required(user) -> bool:
    """Whether ``user`` must pass a second factor to sign in: their role needs it, or they
    turned it on themselves."""
    return user.has_role(*R.TWO_FACTOR_ROLES) or confirmed_device(user) is not None


def recovery_codes_left(device: TotpDevice) -> int:
    return device.recovery_codes.filter(used_at__isnull=True).count()


def new_secret() -> str:
    """A new shared secret: 160 random bits (RFC 4226's recommended length), base32 as the
    authenticator apps expect."""
    return base64.b32encode(secrets.token_bytes(20)).decode()


def secret_for_display(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def otpauth_uri(device: TotpDevice) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    label = quote(f"{ISSUER}:{device.user.get_username()}")
    query = urlencode({"secret": device.key, "issuer": ISSUER, "digits": device.DIGITS, "period": device.STEP})
    return f"otpauth://totp/{label}?{query}"


def qr_svg(text: str, *, title: str) -> str:
    """A QR code as SVG markup (no script, no style attribute), to put straight in a page."""
    svg = segno.make(text, error="m").svg_inline(scale=5, dark="#0b0c0c", light="#ffffff", title=title,
                                                 svgclass="app-qr", lineclass=None)
    return svg.replace("<svg ", '<svg role="img" focusable="false" ', 1)


def _recovery_hash(code: str) -> str:
    normal = "".join(ch for ch in code.upper() if ch in RECOVERY_ALPHABET)
    return hashlib.sha256(normal.encode()).hexdigest()


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, RECOVERY_CODE_LENGTH, 4))


# --- enrolment -----------------------------------------------------------------------------


def enrolment_start(*, actor) -> TotpDevice:
    """The authenticator app ``actor`` is setting up: the unconfirmed one they started, or a
    new one with a new secret. Refused when they already have a confirmed app (a reset by an
    administrator comes first, so a stolen password alone cannot replace the app)."""
    if confirmed_device(actor) is not None:
        raise NotAllowed("Two-factor authentication is already set up.")
    with transaction.atomic():
        device = TotpDevice.objects.filter(user=actor, confirmed=False).first()
        if device is None:
            device = TotpDevice.objects.create(user=actor, name="Authenticator app", key=new_secret(), confirmed=False)
            audit_record(actor=actor, action="auth.otp_enrolment_started", obj=device, detail={"user_id": actor.pk})
    return device


def enrolment_confirm(*, actor, code: str) -> tuple[TotpDevice, list[str]]:
    """Confirm the app with a code it shows: the device becomes the user's second factor and
    they get ``RECOVERY_CODE_COUNT`` recovery codes, returned here once (only hashes are kept)."""
    key = throttle_key_for_codes(actor)
    if failures_locked(key):
        _refused(actor, None, method="enrolment", reason="wait")
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().filter(user=actor, confirmed=False).first()
        if device is None:
            raise NotAllowed("Start setting up two-factor authentication again.")
        ok = device.verify_token(code)
        if ok:
            device.confirmed, device.confirmed_at, device.failure_count = True, timezone.now(), 0
            device.save()
            TotpDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
            codes = _recovery_codes_issue(device)
            failures_clear(key)
            audit_record(actor=actor, action="auth.otp_enrolled", obj=device,
                         detail={"user_id": actor.pk, "recovery_codes": len(codes)})
            return device, codes
    _failed(actor, device.pk, method="enrolment")


def _recovery_codes_issue(device: TotpDevice) -> list[str]:
    device.recovery_codes.all().delete()
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create([RecoveryCode(device=device, code_hash=_recovery_hash(c)) for c in codes])
    return codes


# --- signing in ------------------------------------------------------------------------------


def code_verify(*, actor, code: str) -> TotpDevice:
    """The second step of signing in with the app's code. Returns the device that verified the
    user (the caller records it in the session); raises ``CodeRefused``."""
    return _verify(actor, code, method="totp")


def recovery_code_use(*, actor, code: str) -> TotpDevice:
    """The second step with a recovery code instead: each code works once."""
    return _verify(actor, code, method="recovery_code")


def _verify(actor, code: str, *, method: str) -> TotpDevice:
    key = throttle_key_for_codes(actor)
    device = confirmed_device(actor)
    if device is None:
        raise NotAllowed("Two-factor authentication is not set up.")
    if device.failure_count >= max_failures_in_a_row():
        _refused(actor, device.pk, method=method, reason="locked")
    if failures_locked(key):
        _refused(actor, device.pk, method=method, reason="wait")
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().get(pk=device.pk)
        if method == "totp":
            ok = device.verify_token(code)
        else:
            ok = bool(RecoveryCode.objects.filter(device=device, code_hash=_recovery_hash(code), used_at__isnull=True)
                      .update(used_at=timezone.now()))
        if ok:
            device.failure_count = 0
            device.save(update_fields=["last_t", "failure_count"])
            failures_clear(key)
            if method == "totp":
                audit_record(actor=actor, action="auth.otp_verified", obj=device, detail={"user_id": actor.pk})
            else:
                audit_record(actor=actor, action="auth.recovery_code_used", obj=device,
                             detail={"user_id": actor.pk, "left": recovery_codes_left(device)})
            return device
    _failed(actor, device.pk, method=method)


def _failed(actor, device_id, *, method: str):
    """Count a wrong code (window and in a row), audit it, lock at the limit, raise."""
    with transaction.atomic():
        failure_record(throttle_key_for_codes(actor))
        in_a_row = 0
        if device_id is not None:
            device = TotpDevice.objects.select_for_update().filter(pk=device_id, confirmed=True).first()
            if device is not None:
                device.failure_count += 1
                device.save(update_fields=["failure_count"])
                in_a_row = device.failure_count
        audit_record(actor=actor, action="auth.otp_failed", object_type="accounts.totpdevice",
                     object_id=device_id or "", detail={"user_id": actor.pk, "method": method, "in_a_row": in_a_row})
        if in_a_row == max_failures_in_a_row():
            audit_record(actor=actor, action="auth.otp_locked", object_type="accounts.totpdevice", object_id=device_id,
                         detail={"user_id": actor.pk})
    if in_a_row >= max_failures_in_a_row():
        raise CodeRefused("locked")
    raise CodeRefused("wrong")


def _refused(actor, device_id, *, method: str, reason: str):
    """An attempt refused before the code was looked at (locked or waiting): audited, raised."""
    audit_record(actor=actor, action="auth.otp_failed", object_type="accounts.totpdevice", object_id=device_id or "",
                 detail={"user_id": actor.pk, "method": method, "refused": reason})
    raise CodeRefused(reason)


# --- reset by an administrator -------------------------------------------------------------------


def two_factor_reset_refusal(*, actor, user) -> tuple[str, str] | None:
    """Why ``actor`` may not reset ``user``'s two-factor authentication, as (code, message), or
    None. Only an administrator of *another* organisation may: never oneself, never a colleague
    of one's own organisation (who could otherwise take over a colleague's account alone)."""
    if not (actor.is_active and actor.is_staff and actor.has_role(R.ADMINISTRATOR)):
        return "not_administrator", "Only an administrator can reset two-factor authentication."
    if actor.pk == user.pk:
        return "self", "You cannot reset your own two-factor authentication. Ask an administrator from another organisation."
    mine = set(Membership.objects.filter(user=actor).values_list("organisation_id", flat=True))
    theirs = set(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))
    if mine & theirs:
        return "same_organisation", ("You work in the same organisation as this user. "
                                     "Ask an administrator from another organisation to reset it.")
    return None


def two_factor_reset(*, actor, user) -> int:
    """Remove all of ``user``'s authenticator apps and recovery codes (a lost phone, or a locked
    second factor). They set it up again at their next sign-in; a session verified by the old
    app ends at its next request. Returns how many apps were removed; raises ``NotAllowed``."""
    refusal = two_factor_reset_refusal(actor=actor, user=user)
    if refusal is not None:
        audit_record(actor=actor, action="auth.otp_reset_refused", obj=user, detail={"reason": refusal[0]})
        raise NotAllowed(refusal[1])
    with transaction.atomic():
        removed = TotpDevice.objects.filter(user=user).count()
        TotpDevice.objects.filter(user=user).delete()
        failures_clear(throttle_key_for_codes(user))
        audit_record(actor=actor, action="auth.otp_reset", obj=user, detail={"devices": removed})
    return removed


# --- the demo ---------------------------------------------------------------------------------


def demo_enrol(*, user, secret: str) -> TotpDevice:
    """Give a demo user a confirmed app with a known secret (``palermo demo``). Refused in
    production: a published secret is no second factor."""
    if getattr(settings, "PRODUCTION", False):
        raise NotAllowed("Demo two-factor secrets are never set in production.")
    with transaction.atomic():
        TotpDevice.objects.filter(user=user).exclude(confirmed=True, name="Demo authenticator").delete()
        device, created = TotpDevice.objects.get_or_create(
            user=user, confirmed=True, name="Demo authenticator",
            defaults={"key": secret, "confirmed_at": timezone.now()})
        if not created and device.key != secret:
            device.key = secret
            device.save(update_fields=["key"])
        if created:
            audit_record(actor=None, action="auth.otp_enrolled", obj=device, detail={"user_id": user.pk, "demo": True})
    return device
