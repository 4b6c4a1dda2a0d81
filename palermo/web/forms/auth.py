"""Sign in: the password, then a code from an authenticator app or a recovery code."""

from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _

from palermo.accounts.signin import password_accepted, sign_in_failed, sign_in_locked, sign_in_refused_locked
from palermo.web.forms.base import GovukForm, required


class SignInForm(GovukForm):
    """Username and password. A wrong pair gets one message that does not say which was wrong."""

    username = forms.CharField(label=_("Username"), max_length=150, error_messages=required(_("Enter your username")))
    # No password is this long; a longer one is refused before any hashing work is done.
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput, max_length=1024,
                               error_messages={**required(_("Enter your password")),
                                               "max_length": _("Enter a correct username and password")})

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user_cache = None
        super().__init__(*args, **kwargs)

    def clean(self):
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if username and password:
            if sign_in_locked(username):
                sign_in_refused_locked(username)
                self.add_error("username", _("You have tried to sign in too many times. Wait 15 minutes and try again"))
                return self.cleaned_data
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None or not self.user_cache.is_active:
                sign_in_failed(username)
                self.add_error("username", _("Enter a correct username and password"))
            else:
                password_accepted(self.user_cache)
        return self.cleaned_data

    def get_user(self):
        return self.user_cache


class CodeForm(GovukForm):
    """The 6-digit code an authenticator app shows. Only the format is checked here; whether
    it is right is for ``two_factor`` (which counts and audits wrong codes)."""

    code = forms.CharField(label=_("Code"), max_length=20, error_messages=required(_("Enter the 6-digit code")))

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("Enter the 6-digit code shown in your authenticator app"))
        return code


class RecoveryCodeForm(GovukForm):
    code = forms.CharField(label=_("Recovery code"), max_length=40, error_messages=required(_("Enter a recovery code")))


CODE_MESSAGES = {
    "wrong": _("The code is not right or has already been used. Enter the code your authenticator app shows now"),
    "wait": _("You have entered a wrong code too many times. Wait 15 minutes and try again"),
    "locked": _("You have entered a wrong code too many times. Ask an administrator from another organisation "
                "to reset your two-factor authentication"),
}
RECOVERY_MESSAGES = {
    **CODE_MESSAGES,
    "wrong": _("The recovery code is not right or has already been used. Enter a recovery code you have not used"),
}
