"""Writing notifications and sending their e-mails.

``notification_send`` runs inside the caller's transaction (the event it announces commits or
rolls back with it): one :class:`Notification` per recipient and one :class:`OutgoingEmail` per
notification whose recipient has an e-mail address, both unique, then — only once the transaction
has committed — the e-mails go through Django's mail backend (the console in development, the
in-memory outbox in tests, SMTP in production: ``settings.EMAIL_BACKEND``).

An e-mail names no person: it says what happened, gives the case reference and a link, and why
the reader is told. ``outgoing_email_send`` claims each e-mail before sending it, so two senders
(the request that wrote it and ``palermo notifications send``) never both send it; a failed send
is released for ``palermo notifications send`` to retry.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from palermo.core.audit import audit_record
from palermo.core.exceptions import NotFound
from palermo.notifications.models import Notification, OutgoingEmail

#: A claim older than this is taken to be a sender that died mid-send, and may be retried.
STALE_CLAIM = dt.timedelta(minutes=10)


def _link(notification: Notification) -> str:
    """Where the notification takes its reader (relative; the e-mail adds the base URL)."""
    if notification.kind == "missing_episode_opened" and notification.case_id:
        return reverse("children:record", args=[notification.case_id])
    return reverse("notifications:list")


def notification_link(notification: Notification) -> str:
    return _link(notification)


def _email(notification: Notification, context: dict) -> tuple[str, str]:
    ctx = {"n": notification, "reference": notification.case.referral.reference if notification.case_id else "",
           "url": settings.PALERMO_BASE_URL.rstrip("/") + _link(notification),
           "reason": notification.get_reason_display(), **context}
    subject = render_to_string(f"notifications/email/{notification.kind}_subject.txt", ctx).strip()
    body = render_to_string(f"notifications/email/{notification.kind}.txt", ctx)
    return " ".join(subject.split())[:200], body


def notification_send(*, actor, kind: str, case, obj, recipients: dict, context: dict | None = None) -> list[Notification]:
    """Notify each of ``recipients`` ({user: reason}) once about ``obj``; returns the notifications
    made now (a recipient already told about this event is not told again)."""
    object_type, object_id = obj._meta.label_lower, str(obj.pk)
    made: list[Notification] = []
    emails: list[int] = []
    for user, reason in sorted(recipients.items(), key=lambda kv: kv[0].pk):
        note, created = Notification.objects.get_or_create(
            recipient=user, kind=kind, object_type=object_type, object_id=object_id,
            defaults={"reason": reason, "case": case})
        if not created:
            continue
        made.append(note)
        if user.email:
            subject, body = _email(note, context or {})
            emails.append(OutgoingEmail.objects.create(notification=note, to_address=user.email, subject=subject,
                                                       body=body).pk)
    audit_record(actor=actor, action="notification.send", object_type=object_type, object_id=object_id, detail={
        "kind": kind, "case_id": case.pk if case is not None else None, "recipients": len(made), "emails": len(emails)})
    if emails:
        transaction.on_commit(lambda: outgoing_email_send(ids=emails))
    return made


def _claim(email_id: int, now) -> bool:
    """Take the e-mail for sending: true for exactly one caller while it is unsent and unclaimed
    (or its claim is stale). One UPDATE, so it holds across processes and databases."""
    return OutgoingEmail.objects.filter(pk=email_id, sent_at__isnull=True).filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - STALE_CLAIM)).update(claimed_at=now) == 1


def outgoing_email_send(*, ids: list[int] | None = None) -> dict[str, int]:
    """Send unsent e-mails (``ids``, or every one unsent), each at most once per claim. Returns
    counts: sent, failed, skipped (sent or being sent by someone else)."""
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    qs = OutgoingEmail.objects.filter(sent_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    for email_id in list(qs.order_by("id").values_list("pk", flat=True)):
        now = timezone.now()
        if not _claim(email_id, now):
            counts["skipped"] += 1
            continue
        email = OutgoingEmail.objects.get(pk=email_id)
        try:
            EmailMessage(subject=email.subject, body=email.body, from_email=settings.DEFAULT_FROM_EMAIL,
                         to=[email.to_address]).send(fail_silently=False)
        except Exception as exc:  # noqa: BLE001 - any failure of the mail backend: release for a retry
            OutgoingEmail.objects.filter(pk=email_id).update(
                claimed_at=None, attempts=email.attempts + 1, last_error=type(exc).__name__[:80])
            counts["failed"] += 1
            continue
        # Sent: keep the row (it is what makes the e-mail once only), drop the text.
        OutgoingEmail.objects.filter(pk=email_id).update(sent_at=timezone.now(), attempts=email.attempts + 1,
                                                         body="", last_error="")
        counts["sent"] += 1
    return counts


# --- marking read ---------------------------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, actor, notification_id: int) -> Notification:
    """Mark one of the actor's notifications read. Someone else's is "no such notification"
    (404): its existence is not the actor's to know."""
    note = Notification.objects.select_for_update().filter(pk=notification_id, recipient=actor).first()
    if note is None:
        raise NotFound(f"You have no notification {notification_id}")
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
        audit_record(actor=actor, action="notification.read", obj=note, detail={"count": 1})
    return note


@transaction.atomic
def notifications_mark_all_read(*, actor) -> int:
    n = Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())
    if n:
        audit_record(actor=actor, action="notification.read", object_type="notifications.notification",
                     detail={"count": n})
    return n
