"""The webhook endpoint (issue 3, item 6): stored first, verified, applied once, in any order.

Each event is signed as the sandbox signs it (Stripe's scheme) and posted to
``/payments/webhooks/sandbox/`` as the sandbox's delivery would be.
"""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client as Browser
from django.utils import timezone

from kramar.accounts.enums import Role
from kramar.catalog.models import Stock
from kramar.orders.enums import OrderStatus, PaymentStatus
from kramar.orders.models import OrderEvent
from kramar.orders.services import order_advance, order_reservation_expire
from kramar.payments.enums import WEBHOOK_MAX_BYTES, PaymentState, WebhookOutcome
from kramar.payments.models import Payment, SandboxRefund, WebhookEvent
from kramar.payments.tests.support import (
    card_order,
    post_webhook,
    queued,
    run_tasks,
    sandbox_body,
    started,
)

pytestmark = pytest.mark.django_db


def _snapshot(order):
    """What a webhook must not change when it is refused."""
    order.refresh_from_db()
    return (
        order.status,
        order.payment_status,
        order.paid_at,
        list(Payment.objects.values_list("status", flat=True)),
        list(Stock.objects.values_list("allocated", flat=True)),
        order.events.count(),
    )


def _pending_card_order(**kwargs):
    order = card_order(**kwargs)
    return order, started(order)


def _expire(order):
    assert order_reservation_expire(order=order, now=timezone.now() + timedelta(minutes=16))


# --- Refused or ignored: nothing changes -------------------------------------------------------


def test_a_webhook_with_a_bad_signature_is_400_stored_as_rejected_and_changes_nothing():
    order, payment = _pending_card_order()
    before = _snapshot(order)
    body = sandbox_body(payment)
    response = post_webhook(body, secret="whsec_someone_else")
    assert response.status_code == 400
    assert _snapshot(order) == before
    event = WebhookEvent.objects.get()
    assert event.outcome == WebhookOutcome.REJECTED and "signature" in event.error
    assert bytes(event.body) == body  # kept exactly as it came
    assert event.processed_at is not None


def test_a_body_changed_after_signing_is_rejected():
    order, payment = _pending_card_order()
    body = sandbox_body(payment)
    before = _snapshot(order)
    signed_for = body.replace(b'"payment.succeeded"', b'"payment.failed"')
    from django.conf import settings

    from kramar.payments.providers.base import signature_header

    response = Browser().post(
        "/payments/webhooks/sandbox/",
        data=signed_for,
        content_type="application/json",
        headers={
            "Kramar-Sandbox-Signature": signature_header(body, settings.SANDBOX_WEBHOOK_SECRET)
        },
    )
    assert response.status_code == 400
    assert _snapshot(order) == before


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Kramar-Sandbox-Signature": "garbage"},
        {"Kramar-Sandbox-Signature": "t=abc,v1=00"},
        {"Kramar-Sandbox-Signature": "t=1700000000"},
    ],
)
def test_a_missing_or_malformed_signature_header_is_400(headers):
    order, payment = _pending_card_order()
    before = _snapshot(order)
    response = Browser().post(
        "/payments/webhooks/sandbox/",
        data=sandbox_body(payment),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 400
    assert _snapshot(order) == before


def test_an_old_signature_is_rejected_so_a_captured_webhook_cannot_be_replayed_later():
    order, payment = _pending_card_order()
    before = _snapshot(order)
    stale = int((timezone.now() - timedelta(minutes=10)).timestamp())
    assert post_webhook(sandbox_body(payment), timestamp=stale).status_code == 400
    assert _snapshot(order) == before


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[]",
        b'"a string"',
        b"\xff\xfe\x00binary",
        json.dumps({"id": "evt_1", "type": "payment.succeeded"}).encode(),
        json.dumps(
            {
                "id": "evt_1",
                "type": "payment.succeeded",
                "created": 1,
                "data": {"object": {"id": "sbx_1", "amount": "12.00", "currency": "UAH"}},
            }
        ).encode(),
        json.dumps(
            {
                "id": "",
                "type": "payment.succeeded",
                "created": 1,
                "data": {"object": {"id": "sbx_1", "amount": 1, "currency": "UAH"}},
            }
        ).encode(),
    ],
)
def test_a_signed_but_malformed_body_is_400_and_changes_nothing(body):
    order, _payment = _pending_card_order()
    before = _snapshot(order)
    response = post_webhook(body)
    assert response.status_code == 400
    assert _snapshot(order) == before
    assert WebhookEvent.objects.get().outcome == WebhookOutcome.REJECTED


def test_a_huge_body_is_refused_unread_with_413():
    order, _payment = _pending_card_order()
    before = _snapshot(order)
    body = b'{"padding": "' + b"x" * (WEBHOOK_MAX_BYTES + 10) + b'"}'
    response = post_webhook(body)
    assert response.status_code == 413
    assert _snapshot(order) == before
    event = WebhookEvent.objects.get()
    assert event.outcome == WebhookOutcome.REJECTED and bytes(event.body) == b""


