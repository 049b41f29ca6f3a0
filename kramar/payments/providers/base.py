"""What Kramar asks of a payment provider, and what it gets back, whoever the provider is.

A provider starts a payment (we send it to the provider's page), tells us what happened through
signed webhooks, and refunds. Amounts cross this boundary in minor units (kopiykas) as integers,
as every card processor counts them; our own models keep ``Decimal`` money.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from kramar.core.money import quantize


class EventType(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REFUNDED = "refunded"


@dataclass(frozen=True)
class PaymentRequest:
    """Everything a provider needs to open its payment page for one of our payments."""

    payment_id: int
    order_number: str
    amount: int  # minor units
    currency: str  # ISO 4217, upper case
    idempotency_key: str
    success_url: str
    cancel_url: str
    description: str
    customer_email: str = ""
    # When the provider's page should stop taking the payment (fixed per payment, so that a
    # retried start sends exactly the same parameters with the same idempotency key).
    expires_at: datetime | None = None


@dataclass(frozen=True)
class StartedPayment:
    provider_payment_id: str
    redirect_url: str


@dataclass(frozen=True)
class ProviderEvent:
    """A verified webhook, in our words. ``type`` is None for events we do not act on."""

    event_id: str
    type: EventType | None
    provider_type: str
    provider_payment_id: str = ""
    amount: int = 0  # minor units
    currency: str = ""
    created: datetime | None = None
    # Our payment's id as we gave it to the provider (metadata), when the event carries it.
    reference: str = ""
    # What a refund needs when it is not the payment id (Stripe: the PaymentIntent).
    provider_reference: str = ""
    failure_reason: str = ""


class WebhookRejected(Exception):
    """The webhook is not signed by the provider, too old, or not what the provider sends."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ProviderError(Exception):
    """The provider could not be reached or refused a call; the call may be tried again."""


class PaymentProvider(Protocol):
    name: str
    # The request header that carries the webhook's signature (kept with the stored event).
    signature_header: str

    def start(self, request: PaymentRequest) -> StartedPayment:
        """Open a payment on the provider's side; the same idempotency key gives the same one."""
        ...

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        """Verify the signature over the raw body and return the event, or raise
        :class:`WebhookRejected`."""
        ...

    def refund(
        self,
        *,
        provider_payment_id: str,
        provider_reference: str,
        amount: int,
        currency: str,
        idempotency_key: str,
    ) -> str:
        """Return the whole amount; return the provider's refund id. The same key, one refund."""
        ...


def to_minor(amount: Decimal) -> int:
    """Return a two-decimal currency amount in minor units (1234.50 UAH -> 123450)."""
    return int(quantize(amount) * 100)


def from_minor(amount: int) -> Decimal:
    return quantize(Decimal(amount) / 100)


# --- Signatures in Stripe's scheme: "t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">" --------


def signature_header(body: bytes, secret: str, timestamp: int | None = None) -> str:
    """Return the signature header value for a body, as Stripe signs its webhooks."""
    stamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256)
    return f"t={stamp},v1={mac.hexdigest()}"


def signature_verify(body: bytes, header: str, secret: str, *, tolerance: int) -> None:
    """Check a Stripe-scheme signature header over the raw body, or raise WebhookRejected."""
    if not header:
        raise WebhookRejected("no signature header")
    parts = [item.split("=", 1) for item in header.split(",")]
    stamps = [value for key, value in (p for p in parts if len(p) == 2) if key.strip() == "t"]
    signatures = [v for k, v in (p for p in parts if len(p) == 2) if k.strip() == "v1"]
    if len(stamps) != 1 or not stamps[0].strip().isdigit() or not signatures:
        raise WebhookRejected("the signature header is malformed")
    stamp = int(stamps[0])
    expected = signature_header(body, secret, stamp).rsplit("v1=", 1)[1]
    if not any(hmac.compare_digest(expected, given.strip()) for given in signatures):
        raise WebhookRejected("the signature does not match the body")
    if abs(time.time() - stamp) > tolerance:
        raise WebhookRejected("the signature is too old")
