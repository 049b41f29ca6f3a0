"""Stripe, through its official library: Checkout Sessions, signed webhooks, refunds.

The buyer pays on Stripe's hosted Checkout page (no card data ever reaches Kramar, and the shop
needs no JavaScript of Stripe's). The events we act on:

- ``checkout.session.completed`` with ``payment_status`` "paid", and
  ``checkout.session.async_payment_succeeded``: succeeded;
- ``checkout.session.async_payment_failed`` and ``checkout.session.expired``: failed;
- ``charge.refunded``: refunded (the amount is the total refunded so far).

Every call that creates something carries our idempotency key, so a retried call returns what
the first one made. The library's base address is read from ``stripe.api_base`` when a call is
made, so that a local server speaking Stripe's API (stripe-mock, or a test's fake) can stand in.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import stripe

from kramar.payments.enums import WEBHOOK_TOLERANCE
from kramar.payments.providers.base import (
    EventType,
    PaymentRequest,
    ProviderError,
    ProviderEvent,
    StartedPayment,
    WebhookRejected,
)

METADATA_KEY = "kramar_payment_id"

SUCCEEDED = {"checkout.session.completed", "checkout.session.async_payment_succeeded"}
FAILED = {"checkout.session.async_payment_failed", "checkout.session.expired"}


class StripeProvider:
    name = "stripe"
    signature_header = "Stripe-Signature"

    def __init__(self, *, secret_key: str, webhook_secret: str) -> None:
        self.secret_key = secret_key
        self.webhook_secret = webhook_secret

    def _client(self) -> stripe.StripeClient:
        return stripe.StripeClient(
            self.secret_key, base_addresses={"api": stripe.api_base}, max_network_retries=2
        )

    def start(self, request: PaymentRequest) -> StartedPayment:
        metadata = {METADATA_KEY: str(request.payment_id), "kramar_order": request.order_number}
        params: dict[str, Any] = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": request.currency.lower(),
                        "unit_amount": request.amount,
                        "product_data": {"name": request.description},
                    },
                }
            ],
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
            "client_reference_id": str(request.payment_id),
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
        }
        if request.customer_email:
            params["customer_email"] = request.customer_email
        if request.expires_at is not None:
            params["expires_at"] = int(request.expires_at.timestamp())
        try:
            session = self._client().v1.checkout.sessions.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": request.idempotency_key},
            )
        except stripe.StripeError as error:
            raise ProviderError(f"Stripe refused the Checkout Session: {error}") from error
        if not session.url:
            raise ProviderError("Stripe returned a Checkout Session without a page")
        return StartedPayment(provider_payment_id=session.id, redirect_url=session.url)

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        header = headers.get(self.signature_header, "")
        try:
            stripe.Webhook.construct_event(
                body, header, self.webhook_secret, tolerance=int(WEBHOOK_TOLERANCE.total_seconds())
            )
            payload = json.loads(body)
        except stripe.SignatureVerificationError as error:
            raise WebhookRejected(f"bad signature: {error.user_message or error}") from None
        except (ValueError, TypeError, AttributeError, KeyError):
            raise WebhookRejected("the body is not a Stripe event") from None
        try:
            return _event(payload)
        except (TypeError, KeyError, ValueError, AttributeError):
            raise WebhookRejected("the event does not have the fields Stripe documents") from None

    def refund(
        self,
        *,
        provider_payment_id: str,
        provider_reference: str,
        amount: int,
        currency: str,
        idempotency_key: str,
    ) -> str:
        client = self._client()
        try:
            intent = provider_reference
            if not intent:
                session = client.v1.checkout.sessions.retrieve(provider_payment_id)
                intent = _id(session.payment_intent)
            if not intent:
                raise ProviderError("the Checkout Session has no PaymentIntent to refund")
            refund = client.v1.refunds.create(
                params={"payment_intent": intent, "amount": amount},
                options={"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as error:
            raise ProviderError(f"Stripe refused the refund: {error}") from error
        return str(refund.id)


def _id(value: object) -> str:
    """Return the id of a field that is an id or an expanded object."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return str(value.get("id") or "")
    found = getattr(value, "id", "")
    return str(found or "")


def _event(payload: dict[str, Any]) -> ProviderEvent:
    kind = str(payload["type"])
    obj = payload["data"]["object"]
    metadata = obj.get("metadata") or {}
    event = ProviderEvent(
        event_id=str(payload["id"]),
        type=None,
        provider_type=kind,
        created=datetime.fromtimestamp(int(payload["created"]), tz=UTC),
        reference=str(metadata.get(METADATA_KEY, "")),
        currency=str(obj.get("currency") or "").upper(),
        provider_reference=_id(obj.get("payment_intent")),
    )
    if kind in SUCCEEDED | FAILED:
        event = replace(event, provider_payment_id=str(obj["id"]))
        if kind == "checkout.session.completed" and obj.get("payment_status") != "paid":
            return event  # a delayed payment method: its own async event follows
        succeeded = kind in SUCCEEDED
        return replace(
            event,
            type=EventType.SUCCEEDED if succeeded else EventType.FAILED,
            amount=int(obj.get("amount_total") or 0),
            failure_reason="" if succeeded else kind.rsplit(".", 1)[-1],
        )
    if kind == "charge.refunded":
        return replace(event, type=EventType.REFUNDED, amount=int(obj["amount_refunded"]))
    return event