def test_a_webhook_for_an_unknown_payment_is_recorded_and_changes_nothing():
    order, payment = _pending_card_order()
    before = _snapshot(order)
    body = json.loads(sandbox_body(payment, payment_id="sbx_not_ours"))
    body["data"]["object"]["reference"] = "999999"
    response = post_webhook(json.dumps(body).encode())
    assert response.status_code == 200 and response.json()["outcome"] == "ignored"
    assert _snapshot(order) == before
    assert WebhookEvent.objects.get().error == "unknown payment"


def test_an_event_we_do_not_act_on_is_acknowledged_and_ignored():
    order, payment = _pending_card_order()
    before = _snapshot(order)
    response = post_webhook(sandbox_body(payment, kind="payment.disputed"))
    assert response.status_code == 200 and response.json()["outcome"] == "ignored"
    assert _snapshot(order) == before


def test_the_endpoint_takes_webhooks_without_a_csrf_token():
    _order, payment = _pending_card_order()
    from django.conf import settings

    from kramar.payments.providers.base import signature_header

    body = sandbox_body(payment)
    response = Browser(enforce_csrf_checks=True).post(
        "/payments/webhooks/sandbox/",
        data=body,
        content_type="application/json",
        headers={
            "Kramar-Sandbox-Signature": signature_header(body, settings.SANDBOX_WEBHOOK_SECRET)
        },
    )
    assert response.status_code == 200


def test_another_providers_endpoint_is_404_while_the_shop_uses_the_sandbox():
    _order, payment = _pending_card_order()
    assert post_webhook(sandbox_body(payment), provider="stripe").status_code == 404
    assert post_webhook(sandbox_body(payment), provider="paypal").status_code == 404
    assert Browser().get("/payments/webhooks/sandbox/").status_code == 405
    assert not WebhookEvent.objects.exists()


# --- Amount and currency ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change", [{"amount": 100}, {"amount": 0}, {"currency": "USD"}, {"currency": "uah "}]
)
def test_a_payment_of_another_amount_or_currency_is_a_recorded_failure_never_paid(change):
    order, payment = _pending_card_order()
    response = post_webhook(sandbox_body(payment, **change))
    assert response.status_code == 200
    assert response.json()["outcome"] == "failure_recorded"
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.payment_status == PaymentStatus.AWAITING and order.paid_at is None
    assert payment.status == PaymentState.FAILED
    assert payment.failure_reason.startswith("amount_mismatch")
    failed = order.events.get(kind="payment_failed")
    assert failed.details["reason"] == "amount_mismatch"
    assert failed.details["expected"] == {"amount": str(order.total), "currency": "UAH"}
    assert not order.events.filter(kind="paid").exists()


# --- Idempotency ----------------------------------------------------------------------------------


def test_the_same_event_delivered_twice_is_applied_once(django_capture_on_commit_callbacks):
    order, payment = _pending_card_order()
    body = sandbox_body(payment)
    with django_capture_on_commit_callbacks(execute=True):
        first = post_webhook(body)
        second = post_webhook(body)
    assert (first.status_code, second.status_code) == (200, 200)
    assert (first.json()["outcome"], second.json()["outcome"]) == ("applied", "duplicate")
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PAID
    assert order.events.filter(kind="paid").count() == 1
    assert queued("order_email").count([order.pk, "paid"]) == 1
    outcomes = sorted(WebhookEvent.objects.values_list("outcome", flat=True))
    assert outcomes == ["applied", "duplicate"]


def test_a_second_success_event_for_a_paid_payment_changes_nothing():
    order, payment = _pending_card_order()
    post_webhook(sandbox_body(payment))
    response = post_webhook(sandbox_body(payment))  # a new event id, same news
    assert response.json()["outcome"] == "no_change"
    assert order.events.filter(kind="paid").count() == 1


# --- Out of order ---------------------------------------------------------------------------------


def test_a_failure_arriving_after_the_success_changes_nothing():
    order, payment = _pending_card_order()
    post_webhook(sandbox_body(payment))
    response = post_webhook(sandbox_body(payment, kind="payment.failed"))
    assert response.json()["outcome"] == "no_change"
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PAID
    assert Stock.objects.get().allocated == 2


def test_a_refund_after_the_success_cancels_the_order_and_returns_the_goods(
    django_capture_on_commit_callbacks,
):
    order, payment = _pending_card_order()
    post_webhook(sandbox_body(payment))
    with django_capture_on_commit_callbacks(execute=True):
        response = post_webhook(sandbox_body(payment, kind="payment.refunded"))
    assert response.json()["outcome"] == "applied"
    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.status, order.payment_status) == (OrderStatus.CANCELLED, PaymentStatus.REFUNDED)
    assert payment.status == PaymentState.REFUNDED
    assert Stock.objects.get().allocated == 0
    assert queued("order_email")[-1] == [order.pk, "refunded"]


