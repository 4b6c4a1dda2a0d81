"""The second step of signing in, setting up an authenticator app, and the two-factor page.

These pages carry secrets (a QR code, recovery codes), so none is ever cached. Recovery codes
are shown once, in the answer to the form that confirms the app: they are never stored in a
form anyone can read again, and only their hashes are kept.
"""

from __future__ import annotations

import django_otp
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from palermo.accounts import two_factor
from palermo.accounts.signin import sign_in_succeeded
from palermo.accounts.two_factor import CodeRefused, confirmed_device
from palermo.web.forms.auth import CODE_MESSAGES, RECOVERY_MESSAGES, CodeForm, RecoveryCodeForm
from palermo.web.pending import pending_finish, pending_next, pending_user


def _signed_in(request, user, device, *, factor: str) -> str:
    """Finish signing in after the second factor: sign in, mark the session verified by
    ``device``, audit. Returns where to go next."""
    next_url = pending_next(request)
    pending_finish(request, user)
    django_otp.login(request, device)
    sign_in_succeeded(user, factor=factor)
    return next_url


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_code(request):
    user = pending_user(request)
    if user is None:
        return redirect("web:sign_in")
    if confirmed_device(user) is None:
        return redirect("web:two_factor_setup")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            device = two_factor.code_verify(actor=user, code=form.cleaned_data["code"])
        except CodeRefused as exc:
            form.add_error("code", CODE_MESSAGES[exc.reason])
        else:
            return redirect(_signed_in(request, user, device, factor="totp"))
    return render(request, "web/sign_in_code.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_recovery(request):
    user = pending_user(request)
    if user is None:
        return redirect("web:sign_in")
    if confirmed_device(user) is None:
        return redirect("web:two_factor_setup")
    form = RecoveryCodeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            device = two_factor.recovery_code_use(actor=user, code=form.cleaned_data["code"])
        except CodeRefused as exc:
            form.add_error("code", RECOVERY_MESSAGES[exc.reason])
        else:
            next_url = _signed_in(request, user, device, factor="recovery_code")
            left = two_factor.recovery_codes_left(device)
            messages.info(request, ngettext(
                "You have %(left)d recovery code left. If you have lost your phone, ask an administrator from another "
                "organisation to reset your two-factor authentication.",
                "You have %(left)d recovery codes left. If you have lost your phone, ask an administrator from another "
                "organisation to reset your two-factor authentication.", left) % {"left": left})
            return redirect(next_url)
    return render(request, "web/sign_in_recovery.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Set up an authenticator app: at sign-in for a role that needs it (the user is not signed in
    yet), or by choice from the two-factor page. Shows a QR code and the secret as text, asks for
    a code to confirm, then shows the recovery codes once."""
    if request.user.is_authenticated:
        user, signing_in = request.user, False
    else:
        user, signing_in = pending_user(request), True
        if user is None:
            return redirect("web:sign_in")
    if confirmed_device(user) is not None:
        return redirect("web:sign_in_code" if signing_in else "web:two_factor")
    device = two_factor.enrolment_start(actor=user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            device, codes = two_factor.enrolment_confirm(actor=user, code=form.cleaned_data["code"])
        except CodeRefused as exc:
            form.add_error("code", CODE_MESSAGES[exc.reason])
        else:
            if signing_in:
                next_url = _signed_in(request, user, device, factor="enrolment")
            else:
                django_otp.login(request, device)
                next_url = reverse("web:two_factor")
            return render(request, "web/recovery_codes.html", {"codes": codes, "next_url": next_url})
    return render(request, "web/two_factor_setup.html", {
        "form": form, "signing_in": signing_in,
        "required": user.has_role(*two_factor.R.TWO_FACTOR_ROLES),
        "qr_svg": two_factor.qr_svg(two_factor.otpauth_uri(device), title=_("QR code for your authenticator app")),
        "secret": two_factor.secret_for_display(device.key),
    })


@never_cache
@login_required
def two_factor_page(request):
    """Whether two-factor authentication is on for you, and what to do about it."""
    device = confirmed_device(request.user)
    return render(request, "web/two_factor.html", {
        "device": device,
        "left": two_factor.recovery_codes_left(device) if device else 0,
        "required": request.user.has_role(*two_factor.R.TWO_FACTOR_ROLES),
    })
