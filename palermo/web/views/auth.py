"""Sign in, sign out, the home page and the accessibility statement."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from palermo.web.forms.auth import SignInForm


class SignInView(LoginView):
    """Django's login view (session rotation, safe ``next`` redirects) with a GOV.UK form."""

    template_name = "web/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True


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