def test_a_partial_refund_is_recorded_and_the_order_stays_paid():
    order, payment = _pending_card_order()
    post_webhook(sandbox_body(payment))
    post_webhook(sandbox_body(payment, kind="payment.refunded", amount=10000))
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PAID
    assert order.events.get(kind="refunded").details["partial"] is True


def test_a_success_arriving_after_the_refund_changes_nothing():
    order, payment = _pending_card_order()
    post_webhook(sandbox_body(payment, kind="payment.refunded"))
    order.refresh_from_db()
    assert (order.status, order.payment_status) == (OrderStatus.CANCELLED, PaymentStatus.REFUNDED)
    response = post_webhook(sandbox_body(payment))
    assert response.json()["outcome"] == "no_change"
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.REFUNDED
    assert Stock.objects.get().allocated == 0


def test_a_success_after_expiry_allocates_the_goods_again_when_they_are_there():
    order, payment = _pending_card_order(stock=5, quantity=2)
    _expire(order)
    assert Stock.objects.get().allocated == 0
    response = post_webhook(sandbox_body(payment))
    assert response.json() == {"outcome": "applied", "detail": "revived"}
    order.refresh_from_db()
    assert (order.status, order.payment_status) == (OrderStatus.NEW, PaymentStatus.PAID)
    assert Stock.objects.get().allocated == 2
    assert order.lines.get().allocations.get().quantity == 2
    assert order.events.get(kind="paid").details["allocated_again"] is True
    assert not SandboxRefund.objects.exists()


def test_a_success_after_a_reported_failure_is_taken_like_a_late_one():
    order, payment = _pending_card_order(stock=5, quantity=2)
    post_webhook(sandbox_body(payment, kind="payment.failed"))
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.FAILED
    post_webhook(sandbox_body(payment))
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PAID and Stock.objects.get().allocated == 2


def _sell_out(order):
    Stock.objects.update(quantity=0)  # sold to others (and shipped) while the buyer was paying


def test_a_success_after_expiry_with_the_goods_gone_is_refunded_once_even_if_delivered_twice(
    django_capture_on_commit_callbacks,
):
    order, payment = _pending_card_order(stock=2, quantity=2)
    # The buyer pays on the provider's page while the reservation runs out and others buy.
    from kramar.payments.models import SandboxCharge
    from kramar.payments.providers.sandbox import sandbox_charge_pay

    with django_capture_on_commit_callbacks(execute=True):
        sandbox_charge_pay(charge=SandboxCharge.objects.get(), card_number="4242424242424242")
    _expire(order)
    _sell_out(order)
    body = sandbox_body(payment)
    with django_capture_on_commit_callbacks(execute=True):
        first = post_webhook(body)
        again = post_webhook(body)  # the provider delivers it twice
        other = post_webhook(sandbox_body(payment))  # and once more under another event id
    assert [r.json()["outcome"] for r in (first, again, other)] == [
        "applied", "duplicate", "no_change",
    ]  # fmt: skip
    payment.refresh_from_db()
    assert payment.status == PaymentState.REFUND_PENDING
    assert queued("payment_refund") == [[payment.pk]]

    with django_capture_on_commit_callbacks(execute=True):
        run_tasks()  # the refund, the sandbox's "refunded" webhook, the e-mails
    with django_capture_on_commit_callbacks(execute=True):
        run_tasks()
    refund = SandboxRefund.objects.get()
    assert refund.amount == 300000 and refund.idempotency_key == payment.refund_idempotency_key
    payment.refresh_from_db()
    order.refresh_from_db()
    assert (
        payment.status == PaymentState.REFUNDED and payment.provider_refund_id == refund.public_id
    )
    assert (order.status, order.payment_status) == (OrderStatus.CANCELLED, PaymentStatus.REFUNDED)
    assert order.events.filter(kind="refunded").count() == 1
    assert order.events.get(kind="note").details["reason"] == "out_of_stock"
    assert not order.events.filter(kind="paid").exists()
    assert any("refund" in m.body.lower() or order.number in m.subject for m in mail.outbox)
    assert OrderEvent.objects.filter(order=order, kind="email_sent", details__email="refunded")

    # A retry of the refund task (a second worker, a redelivery) refunds nothing more.
    from kramar.payments.tasks import payment_refund

    assert payment_refund.call(payment.pk) == "refunded"
    assert SandboxRefund.objects.count() == 1


def test_a_success_for_an_order_the_shop_cancelled_is_refunded(make_staff):
    order, payment = _pending_card_order(stock=5)
    order_advance(actor=make_staff(Role.SHOP_MANAGER), order=order, status="cancelled")
    post_webhook(sandbox_body(payment))
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == PaymentState.REFUND_PENDING
    assert order.status == OrderStatus.CANCELLED and Stock.objects.get().allocated == 0
    assert order.events.get(kind="note").details["reason"] == "order_closed"
