"""Background work of the site tracking: fold visits, purge, follow up abandoned carts (M6)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.utils import translation
from django.utils.translation import gettext as _

from kramar.clients.enums import TimelineKind
from kramar.clients.services import timeline_record


@task
def sessions_fold_task() -> str:
    """Fold ended visits and put them on clients' timelines (settings.KRAMAR_PERIODIC_JOBS)."""
    from kramar.tracking.services import sessions_fold

    return f"{sessions_fold()} visits folded"


@task
def abandoned_carts_task() -> str:
    """Follow up abandoned carts of known clients (settings.KRAMAR_PERIODIC_JOBS)."""
    from kramar.tracking.services import abandoned_carts_follow_up

    return f"{abandoned_carts_follow_up()} carts followed up"


@task
def tracking_daily_round() -> str:
    """Delete raw events past the retention (settings.KRAMAR_DAILY_JOBS); visits stay."""
    from kramar.tracking.services import events_purge

    return f"{events_purge()} events purged"


@task
def cart_reminder_email(follow_up_id: int) -> str:
    """Send the client the reminder of their abandoned cart (once: the follow-up row is it)."""
    from kramar.tracking.models import CartFollowUp

    follow_up = CartFollowUp.objects.select_related("client", "cart__user").get(pk=follow_up_id)
    user = follow_up.cart.user
    if user is None or not user.email:
        return "no address"
    with translation.override(user.language or settings.LANGUAGE_CODE), transaction.atomic():
        subject = _("You left something in your cart")
        body = _("Hello! The goods you chose are waiting in your cart: %(link)s") % {
            "link": f"{settings.SITE_URL.rstrip('/')}/cart/"
        }
        EmailMessage(subject, body, settings.MAIL_FROM, [user.email]).send()
        timeline_record(
            client=follow_up.client,
            kind=TimelineKind.EMAIL_OUT,
            summary=_("Abandoned cart reminder to %(to)s") % {"to": user.email},
            source=follow_up,
        )
    return "sent"
