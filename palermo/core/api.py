"""The audit log for monitors (seed note §8, §10: an independent National Rapporteur-style
body reads what was done). Monitors see events, never personal data: events hold ids and codes."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Query, Router, Schema

from palermo.accounts.roles import MONITOR
from palermo.api.query import IsoDate, reject_unknown_query
from palermo.api.schemas import ERRORS, DetailValue
from palermo.core.audit import audit_record
from palermo.core.exceptions import NotAllowed
from palermo.core.models import AuditEvent

router = Router(tags=["Audit"])


class AuditEventOut(Schema):
    id: int
    occurred_at: dt.datetime
    actor: str = Field(description="Username, or 'system'")
    action: str = Field(examples=["case.view"])
    object_type: str = Field(examples=["nrm.case"])
    object_id: str
    request_id: str
    detail: dict[str, DetailValue] = Field(description="Ids, codes and counts: never names or free text")
    seq: int | None = Field(description="Position in the sealed hash chain; None until sealed")


class AuditPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[AuditEventOut]


@router.get("/audit-events", response={200: AuditPage, **ERRORS},
            summary="Audit log (monitors)")
def audit_events(request, action: str | None = Query(None, max_length=64), since: IsoDate | None = None,
                 page: int = Query(1, ge=1, le=1_000_000), page_size: int = Query(100, ge=1, le=500)):
    reject_unknown_query(request, {"action", "since", "page", "page_size"})
    user = request.auth
    if not user.has_role(MONITOR):
        raise NotAllowed("Only monitors can read the audit log")
    qs = AuditEvent.objects.order_by("-id")
    if action:
        qs = qs.filter(action=action)
    if since:
        qs = qs.filter(occurred_at__date__gte=since)
    page_size = max(1, min(page_size, 500))
    page = max(1, page)
    total = qs.count()
    items = [
        {"id": e.pk, "occurred_at": e.occurred_at, "actor": e.actor_label, "action": e.action,
         "object_type": e.object_type, "object_id": e.object_id, "request_id": e.request_id,
         "detail": e.detail, "seq": e.seq}
        for e in qs[(page - 1) * page_size : page * page_size]
    ]
    audit_record(actor=user, action="audit.read", object_type="core.auditevent", detail={"rows": len(items)})
    return {"count": total, "page": page, "page_size": page_size, "items": items}
