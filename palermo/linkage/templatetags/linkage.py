"""``{% possible_matches case as m %}``: what the case page's panel needs, without reading any
identity (so it is not audited): pending matches the user could review, confirmed links, the
URL of the possible-matches page and, when there are confirmed links, of the person-cluster page
(both empty while the pages' URLs are not installed)."""

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
        return {"pending": 0, "confirmed": 0, "url": "", "cluster_url": ""}
    pending = pending_count_for_case(user=user, case=case)
    confirmed = pending_count_for_case(user=user, case=case, status=CONFIRMED)
    try:
        url = reverse("linkage:case_candidates", args=[case.pk])
        cluster_url = (reverse("linkage:person_cluster", args=[case.referral.person.pseudonym]) + f"?case={case.pk}"
                       if confirmed else "")  # fmt: skip
    except NoReverseMatch:
        url = cluster_url = ""
    return {"pending": pending, "confirmed": confirmed, "url": url, "cluster_url": cluster_url}
