"""Background work of orders: the e-mails to the customer and the end of card reservations."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation

from kramar.orders.enums import OrderEventKind
from kramar.orders.models import Order, OrderEvent

EMAIL_KINDS = ("placed", "paid", "shipped", "delivered", "cancelled", "refunded")


@task
def order_email(order_id: int, kind: str) -> str:
    """Send the customer the e-mail about one step of the order, once."""
    if kind not in EMAIL_KINDS:
        return "unknown kind"
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if order is None:
            return "no order"
        if OrderEvent.objects.filter(
            order=order, kind=OrderEventKind.EMAIL_SENT, details__email=kind
        ).exists():
            return "already sent"
        language = order.user.language if order.user else settings.LANGUAGE_CODE
        with translation.override(language):
            context = {
                "order": order,
                "lines": list(order.lines.all()),
                "link": f"{settings.SITE_URL.rstrip('/')}/orders/{order.token}/",
            }
            subject = render_to_string(f"orders/email/{kind}_subject.txt", context).strip()
            text = render_to_string(f"orders/email/{kind}.txt", context)
            html = render_to_string(f"orders/email/{kind}.html", context)
        message = EmailMultiAlternatives(subject=subject, body=text, to=[order.email])
        message.attach_alternative(html, "text/html")
        message.send()
        OrderEvent.objects.create(
            order=order, kind=OrderEventKind.EMAIL_SENT, details={"email": kind}
        )
    return "sent"


@task
def order_reservation_expire(order_id: int) -> str:
    """Release a card order's goods if its payment did not come in time."""
    from kramar.orders.services import order_reservation_expire as expire

    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        return "no order"
    return "released" if expire(order=order) else "kept"
