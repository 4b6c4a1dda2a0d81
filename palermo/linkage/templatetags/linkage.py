"""``{% possible_matches case as m %}``: what the case page's panel needs, without reading any
identity (so it is not audited): pending matches the user could review, confirmed links, and
the URL of the possible-matches page (empty while the page's URLs are not installed)."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse

from palermo.linkage.models import CONFIRMED
from palermo.linkage.selectors import pending_count_for_case

register = template.Library()


@register.simple_tag(takes_context=True)
def possible_matches(context, case) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if case is None or user is None or not getattr(user, "is_authenticated", False):
        return {"pending": 0, "confirmed": 0, "url": ""}
    pending = pending_count_for_case(user=user, case=case)
    confirmed = pending_count_for_case(user=user, case=case, status=CONFIRMED)
    try:
        url = reverse("linkage:case_candidates", args=[case.pk])
    except NoReverseMatch:
        url = ""
    return {"pending": pending, "confirmed": confirmed, "url": url}
