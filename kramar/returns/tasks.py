"""Background work of returns: card refunds (retried on provider errors) and the customer's
e-mails about a return (accepted, rejected, refunded), each sent once."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation

from kramar.orders.enums import OrderEventKind
from kramar.orders.models import Order, OrderEvent
from kramar.orders.services import order_event_record
from kramar.payments.enums import REFUND_ATTEMPTS
from kramar.payments.providers.base import ProviderError
from kramar.returns.models import GoodsReturn

logger = logging.getLogger(__name__)

EMAIL_KINDS = ("accepted", "rejected", "refunded")


@task
def return_refund(return_id: int, attempt: int = 1) -> str:
    """Refund an accepted card return; on a provider failure, try again later (growing pauses).

    Every attempt sends the return's one idempotency key, so running this twice (a retry, a
    second worker, a duplicate enqueue) refunds once.
    """
    from kramar.returns.services import return_refund_to_card

    goods_return = GoodsReturn.objects.filter(pk=return_id).first()
    if goods_return is None:
        return "no return"
    try:
        done = return_refund_to_card(goods_return=goods_return)
    except ProviderError as error:
        if attempt >= REFUND_ATTEMPTS:
            logger.error("return %s: the refund failed %d times: %s", return_id, attempt, error)
            return "gave up"
        later = timezone.now() + timedelta(minutes=2**attempt)
        return_refund.using(run_after=later).enqueue(return_id, attempt + 1)
        return "will retry"
    return "refunded" if done else "nothing to refund"


@task
def return_email(return_id: int, kind: str) -> str:
    """Send the customer the e-mail about one step of their return, once."""
    if kind not in EMAIL_KINDS:
        return "unknown kind"
    key = f"return_{kind}"
    with transaction.atomic():
        goods_return = GoodsReturn.objects.filter(pk=return_id).first()
        if goods_return is None:
            return "no return"
        order = (
            Order.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=goods_return.order_id)
        )
        if OrderEvent.objects.filter(
            order=order, kind=OrderEventKind.EMAIL_SENT, details__email=key,
            details__return_id=goods_return.pk,
        ).exists():  # fmt: skip
            return "already sent"
        language = order.user.language if order.user else settings.LANGUAGE_CODE
        with translation.override(language):
            context = {
                "order": order,
                "goods_return": goods_return,
                "lines": list(goods_return.lines.select_related("order_line")),
                "link": f"{settings.SITE_URL.rstrip('/')}/orders/{order.token}/",
            }
            subject = render_to_string(f"returns/email/{kind}_subject.txt", context).strip()
            text = render_to_string(f"returns/email/{kind}.txt", context)
            html = render_to_string(f"returns/email/{kind}.html", context)
        message = EmailMultiAlternatives(subject=subject, body=text, to=[order.email])
        message.attach_alternative(html, "text/html")
        message.send()
        order_event_record(
            order=order,
            kind=OrderEventKind.EMAIL_SENT,
            details={"email": key, "return": goods_return.number, "return_id": goods_return.pk},
        )
    return "sent"
