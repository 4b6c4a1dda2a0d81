"""The allocation panel on the case page."""

from __future__ import annotations

from django import template
from django.urls import reverse

from palermo.casework import selectors, services
from palermo.nrm import workflow

register = template.Library()


@register.simple_tag(takes_context=True)
def allocation_panel(context, case) -> dict | None:
    """Who has the case, who had it before (from the allocation's history) and whether the
    user may allocate it. None for roles outside the competent authority (a first responder
    does not see who works on the case)."""
    user = context["request"].user
    if not (services.may_allocate(user, case) or case.competent_authority_id in user.organisations_for("reviewer")):
        return None
    current = selectors.allocation_of(case)
    history = []
    if current is not None:
        for h in current.history.select_related("allocated_to", "allocated_by").order_by("-history_date")[:10]:
            history.append({"to": h.allocated_to.get_full_name() or h.allocated_to.username,
                            "by": h.allocated_by.get_full_name() or h.allocated_by.username, "at": h.allocated_at})
    open_ = case.status in workflow.OPEN_STATUSES
    return {
        "current": current,
        "name": (current.allocated_to.get_full_name() or current.allocated_to.username) if current else "",
        "history": history[1:],
        "mine": current is not None and current.allocated_to_id == user.pk,
        "url": reverse("casework:case_allocate", args=[case.pk]) if open_ and services.may_allocate(user, case) else "",
        "others": services.may_allocate_to_others(user, case),
    }


@register.simple_tag(takes_context=True)
def casework_dashboard(context) -> dict | None:
    """The dashboard's casework figures: possible matches to check (roles that see identity),
    cases allocated to a decision maker, unallocated cases for a team leader. None when the
    role has none of them."""
    from palermo.accounts import roles as R

    user = context["request"].user
    if not selectors.can_search(user):
        return None
    out = {"matches": selectors.possible_match_count_for_user(user=user) if selectors.can_search_identity(user) else None,
           "mine": None, "unallocated": None}
    if user.has_role(R.DECISION_MAKER):
        out["mine"] = len(selectors.my_cases_for_user(user=user))
    if user.has_role(R.TEAM_LEADER):
        out["unallocated"] = sum(t["unallocated"] for t in selectors.workload_for_user(user=user))
    return out
