"""The dashboard: one page per role, from ``palermo.nrm.dashboard``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from palermo.drafts.selectors import draft_expires_on, draft_list_for_user, saved_words
from palermo.drafts.services import MAX_DRAFTS_PER_USER
from palermo.nrm.dashboard import dashboard_for_user
from palermo.support.dashboard import support_dashboard_for_user
from palermo.web import access
from palermo.web.landing import landing_for_user
from palermo.web.referral import CHECK, SECTION_COUNT, STEPS, section_of


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
        "drafts": _drafts(request.user),
        "section_count": SECTION_COUNT,
    })


def _drafts(user) -> list[dict]:
    """The first responder's saved referrals: when saved, where they stopped, when each goes.
    No answer is shown (not even a name), so the list reads no personal data."""
    if not access.can_refer(user):
        return []
    out = []
    for d in draft_list_for_user(user=user)[:MAX_DRAFTS_PER_USER]:
        number, title = section_of(d.step) if d.step in STEPS or d.step == CHECK else (1, "")
        out.append({"id": d.pk, "saved_at": saved_words(d), "section": number, "section_title": title,
                    "expires_on": draft_expires_on(d)})
    return out
