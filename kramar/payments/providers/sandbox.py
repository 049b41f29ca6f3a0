"""The sandbox: a pretend card processor inside Kramar, for ``make run`` and the tests.

It follows the same flow as Stripe: the shop sends the buyer to the sandbox's card page
(``/payments/sandbox/<payment id>/``); paying there records the outcome in the sandbox's own
tables, queues a webhook and sends the buyer back to the shop. The webhook is signed like
Stripe's (``Kramar-Sandbox-Signature: t=<time>,v1=<HMAC-SHA256 of "<time>.<body>">`` with
``SANDBOX_WEBHOOK_SECRET``) and delivered by a background task, signed afresh at each attempt
as Stripe does, into the same service that the webhook endpoint calls with a request's raw body
and headers (see ``kramar.payments.tasks.sandbox_webhook_deliver``).

Test cards: 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from kramar.payments.enums import WEBHOOK_TOLERANCE, SandboxChargeState
from kramar.payments.models import SandboxCharge, SandboxRefund
from kramar.payments.providers.base import (
    EventType,
    PaymentRequest,
    ProviderError,
    ProviderEvent,
    StartedPayment,
    WebhookRejected,
    signature_verify,
)

SIGNATURE_HEADER = "Kramar-Sandbox-Signature"
CARD_SUCCEEDS = "4242424242424242"
CARD_DECLINED = "4000000000000002"
TEST_CARDS = {
    CARD_SUCCEEDS: SandboxChargeState.SUCCEEDED,
    CARD_DECLINED: SandboxChargeState.DECLINED,
}
EVENT_TYPES = {
    "payment.succeeded": EventType.SUCCEEDED,
    "payment.failed": EventType.FAILED,
    "payment.refunded": EventType.REFUNDED,
}


class SandboxProvider:
    name = "sandbox"
    signature_header = SIGNATURE_HEADER

    def __init__(self, *, webhook_secret: str) -> None:
        self.webhook_secret = webhook_secret

    def start(self, request: PaymentRequest) -> StartedPayment:
        charge = SandboxCharge.objects.filter(idempotency_key=request.idempotency_key).first()
        if charge is None:
            try:
                charge = SandboxCharge.objects.create(
                    public_id=f"sbx_{secrets.token_hex(12)}",
                    idempotency_key=request.idempotency_key,
                    amount=request.amount,
                    currency=request.currency,
                    description=request.description[:200],
                    reference=str(request.payment_id),
                    success_url=request.success_url,
                    cancel_url=request.cancel_url,
                    expires_at=request.expires_at,
                )
            except IntegrityError:  # the same start raced us; the key decides, as at Stripe
                charge = SandboxCharge.objects.get(idempotency_key=request.idempotency_key)
        return StartedPayment(
            provider_payment_id=charge.public_id,
            redirect_url=reverse("payments:sandbox-card", args=[charge.public_id]),
        )

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        signature_verify(
            body,
            headers.get(SIGNATURE_HEADER, ""),
            self.webhook_secret,
            tolerance=int(WEBHOOK_TOLERANCE.total_seconds()),
        )
        try:
            payload = json.loads(body)
            obj = payload["data"]["object"]
            return ProviderEvent(
                event_id=_text(payload["id"]),
                type=EVENT_TYPES.get(payload["type"]),
                provider_type=_text(payload["type"]),
                provider_payment_id=_text(obj["id"]),
                amount=_whole(obj["amount"]),
                currency=_text(obj["currency"]).upper(),
                created=datetime.fromtimestamp(_whole(payload["created"]), tz=UTC),
                reference=_text(obj.get("reference", "")),
                failure_reason=_text(obj.get("failure_reason", "")),
            )
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError, OSError):
            raise WebhookRejected("the body is not a sandbox event") from None

    def refund(
        self,
        *,
        provider_payment_id: str,
        provider_reference: str,
        amount: int,
        currency: str,
        idempotency_key: str,
    ) -> str:
        with transaction.atomic():
            charge = (
                SandboxCharge.objects.select_for_update()
                .filter(public_id=provider_payment_id)
                .first()
            )
            if charge is None or charge.status not in {
                SandboxChargeState.SUCCEEDED, SandboxChargeState.REFUNDED,
            }:  # fmt: skip
                raise ProviderError("the sandbox has no successful charge to refund")
            done = charge.refunds.filter(idempotency_key=idempotency_key).first()
            if done is not None:
                return done.public_id
            if amount > charge.amount - sum(r.amount for r in charge.refunds.all()):
                raise ProviderError("the sandbox cannot refund more than was charged")
            refund = SandboxRefund.objects.create(
                charge=charge,
                public_id=f"re_sbx_{secrets.token_hex(12)}",
                idempotency_key=idempotency_key,
                amount=amount,
            )
            charge.status = SandboxChargeState.REFUNDED
            charge.save(update_fields=["status", "updated_at"])
            total = sum(r.amount for r in charge.refunds.all())
            sandbox_event_send(charge=charge, kind="payment.refunded", amount=total)
        return refund.public_id


def _text(value: object) -> str:
    if not isinstance(value, str) or len(value) > 255:
        raise TypeError("expected a short string")
    return value


def _whole(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise TypeError("expected a whole number")
    return value


# --- The sandbox's own side: its card page and its webhooks --------------------------------------


def sandbox_charge_pay(*, charge: SandboxCharge, card_number: str) -> str:
    """Take (or decline) the payment with a test card, queue the webhook, return where the buyer
    goes next. Paying an already decided charge again changes nothing and sends nothing."""
    with transaction.atomic():
        charge = SandboxCharge.objects.select_for_update().get(pk=charge.pk)
        if charge.status == SandboxChargeState.OPEN:
            charge.status = TEST_CARDS[card_number]
            charge.card_last4 = card_number[-4:]
            charge.save(update_fields=["status", "card_last4", "updated_at"])
            if charge.status == SandboxChargeState.SUCCEEDED:
                sandbox_event_send(charge=charge, kind="payment.succeeded", amount=charge.amount)
            else:
                sandbox_event_send(
                    charge=charge,
                    kind="payment.failed",
                    amount=charge.amount,
                    failure_reason="card_declined",
                )
    return charge.success_url


def sandbox_charge_is_open(charge: SandboxCharge, *, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return charge.status == SandboxChargeState.OPEN and (
        charge.expires_at is None or charge.expires_at > now
    )


def sandbox_event_send(
    *, charge: SandboxCharge, kind: str, amount: int, failure_reason: str = ""
) -> str:
    """Queue one webhook about the charge (after the caller's transaction commits)."""
    from kramar.payments.tasks import sandbox_webhook_deliver

    event = {
        "id": f"evt_sbx_{secrets.token_hex(12)}",
        "object": "event",
        "type": kind,
        "created": int(timezone.now().timestamp()),
        "data": {
            "object": {
                "id": charge.public_id,
                "amount": amount,
                "currency": charge.currency,
                "reference": charge.reference,
                "failure_reason": failure_reason,
            }
        },
    }
    body = json.dumps(event, separators=(",", ":"))
    transaction.on_commit(lambda: sandbox_webhook_deliver.enqueue(body))
    return str(event["id"])
