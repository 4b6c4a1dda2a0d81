"""Reading notifications: only ever one's own."""

from __future__ import annotations

from palermo.notifications.models import Notification


def notification_list_for_user(*, user, unread_only: bool = False):
    """The user's own notifications, newest first. Nobody sees another user's."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient=user).select_related("case", "case__referral")
    return qs.filter(read_at__isnull=True) if unread_only else qs


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
