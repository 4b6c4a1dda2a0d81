"""Your notifications (``/api/v1/notifications``): only ever your own."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Query, Router, Schema

from palermo.api.query import reject_unknown_query
from palermo.notifications import services
from palermo.notifications.selectors import notification_list_for_user, unread_count
from palermo.nrm.api import ERRORS

router = Router(tags=["Notifications"])


class ListIn(Schema):
    unread: bool = False
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(50, ge=1, le=200)


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    reason: str
    case_id: int | None
    reference: str | None
    link: str | None
    created_at: dt.datetime
    read_at: dt.datetime | None


class ListOut(Schema):
    count: int
    unread: int
    page: int
    page_size: int
    items: list[NotificationOut]


class MarkedRead(Schema):
    marked_read: int


def notification_out(n) -> dict:
    return {"id": n.id, "kind": n.kind, "text": n.get_kind_display(), "reason": n.reason,
            "case_id": n.case_id, "reference": n.case.referral.reference if n.case_id else None,
            "link": services.notification_link(n), "created_at": n.created_at.isoformat(),
            "read_at": n.read_at.isoformat() if n.read_at else None}


@router.get("/notifications", response={200: ListOut, **ERRORS}, summary="Your notifications, newest first")
def notification_list(request, params: Query[ListIn]):
    reject_unknown_query(request, ListIn.model_fields)
    qs = notification_list_for_user(user=request.auth, unread_only=params.unread)
    start = (params.page - 1) * params.page_size
    return {"count": qs.count(), "unread": unread_count(request.auth), "page": params.page,
            "page_size": params.page_size, "items": [notification_out(n) for n in qs[start : start + params.page_size]]}


@router.post("/notifications/{notification_id}/read", response={200: NotificationOut, **ERRORS},
             summary="Mark one of your notifications read")
def notification_read(request, notification_id: int):
    return notification_out(services.notification_mark_read(actor=request.auth, notification_id=notification_id))


@router.post("/notifications/read-all", response={200: MarkedRead, **ERRORS}, summary="Mark all your notifications read")
def notifications_read_all(request):
    return {"marked_read": services.notifications_mark_all_read(actor=request.auth)}
