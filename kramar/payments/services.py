"""Writes of payments: starting a card payment, taking in webhooks, refunding.

Starting: under the order's row lock we find the order's open payment or open one, with an
idempotency key of its own; the provider is called outside any transaction (no lock is held
over the network) with that key, so a double click, a second tab or a retry after a timeout
all end at the same payment page and never at a second charge.

Webhooks: every delivery is stored first, exactly as it came (``WebhookEvent``), then verified;
a bad signature or body is answered 400 and changes nothing else. A verified event is applied in
one transaction that claims its event id (a unique constraint: a second delivery of the same
event is a recorded duplicate), locks the order and then the payment, and decides from their
state, not from the order in which events arrive: a "failed" after "succeeded" changes nothing,
a "succeeded" after the reservation ran out allocates the goods again or refunds.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.datastructures import CaseInsensitiveMapping
from django.utils.translation import gettext as _

from kramar.core.errors import ApplicationError, NotFoundError
from kramar.orders.models import Order
from kramar.orders.services import (
    PaymentVerdict,
    order_payment_failed,
    order_payment_refunded,
    order_payment_succeeded,
)
from kramar.payments.enums import (
    OPEN_STATES,
    WEBHOOK_MAX_BYTES,
    PaymentsErrorCode,
    PaymentState,
    WebhookOutcome,
)
from kramar.payments.models import Payment, WebhookEvent
from kramar.payments.providers import provider_for_webhooks, provider_get
from kramar.payments.providers.base import (
    EventType,
    PaymentRequest,
    ProviderError,
    ProviderEvent,
    WebhookRejected,
    from_minor,
    to_minor,
)
from kramar.payments.selectors import order_page_url, payment_refusal

logger = logging.getLogger(__name__)

# How long the provider's page takes the payment (Stripe asks for 30 minutes at least). Longer
# than the reservation on purpose: a late payment is taken and then allocated or refunded.
PAGE_LIFETIME = timedelta(hours=1)
# The request headers kept with a stored webhook (never cookies or anything else).
KEPT_HEADERS = frozenset(
    {"content-type", "content-length", "user-agent", "stripe-signature", "kramar-sandbox-signature"}
)


# --- Starting a payment -------------------------------------------------------------------------


def payment_start(*, order: Order) -> Payment:
    """Return the order's open payment, started at the provider (its page is ``redirect_url``).

    Raises ApplicationError when the order cannot be paid now, or 503 when the provider does not
    answer (the payment stays open; trying again reuses it and its idempotency key).
    """
    provider = provider_get()
    payment = _payment_open(order=order, provider=provider.name)
    if payment.status == PaymentState.PENDING and payment.redirect_url:
        return payment
    try:
        started = provider.start(_request_for(payment))
    except ProviderError as error:
        logger.warning("payment %s could not be started: %s", payment.pk, error)
        raise ApplicationError(
            PaymentsErrorCode.PROVIDER_UNAVAILABLE,
            _("The card payment service does not answer. Try again in a minute."),
            status=503,
        ) from error
    with transaction.atomic():
        Payment.objects.filter(pk=payment.pk, status=PaymentState.CREATED).update(
            provider_payment_id=started.provider_payment_id,
            redirect_url=started.redirect_url,
            status=PaymentState.PENDING,
            updated_at=timezone.now(),
        )
    payment.refresh_from_db()
    return payment


@transaction.atomic
def _payment_open(*, order: Order, provider: str) -> Payment:
    order = Order.objects.select_for_update().get(pk=order.pk)
    refusal = payment_refusal(order=order)
    if refusal is not None:
        raise refusal
    payment = Payment.objects.filter(order=order, status__in=OPEN_STATES).first()
    if payment is not None and payment.provider == provider:
        return payment
    if payment is not None:  # the shop changed providers meanwhile: that page is abandoned
        payment.status, payment.failure_reason = PaymentState.FAILED, "provider_changed"
        payment.save(update_fields=["status", "failure_reason", "updated_at"])
    attempt = Payment.objects.filter(order=order).count() + 1
    return Payment.objects.create(
        order=order,
        provider=provider,
        amount=order.total,
        currency=order.currency,
        idempotency_key=f"kramar-{order.token}-{attempt}",
    )


def _request_for(payment: Payment) -> PaymentRequest:
    order = payment.order
    page = order_page_url(order)
    # One language for every retry: the provider compares the parameters sent with a key.
    with translation.override(settings.LANGUAGE_CODE):
        description = _("Order %(number)s") % {"number": order.number}
    return PaymentRequest(
        payment_id=payment.pk,
        order_number=order.number or "",
        amount=to_minor(payment.amount),
        currency=payment.currency.upper(),
        idempotency_key=payment.idempotency_key,
        success_url=f"{page}?payment=return",
        cancel_url=f"{page}?payment=cancelled",
        description=description,
        customer_email=order.email,
        expires_at=payment.created_at + PAGE_LIFETIME,
    )


# --- Webhooks -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WebhookAnswer:
    """What to answer the provider: 2xx once the event is taken (or known), else 4xx."""

    status: int
    outcome: WebhookOutcome
    detail: str = ""


def webhook_receive(
    *, provider: str, body: bytes, headers: Mapping[str, str], too_large: bool = False
) -> WebhookAnswer:
    """Store, verify and apply one webhook delivery. Unexpected errors are recorded on the
    stored event and raised (the provider then retries, as it does on any 5xx)."""
    adapter = provider_for_webhooks(provider)
    if adapter is None:
        raise NotFoundError(PaymentsErrorCode.UNKNOWN_PROVIDER, _("No such payment provider."))
    headers = CaseInsensitiveMapping(headers)
    row = WebhookEvent.objects.create(
        provider=provider, body=b"" if too_large else body, headers=_kept(headers)
    )
    if too_large or len(body) > WEBHOOK_MAX_BYTES:
        _finish(row, WebhookOutcome.REJECTED, "the body is larger than a webhook can be")
        return WebhookAnswer(413, WebhookOutcome.REJECTED, "too large")
    try:
        event = adapter.parse_webhook(body, headers)
        if not event.event_id.strip():
            raise WebhookRejected("the event has no id")
    except WebhookRejected as rejected:
        _finish(row, WebhookOutcome.REJECTED, rejected.reason)
        return WebhookAnswer(400, WebhookOutcome.REJECTED, rejected.reason)
    try:
        outcome, detail = _apply(row, event)
    except Exception as error:
        _finish(row, WebhookOutcome.ERROR, f"{type(error).__name__}: {error}")
        raise
    return WebhookAnswer(200, outcome, detail)


def _kept(headers: Mapping[str, str]) -> dict[str, str]:
    return {
        name.lower(): str(value).replace("\x00", "")[:500]
        for name, value in headers.items()
        if name.lower() in KEPT_HEADERS
    }


def _finish(row: WebhookEvent, outcome: WebhookOutcome, error: str = "") -> None:
    row.outcome, row.error, row.processed_at = outcome, error[:2000], timezone.now()
    row.save(update_fields=["outcome", "error", "processed_at"])


def _claim(row: WebhookEvent, event: ProviderEvent) -> bool:
    """Make this delivery the one that applies the event; False if another did (or does)."""
    fields = {
        "provider_event_id": event.event_id[:255],
        "event_type": event.provider_type[:100],
        "provider_payment_id": event.provider_payment_id[:255],
    }
    try:
        with transaction.atomic():
            WebhookEvent.objects.filter(pk=row.pk).update(**fields)
    except IntegrityError:
        WebhookEvent.objects.filter(pk=row.pk).update(
            **fields, outcome=WebhookOutcome.DUPLICATE, processed_at=timezone.now()
        )
        return False
    return True


@transaction.atomic
def _apply(row: WebhookEvent, event: ProviderEvent) -> tuple[WebhookOutcome, str]:
    if not _claim(row, event):
        return WebhookOutcome.DUPLICATE, "delivered before"
    found = _payment_for(row.provider, event)
    if event.type is None or found is None:
        detail = "not an event we act on" if event.type is None else "unknown payment"
        _finish(row, WebhookOutcome.IGNORED, detail)
        return WebhookOutcome.IGNORED, detail
    # The order first, then the payment: the order every writer of both takes.
    order = Order.objects.select_for_update().get(pk=found.order_id)
    payment = Payment.objects.select_for_update().get(pk=found.pk)
    payment.order = order
    handlers = {
        EventType.SUCCEEDED: _succeeded,
        EventType.FAILED: _failed,
        EventType.REFUNDED: _refunded,
    }
    outcome, detail = handlers[event.type](payment, event)
    row.payment = payment
    row.outcome, row.error, row.processed_at = outcome, detail, timezone.now()
    row.save(update_fields=["payment", "outcome", "error", "processed_at"])
    return outcome, detail


def _payment_for(provider: str, event: ProviderEvent) -> Payment | None:
    """Find our payment by the provider's id, else by our id in its metadata, else by the
    provider's reference (a Stripe refund names the PaymentIntent only)."""
    payments = Payment.objects.filter(provider=provider)
    if event.provider_payment_id:
        found = payments.filter(provider_payment_id=event.provider_payment_id).first()
        if found is not None:
            return found
    if event.reference.isdigit():
        found = payments.filter(pk=int(event.reference)).first()
        if found is not None and (
            not event.provider_payment_id
            or found.provider_payment_id in {"", event.provider_payment_id}
        ):
            return found
    if event.provider_reference:
        return payments.filter(provider_reference=event.provider_reference).first()
    return None


