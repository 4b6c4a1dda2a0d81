"""The admin site: administrators only, and only through Palermo's sign-in.

Django's admin has a sign-in form of its own (``/admin/login/``). It would skip Palermo's lockout,
its audit events and the second factor, so here a GET is sent to ``/sign-in/`` (``next`` kept)
and a POST is answered by Palermo's sign-in view itself (same form, lockout, audit and second
step); someone already signed in without the administrator role is refused.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse

from palermo.accounts.roles import ADMINISTRATOR
from palermo.core.audit import audit_record


class PalermoAdminSite(admin.AdminSite):
    site_header = "Palermo administration"
    site_title = "Palermo administration"

    def has_permission(self, request) -> bool:
        """An active staff user with the administrator role, in a session verified by the second
        factor (the middleware also ends unverified sessions: this holds even without it)."""
        user = request.user
        verified = getattr(user, "is_verified", None)
        return bool(user.is_active and user.is_staff and user.has_role(ADMINISTRATOR) and verified and verified())

    def login(self, request, extra_context=None):
        if request.user.is_authenticated:
            if self.has_permission(request):
                return redirect("admin:index")
            raise PermissionDenied("Your role does not include the admin area.")
        if request.method == "POST":
            from palermo.web.views.auth import SignInView

            return SignInView.as_view()(request)
        return redirect_to_login(request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index"), settings.LOGIN_URL)

    def password_change(self, request, extra_context=None):
        """An administrator changing their own password (Django's form applies the password
        rules); a change is an audit event in the same transaction."""
        with transaction.atomic():
            response = super().password_change(request, extra_context)
            if request.method == "POST" and response.status_code == 302:
                audit_record(actor=request.user, action="user.password_change", obj=request.user,
                             detail={"via": "admin"})
        return response
