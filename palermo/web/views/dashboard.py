"""The dashboard: one page per role, from ``palermo.nrm.dashboard``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from palermo.nrm.dashboard import dashboard_for_user
from palermo.support.dashboard import support_dashboard_for_user
from palermo.web import access
from palermo.web.landing import landing_for_user


@login_required
def dashboard(request):
    today = timezone.localdate()
    return render(request, "web/dashboard.html", {
        "dash": dashboard_for_user(user=request.user, today=today),
        "today": today,
        "can_list_cases": access.can_list_cases(request.user),
        "can_refer": access.can_refer(request.user),
        "is_administrator": access.is_administrator(request.user),
        "support": support_dashboard_for_user(user=request.user, today=today),
        "landing": landing_for_user(request.user),
    })