def _succeeded(payment: Payment, event: ProviderEvent) -> tuple[WebhookOutcome, str]:
    if payment.status in {
        PaymentState.SUCCEEDED, PaymentState.REFUND_PENDING, PaymentState.REFUNDED,
    }:  # fmt: skip
        return WebhookOutcome.NO_CHANGE, f"the payment is {payment.status} already"
    verdict = order_payment_succeeded(
        order=payment.order,
        amount=from_minor(event.amount),
        currency=event.currency,
        provider=payment.provider,
        occurred_at=timezone.now(),
    )
    fields = ["status", "updated_at"]
    if verdict == PaymentVerdict.MISMATCH:
        payment.status = PaymentState.FAILED
        payment.failure_reason = (
            f"amount_mismatch: expected {to_minor(payment.amount)} {payment.currency}, "
            f"received {event.amount} {event.currency}"
        )[:300]
        payment.save(update_fields=[*fields, "failure_reason"])
        return WebhookOutcome.FAILURE_RECORDED, "amount or currency mismatch"
    payment.succeeded_at = timezone.now()
    payment.provider_reference = event.provider_reference or payment.provider_reference
    if not payment.provider_payment_id:
        payment.provider_payment_id = event.provider_payment_id
    fields += ["succeeded_at", "provider_reference", "provider_payment_id"]
    if verdict == PaymentVerdict.REFUND:
        payment.status = PaymentState.REFUND_PENDING
        payment.failure_reason = "the order could not take the payment"
        payment.save(update_fields=[*fields, "failure_reason"])
        _refund_on_commit(payment)
        return WebhookOutcome.APPLIED, "refund due"
    payment.status = PaymentState.SUCCEEDED
    payment.save(update_fields=fields)
    return WebhookOutcome.APPLIED, str(verdict)


