"""Abandoned carts of known clients: one follow-up per cart, by a manager or by e-mail (M6, M13).

A client with an active responsible manager gets a call planned for that manager; anyone else
gets a reminder e-mail (a task, after the commit). Never both: the follow-up row is unique per
cart and chooses its channel once.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kramar.cart.enums import CartStatus
from kramar.cart.models import Cart
from kramar.clients.models import Client
from kramar.crm.enums import ActivityKind
from kramar.crm.services import activity_plan
from kramar.tracking.enums import FollowUpChannel
from kramar.tracking.models import CartFollowUp

BATCH = 200


def abandoned_carts(*, now: datetime) -> list[Cart]:
    """Return open, non-empty carts of signed-up customers untouched for the set delay."""
    cutoff = now - settings.TRACKING_ABANDONED_CART_AFTER
    return list(
        Cart.objects.filter(
            status=CartStatus.OPEN,
            user__isnull=False,
            updated_at__lt=cutoff,
            # Not older than a week past the delay: a forgotten cart from last year is not news.
            updated_at__gte=cutoff - settings.TRACKING_ABANDONED_CART_WINDOW,
            lines__isnull=False,
        )
        .exclude(pk__in=CartFollowUp.objects.values("cart_id"))
        .select_related("user")
        .distinct()[:BATCH]
    )


@transaction.atomic
def cart_follow_up(*, cart: Cart, now: datetime | None = None) -> CartFollowUp | None:
    """Follow up one abandoned cart once: an activity for the manager, else an e-mail."""
    now = now or timezone.now()
    if CartFollowUp.objects.select_for_update().filter(cart=cart).exists():
        return None
    client = Client.objects.filter(
        user=cart.user, merged_into__isnull=True, deleted_at__isnull=True
    ).first()
    if client is None:
        return None
    manager = client.manager if client.manager and client.manager.is_active else None
    channel = FollowUpChannel.ACTIVITY if manager is not None else FollowUpChannel.EMAIL
    follow_up = CartFollowUp.objects.create(cart=cart, client=client, channel=channel)
    if manager is not None:
        activity_plan(
            actor=manager,
            client=client,
            kind=ActivityKind.CALL,
            subject=(_("Abandoned cart: ask %(name)s what stopped them") % {"name": client.name})[
                :200
            ],
            due_at=now + settings.TRACKING_LEAD_ANSWER_WITHIN,
            owner=manager,
        )
    else:
        from kramar.tracking.tasks import cart_reminder_email

        transaction.on_commit(lambda: cart_reminder_email.enqueue(follow_up.pk))
    return follow_up


def abandoned_carts_follow_up(*, now: datetime | None = None) -> int:
    """The periodic job: follow up each cart abandoned long enough ago; return how many."""
    now = now or timezone.now()
    done = 0
    for cart in abandoned_carts(now=now):
        done += cart_follow_up(cart=cart, now=now) is not None
    return done
