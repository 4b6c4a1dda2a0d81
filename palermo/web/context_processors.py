"""What every page needs to know about the signed-in user: who they are, where they work,
and which parts of Palermo their roles open (the navigation)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from palermo.accounts import roles as R
from palermo.notifications.selectors import unread_count
from palermo.permits.rules import can_list_permits
from palermo.stats.services import can_see_statistics
from palermo.support.rules import allocating_contracts
from palermo.web import access


def palermo(request) -> dict:
    user = getattr(request, "user", None)
    ctx = {"service_name": "Palermo", "phase": _("Demo") if settings.PALERMO_PHASE == "demo" else _("Alpha"),
           "session_idle_minutes": settings.SESSION_COOKIE_AGE // 60}
    if user is None or not user.is_authenticated:
        return ctx
    memberships = list(user.memberships_active().select_related("organisation").order_by("organisation__name", "role"))
    current = getattr(getattr(request, "resolver_match", None), "url_name", "") or ""
    nav = [("dashboard", _("Dashboard"), reverse("web:dashboard"), current.startswith("dashboard"))]
    namespace = getattr(getattr(request, "resolver_match", None), "namespace", "") or ""
    if access.can_list_cases(user):
        nav.append(("cases", _("Cases"), reverse("web:case_list"), (current.startswith("case") or current.startswith("decision")) and namespace == "web"))
    if user.has_role(R.DECISION_MAKER):
        nav.append(("my_cases", _("My cases"), reverse("casework:my_cases"), current == "my_cases"))
    if user.has_role(R.TEAM_LEADER):
        nav.append(("workload", _("Workload"), reverse("casework:workload"), current == "workload"))
    if access.can_refer(user):
        nav.append(("refer", _("Refer a potential victim"), reverse("web:refer_start"), current.startswith("refer")))
    if user.has_role(R.REVIEWER):
        nav.append(("reviews", _("Reviews"), reverse("web:review_list"), current.startswith("review")))
    if can_list_permits(user):
        nav.append(("permits", _("Residence permits"), reverse("permits:list"), namespace == "permits"))
    if access.can_list_dtn(user):
        nav.append(("dtn", _("Duty to Notify"), reverse("web:dtn_list"), current.startswith("dtn")))
    if user.has_role(R.CHILDRENS_SERVICES):
        nav.append(("children", _("Children"), reverse("children:board"), namespace == "children"))
    if can_see_statistics(user):
        nav.append(("statistics", _("Statistics"), reverse("stats:index"), namespace == "stats"))
    if user.has_role(R.ANALYST, R.MONITOR):
        nav.append(("monitoring", _("Monitoring"), reverse("releases:monitoring"), current == "monitoring"))
        nav.append(("private", _("Private releases"), reverse("releases:private"), current == "private"))
    if user.has_role(R.ANALYST):
        nav.append(("microdata", _("Microdata"), reverse("releases:microdata"), current.startswith("microdata")))
    if user.has_role(R.SUPPORT_WORKER):
        nav.append(("support", _("Support"), reverse("support:caseload"),
                    namespace == "support" and not current.startswith(("waiting", "provider"))))
    if user.has_role(R.SUPPORT_WORKER) and allocating_contracts(user):
        nav.append(("waiting_list", _("Waiting list"), reverse("support:waiting_list"),
                    namespace == "support" and current.startswith("waiting")))
    if user.has_perm("support.view_occupancy"):
        nav.append(("providers", _("Providers"), reverse("support:providers"),
                    namespace == "support" and current.startswith("provider")))
    nav.append(("law", _("Law"), reverse("law:index"), namespace == "law"))
    nav.append(("jobs", _("Your jobs"), reverse("jobs:list"), namespace == "jobs"))
    unread = unread_count(user)
    nav.append(("notifications", _("Notifications"), reverse("notifications:list"), namespace == "notifications"))
    if access.is_administrator(user):
        nav.append(("admin", _("Admin area"), reverse("admin:index"), False))
    nav.append(("sign_out", _("Sign out"), reverse("web:sign_out"), current == "sign_out"))
    ctx.update({
        "nav_items": [{"key": k, "text": t, "href": h, "active": a, "count": unread if k == "notifications" else 0}
                      for k, t, h, a in nav],
        "notifications_unread": unread,
        "user_display_name": user.get_full_name() or user.username,
        "user_memberships": [
            {"role": R.ROLE_LABELS.get(m.role, m.role), "organisation": m.organisation.name} for m in memberships
        ],
    })
    return ctx
