"""Reads of payments: whether an order may be paid now, and its latest payment."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from kramar.core.errors import ApplicationError, NotFoundError
from kramar.orders.enums import OrderStatus, PaymentMethod, PaymentStatus
from kramar.orders.models import Order
from kramar.payments.enums import PaymentsErrorCode
from kramar.payments.models import Payment, SandboxCharge


def payment_refusal(*, order: Order, now: datetime | None = None) -> ApplicationError | None:
    """Return why the order cannot be paid by card now, or None when it can."""
    now = now or timezone.now()
    if order.payment_method != PaymentMethod.CARD:
        return ApplicationError(
            PaymentsErrorCode.NOT_CARD, _("This order is not paid by card."), status=409
        )
    if order.payment_status == PaymentStatus.PAID:
        return ApplicationError(
            PaymentsErrorCode.ALREADY_PAID, _("This order is paid already."), status=409
        )
    if (
        order.status == OrderStatus.CANCELLED
        or order.payment_status != PaymentStatus.AWAITING
        or order.reserved_until is None
        or order.reserved_until <= now
    ):
        return ApplicationError(
            PaymentsErrorCode.NOT_PAYABLE,
            _("This order can no longer be paid by card. Place it again, please."),
            status=409,
        )
    return None


def order_can_pay(*, order: Order, now: datetime | None = None) -> bool:
    return payment_refusal(order=order, now=now) is None


def payment_latest(*, order: Order) -> Payment | None:
    """Return the order's most recent payment attempt, if any."""
    return Payment.objects.filter(order=order).order_by("-created_at", "-id").first()


def order_page_url(order: Order) -> str:
    """Return the absolute address of the order's page (the e-mails carry the same one)."""
    return f"{settings.SITE_URL.rstrip('/')}/orders/{order.token}/"


def sandbox_charge_get(*, public_id: str) -> SandboxCharge:
    charge = SandboxCharge.objects.filter(public_id=public_id[:40]).first()
    if charge is None:
        raise NotFoundError("payments.not_found", _("No such payment."))
    return charge
