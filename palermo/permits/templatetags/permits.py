"""``{% permit_panel case as pp %}``: a line about the case's residence permit on the case page,
for users who may see its dates, on cases whose person was identified (or that have permit
records). Reading it is part of the case page read, which is audited (``case.view``)."""

from __future__ import annotations

from django import template
from django.utils import timezone

from palermo.nrm import workflow
from palermo.permits.models import OPEN

register = template.Library()


@register.simple_tag(takes_context=True)
def permit_panel(context, case):
    user = context["request"].user
    if not user.has_perm("permits.view_permit_dates", case):
        return None
    today = timezone.localdate()
    permits = list(case.permits.order_by("starts_on", "id"))
    in_force = [p for p in permits if p.in_force_on(today)]
    current = in_force[-1] if in_force else (permits[-1] if permits else None)
    is_open = case.permit_applications.filter(state=OPEN).exists()
    if case.status != workflow.IDENTIFIED and current is None and not is_open:
        return None
    due = (current is not None and current.reminder_on <= today <= current.expires_on
           and not current.renewal_applications.exists())
    return {"current": current, "open": is_open, "in_force": current is not None and current.in_force_on(today),
            "due": due}
