"""Notifications to users: one row per recipient, shown in the header and on the notifications
page until read, and the e-mail that goes with each.

A notification names what happened (a code) and the record it is about (a case reference and a
link): never a person's name, so neither the row nor the e-mail identifies a child. The unique
constraints make every alert exactly once: one notification per recipient and event, one e-mail
per notification.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from palermo.nrm.models import Case

KIND_CHOICES = [
    ("missing_episode_opened", "A child was reported missing"),
]
REASON_CHOICES = [
    ("local_authority", "You work in the lead local authority's children's services"),
    ("named_person", "You are the person responsible for the child's care"),
    ("decision_maker", "You decide this case"),
]


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40, choices=KIND_CHOICES)
    reason = models.CharField(max_length=20, choices=REASON_CHOICES,
                              help_text="Why this user was told (the first that applies)")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "object_type", "object_id"],
                                    name="notifications_once_per_recipient_and_event"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.kind} for user {self.recipient_id}"


class OutgoingEmail(models.Model):
    """The e-mail of one notification, written in the same transaction and sent after it commits
    (``services.outgoing_email_send``). A send first claims the row, so two senders never send the
    same e-mail; the body is cleared once it has gone."""

    notification = models.OneToOneField(Notification, on_delete=models.CASCADE, related_name="email")
    to_address = models.EmailField(max_length=254)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"E-mail for notification {self.notification_id}"
