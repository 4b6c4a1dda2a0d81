"""Organised crime groups' dated lifecycle: identified → under investigation → disrupted →
dismantled (a disrupted group may come under investigation again; dismantled is final). Reflex
identified 105 criminal groups in its Romanian unit's first year and disrupted 48 (seed note §7.1,
fn 62): those figures are :func:`group_figures_for_user` over a period."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from palermo.accounts.models import Organisation
from palermo.core.audit import audit_record
from palermo.core.exceptions import TransitionRefused, ValidationFailed
from palermo.intelligence.models import (
    DISMANTLED,
    DISRUPTED,
    GROUP_STATUS_LABELS,
    IDENTIFIED,
    OCG,
    UNDER_INVESTIGATION,
    Entity,
    GroupStatus,
)
from palermo.intelligence.rules import intelligence_orgs
from palermo.intelligence.selectors import entity_get_for_user, visible_entities_q

#: status now -> statuses that may follow it (None: no status yet).
GROUP_TRANSITIONS = {
    None: {IDENTIFIED},
    IDENTIFIED: {UNDER_INVESTIGATION, DISRUPTED, DISMANTLED},
    UNDER_INVESTIGATION: {DISRUPTED, DISMANTLED},
    DISRUPTED: {UNDER_INVESTIGATION, DISMANTLED},
    DISMANTLED: set(),
}


def group_current(entity: Entity) -> GroupStatus | None:
    return entity.group_statuses.order_by("-on", "-id").first()


@transaction.atomic
def group_status_record(*, actor, entity_id: int, status: str, on: dt.date) -> GroupStatus:
    """Record the next step of a group's lifecycle (the group must be visible to the actor)."""
    view = entity_get_for_user(user=actor, entity_id=entity_id)
    entity = Entity.objects.select_for_update().get(pk=view.entity.pk)
    if entity.kind != OCG:
        raise TransitionRefused("Only an organised crime group has a lifecycle")
    current = group_current(entity)
    allowed = GROUP_TRANSITIONS[current.status if current else None]
    if status not in allowed:
        now = GROUP_STATUS_LABELS[current.status].lower() if current else "not yet identified"
        raise TransitionRefused(f"A group that is {now} cannot become {GROUP_STATUS_LABELS.get(status, status).lower()}")
    if on > timezone.localdate():
        raise ValidationFailed("The date is in the future", {"on": "The date must be today or in the past"})
    if current and on < current.on:
        raise ValidationFailed("The date is before the group's last step",
                               {"on": f"The date must be on or after {current.on.day} {current.on:%B %Y}"})
    org = Organisation.objects.get(pk=intelligence_orgs(actor)[0])
    row = GroupStatus.objects.create(entity=entity, status=status, on=on, organisation=org, recorded_by=actor)
    audit_record(actor=actor, action="intel.group_status", obj=row, detail={"entity": entity.pk, "status": status})
    return row


def groups_for_user(*, user):
    """The groups the user may see, each with its current status and date annotated."""
    latest = GroupStatus.objects.filter(entity=OuterRef("pk")).order_by("-on", "-id")
    return (Entity.objects.filter(visible_entities_q(user), kind=OCG)
            .annotate(status=Subquery(latest.values("status")[:1]), status_on=Subquery(latest.values("on")[:1]))
            .order_by("pk"))


def group_figures_for_user(*, user, start: dt.date, end: dt.date) -> dict[str, int]:
    """Distinct groups (visible to the user) that reached each status between ``start`` and ``end``
    inclusive: a group identified in the period and disrupted in it counts in both; a group
    disrupted twice counts once."""
    visible = groups_for_user(user=user).values("pk")
    rows = GroupStatus.objects.filter(entity__in=visible, on__gte=start, on__lte=end)
    return {s: rows.filter(status=s).values("entity").distinct().count()
            for s in (IDENTIFIED, UNDER_INVESTIGATION, DISRUPTED, DISMANTLED)}
