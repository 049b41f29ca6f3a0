from __future__ import annotations

from django.db.models import QuerySet

from kramar.accounts.models import User
from kramar.notifications.models import Notification


def notification_list(*, recipient: User) -> QuerySet[Notification]:
    """Return one's own notifications, newest first (nobody reads another's)."""
    return Notification.objects.filter(recipient=recipient).order_by("-created_at", "-id")


def unread_count(*, recipient: User) -> int:
    return Notification.objects.filter(recipient=recipient, read_at__isnull=True).count()
