"""Template helpers for the children's pages: the case page's safeguarding panel, and the
statistic's small-number rules applied to a count or a share."""

from __future__ import annotations

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def child_record_link(context, case) -> str:
    """The URL of the case's safeguarding record, or "" when the user may not open it."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if case is None or user is None or not getattr(user, "is_authenticated", False):
        return ""
    if not user.has_perm("children.view_record", case):
        return ""
    return reverse("children:record", args=[case.pk])


@register.simple_tag
def shown(stats, count) -> str:
    return stats.shown(count)


@register.simple_tag
def share(stats, part, whole) -> str:
    return stats.share(part, whole)


@register.filter
def at(values, index):
    return values[index]
