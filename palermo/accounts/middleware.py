"""No page for a half-signed-in session: a signed-in user who needs a second factor
(``two_factor.two_factor_required``) and whose session was not verified by a confirmed
authenticator app of theirs is signed out and sent to sign in again.

Palermo's own sign-in never creates such a session (it signs a user in only after the second
step), so this catches every other way: a sign-in form that skipped the second step, a role that
needs two-factor authentication given to someone already signed in, or an authenticator app
reset by an administrator while its session was open. Runs after Django's
``AuthenticationMiddleware``, django-otp's ``OTPMiddleware`` (which finds the session's device)
and the messages middleware.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext as _

from palermo.accounts.models import TotpDevice
from palermo.accounts.two_factor import two_factor_required
from palermo.core.audit import audit_record


def session_verified(request) -> bool:
    """Whether this session passed the second factor with a confirmed app that is still the
    signed-in user's (django-otp puts the session's device on ``request.user.otp_device``)."""
    device = getattr(request.user, "otp_device", None)
    return isinstance(device, TotpDevice) and device.confirmed and device.user_id == request.user.pk


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not session_verified(request) and two_factor_required(user):
            audit_record(actor=user, action="auth.session_unverified", obj=user)
            logout(request)
            messages.info(request, _("Sign in again to continue."))
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)
