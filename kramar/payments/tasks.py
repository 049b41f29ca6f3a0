"""Background work of payments: refunds that are due, and the sandbox's webhook deliveries."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from kramar.core.errors import NotFoundError
from kramar.payments.enums import REFUND_ATTEMPTS
from kramar.payments.models import Payment
from kramar.payments.providers.base import ProviderError, signature_header
from kramar.payments.providers.sandbox import SIGNATURE_HEADER

logger = logging.getLogger(__name__)

# The sandbox tries a webhook this many times, further apart each time, as Stripe does.
DELIVERY_ATTEMPTS = 5


@task
def payment_refund(payment_id: int, attempt: int = 1) -> str:
    """Refund a payment the order could not take; on a provider failure, try again later."""
    from kramar.payments.services import payment_refund_due

    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is None:
        return "no payment"
    try:
        done = payment_refund_due(payment=payment)
    except ProviderError as error:
        if attempt >= REFUND_ATTEMPTS:
            logger.error("payment %s: the refund failed %d times: %s", payment_id, attempt, error)
            return "gave up"
        later = timezone.now() + timedelta(minutes=2**attempt)
        payment_refund.using(run_after=later).enqueue(payment_id, attempt + 1)
        return "will retry"
    return "refunded" if done else "nothing to refund"


@task
def sandbox_webhook_deliver(body: str, attempt: int = 1) -> str:
    """Deliver one sandbox webhook the way an HTTP request carries it: the raw body and a
    signature header made now, into the service behind ``POST /payments/webhooks/sandbox/``.

    A delivery that fails as a 5xx would is tried again later; 4xx answers are final (the
    stored event says why).
    """
    from kramar.payments.services import webhook_receive

    raw = body.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Kramar-Sandbox/1.0",
        SIGNATURE_HEADER: signature_header(raw, settings.SANDBOX_WEBHOOK_SECRET),
    }
    try:
        answer = webhook_receive(provider="sandbox", body=raw, headers=headers)
    except NotFoundError:
        return "the shop takes no sandbox webhooks"
    except Exception:
        if attempt >= DELIVERY_ATTEMPTS:
            raise
        logger.exception("sandbox webhook delivery %d failed; trying again", attempt)
        later = timezone.now() + timedelta(seconds=30 * 2**attempt)
        sandbox_webhook_deliver.using(run_after=later).enqueue(body, attempt + 1)
        return "will retry"
    return f"{answer.status} {answer.outcome}"