def _failed(payment: Payment, event: ProviderEvent) -> tuple[WebhookOutcome, str]:
    if payment.status not in OPEN_STATES:
        return WebhookOutcome.NO_CHANGE, f"the payment is {payment.status} already"
    payment.status = PaymentState.FAILED
    payment.failure_reason = (event.failure_reason or "failed")[:300]
    payment.save(update_fields=["status", "failure_reason", "updated_at"])
    order_payment_failed(
        order=payment.order, reason=payment.failure_reason, provider=payment.provider
    )
    return WebhookOutcome.APPLIED, payment.failure_reason


def _refunded(payment: Payment, event: ProviderEvent) -> tuple[WebhookOutcome, str]:
    if payment.status == PaymentState.REFUNDED:
        return WebhookOutcome.NO_CHANGE, "the payment is refunded already"
    if event.currency != payment.currency.upper():
        return WebhookOutcome.FAILURE_RECORDED, "refund in another currency"
    whole = event.amount >= to_minor(payment.amount)
    if whole:
        payment.status, payment.refunded_at = PaymentState.REFUNDED, timezone.now()
        payment.save(update_fields=["status", "refunded_at", "updated_at"])
    order_payment_refunded(
        order=payment.order,
        amount=from_minor(event.amount),
        currency=event.currency,
        reason="refunded at the provider",
        provider=payment.provider,
    )
    return WebhookOutcome.APPLIED, "refunded" if whole else "partly refunded"


# --- Refunds --------------------------------------------------------------------------------------


def _refund_on_commit(payment: Payment) -> None:
    from kramar.payments.tasks import payment_refund

    payment_id = payment.pk
    transaction.on_commit(lambda: payment_refund.enqueue(payment_id))


def payment_refund_due(*, payment: Payment) -> bool:
    """Give back a payment that the order could not take; True once it is refunded.

    The provider is called with the payment's one refund key, so a retry (or a second worker)
    never refunds twice; ProviderError leaves the payment due for the next try.
    """
    payment = Payment.objects.select_related("order").get(pk=payment.pk)
    if payment.status != PaymentState.REFUND_PENDING:
        return payment.status == PaymentState.REFUNDED
    refund_id = provider_get(payment.provider).refund(
        provider_payment_id=payment.provider_payment_id,
        provider_reference=payment.provider_reference,
        amount=to_minor(payment.amount),
        currency=payment.currency.upper(),
        idempotency_key=payment.refund_idempotency_key,
    )
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=payment.order_id)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.status != PaymentState.REFUND_PENDING:  # the provider's webhook was first
            return True
        payment.status, payment.refunded_at = PaymentState.REFUNDED, timezone.now()
        payment.provider_refund_id = refund_id[:255]
        payment.save(update_fields=["status", "refunded_at", "provider_refund_id", "updated_at"])
        order_payment_refunded(
            order=order,
            amount=payment.amount,
            currency=payment.currency,
            reason="the order could not take the payment",
            provider=payment.provider,
        )
    return True
