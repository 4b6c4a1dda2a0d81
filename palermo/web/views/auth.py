"""Sign in, sign out, the home page and the accessibility statement."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from palermo.accounts.signin import sign_in_succeeded
from palermo.accounts.two_factor import confirmed_device, two_factor_required
from palermo.web.forms.auth import SignInForm
from palermo.web.pending import KEY as PENDING_KEY
from palermo.web.pending import pending_start


class SignInView(LoginView):
    """Django's login view (session rotation, safe ``next`` redirects) with a GOV.UK form.

    A user who needs a second factor is not signed in here: the session remembers that the
    password was right and the next page asks for a code (or, with no authenticator app set up
    yet, sets one up)."""

    template_name = "web/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if two_factor_required(user):
            pending_start(self.request, user, backend=user.backend, next_url=self.get_redirect_url())
            return redirect("web:sign_in_code" if confirmed_device(user) else "web:two_factor_setup")
        self.request.session.pop(PENDING_KEY, None)  # someone else's half-finished sign-in in this browser
        sign_in_succeeded(user)
        return super().form_valid(form)


@require_http_methods(["GET", "POST"])
def sign_out(request):
    """GET asks to confirm (a link works without JavaScript); POST signs out (CSRF-protected)."""
    if request.method == "POST":
        logout(request)
        messages.success(request, _("You have signed out."))
        return redirect("web:sign_in")
    if not request.user.is_authenticated:
        return redirect("web:sign_in")
    return render(request, "web/sign_out.html")


def home(request):
    return redirect("web:dashboard" if request.user.is_authenticated else "web:sign_in")


def accessibility(request):
    return render(request, "web/accessibility.html")
