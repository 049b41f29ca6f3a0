"""Writes of the notifications app: deliver once, mark read."""

from __future__ import annotations

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from kramar.accounts.models import User
from kramar.notifications.models import Notification


def notification_deliver(
    *,
    recipient: User,
    key: str,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    email: bool = True,
) -> Notification | None:
    """Deliver a notification once per ``key``; return it, or None when it was delivered before.

    The unique key is the guard: a second delivery of the same event (a retried task, a second
    worker) finds the row and does nothing, so no cancellation is ever needed.
    """
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient, key=key[:200], kind=kind, title=title[:200], body=body, url=url
            )
    except IntegrityError:
        return None
    if email and recipient.email and recipient.is_active:
        _email(notification)
    return notification


def _email(notification: Notification) -> None:
    from django.conf import settings

    link = f"{settings.SITE_URL.rstrip('/')}{notification.url}" if notification.url else ""
    send_mail(
        subject=f"Kramar: {notification.title}",
        message="\n\n".join(part for part in (notification.body, link) if part),
        from_email=None,
        recipient_list=[notification.recipient.email],
    )
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())


@transaction.atomic
def notifications_mark_read(*, recipient: User, ids: list[int] | None = None) -> int:
    """Mark the recipient's notifications read (all unread ones when ``ids`` is None)."""
    unread = Notification.objects.filter(recipient=recipient, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
