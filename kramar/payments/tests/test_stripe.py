"""The Stripe adapter: webhooks signed exactly as Stripe documents them, and the outgoing calls
against a local server in Stripe's shapes (``fake_stripe``). No network."""

import hashlib
import hmac
import json
import time
from datetime import timedelta

import pytest
import stripe
from django.test import Client as Browser
from django.utils import timezone

from kramar.catalog.models import Stock
from kramar.orders.enums import PaymentStatus
from kramar.orders.services import order_reservation_expire
from kramar.payments.enums import PaymentState
from kramar.payments.models import Payment
from kramar.payments.providers.base import (
    EventType,
    PaymentRequest,
    ProviderError,
    WebhookRejected,
)
from kramar.payments.providers.stripe import StripeProvider
from kramar.payments.services import payment_start
from kramar.payments.tests.fake_stripe import FakeStripe
from kramar.payments.tests.support import card_order, queued, run_tasks

SECRET = "whsec_test_0123456789abcdef"
API_KEY = "sk_test_kramar"


def stripe_signature(payload: bytes, secret: str = SECRET, timestamp: int | None = None) -> str:
    """Sign as Stripe documents: v1 = hex HMAC-SHA256 of "<timestamp>.<payload>" with the
    endpoint's secret; the header is "t=<timestamp>,v1=<signature>"."""
    stamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{stamp}.".encode() + payload
    return f"t={stamp},v1={hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()}"


def stripe_event(kind: str, obj: dict, event_id: str = "evt_1PkramarTest") -> bytes:
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "api_version": "2024-06-20",
            "created": int(time.time()),
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": kind,
            "data": {"object": obj},
        }
    ).encode()


def session_object(**changes) -> dict:
    obj = {
        "id": "cs_test_a1b2c3",
        "object": "checkout.session",
        "amount_total": 300000,
        "currency": "uah",
        "mode": "payment",
        "payment_intent": "pi_3PkramarTest",
        "payment_status": "paid",
        "status": "complete",
        "client_reference_id": "17",
        "metadata": {"kramar_payment_id": "17", "kramar_order": "26-000017"},
    }
    obj.update(changes)
    return obj


def provider() -> StripeProvider:
    return StripeProvider(secret_key=API_KEY, webhook_secret=SECRET)


# --- Webhooks -------------------------------------------------------------------------------------


def test_a_completed_checkout_signed_as_stripe_documents_is_a_success():
    body = stripe_event("checkout.session.completed", session_object())
    event = provider().parse_webhook(body, {"Stripe-Signature": stripe_signature(body)})
    assert event.type == EventType.SUCCEEDED
    assert (event.event_id, event.provider_payment_id, event.amount, event.currency) == (
        "evt_1PkramarTest", "cs_test_a1b2c3", 300000, "UAH",
    )  # fmt: skip
    assert (event.reference, event.provider_reference) == ("17", "pi_3PkramarTest")
    assert event.created is not None


def test_any_of_several_signatures_may_match_while_the_secret_is_rolled():
    body = stripe_event("checkout.session.completed", session_object())
    good = stripe_signature(body)
    stamp, signature = good.split(",")
    header = f"{stamp},v1={'0' * 64},{signature}"
    assert provider().parse_webhook(body, {"Stripe-Signature": header}).type == EventType.SUCCEEDED


@pytest.mark.parametrize(
    "header",
    [
        "",
        "nonsense",
        "t=1700000000,v0=abc",
        "signed",  # replaced below by a signature made with another secret
        "stale",  # replaced below by one made ten minutes ago
    ],
)
def test_a_webhook_not_signed_by_stripe_now_is_rejected(header):
    body = stripe_event("checkout.session.completed", session_object())
    if header == "signed":
        header = stripe_signature(body, secret="whsec_someone_else")
    if header == "stale":
        header = stripe_signature(body, timestamp=int(time.time()) - 600)
    with pytest.raises(WebhookRejected):
        provider().parse_webhook(body, {"Stripe-Signature": header})


def test_a_body_changed_after_stripe_signed_it_is_rejected():
    body = stripe_event("checkout.session.completed", session_object())
    header = stripe_signature(body)
    with pytest.raises(WebhookRejected):
        provider().parse_webhook(body.replace(b"300000", b"100"), {"Stripe-Signature": header})


@pytest.mark.parametrize(
    ("kind", "changes", "expected"),
    [
        ("checkout.session.completed", {"payment_status": "unpaid"}, None),
        ("checkout.session.async_payment_succeeded", {}, EventType.SUCCEEDED),
        ("checkout.session.async_payment_failed", {"payment_status": "unpaid"}, EventType.FAILED),
        (
            "checkout.session.expired",
            {"status": "expired", "payment_status": "unpaid"},
            EventType.FAILED,
        ),
        ("customer.created", {}, None),
    ],
)
def test_stripe_event_types_map_to_ours(kind, changes, expected):
    body = stripe_event(kind, session_object(**changes))
    event = provider().parse_webhook(body, {"Stripe-Signature": stripe_signature(body)})
    assert event.type == expected and event.provider_type == kind


def test_a_refunded_charge_names_the_payment_intent_and_the_amount_refunded():
    charge = {
        "id": "ch_3PkramarTest",
        "object": "charge",
        "amount": 300000,
        "amount_refunded": 300000,
        "currency": "uah",
        "payment_intent": "pi_3PkramarTest",
        "refunded": True,
        "metadata": {},
    }
    body = stripe_event("charge.refunded", charge)
    event = provider().parse_webhook(body, {"Stripe-Signature": stripe_signature(body)})
    assert (event.type, event.amount, event.provider_reference) == (
        EventType.REFUNDED, 300000, "pi_3PkramarTest",
    )  # fmt: skip
    assert event.provider_payment_id == ""


@pytest.mark.parametrize(
    "body",
    [b"{", b"[]", json.dumps({"id": "evt_1", "object": "event", "type": "x"}).encode()],
)
def test_a_signed_body_that_is_not_a_stripe_event_is_rejected(body):
    with pytest.raises(WebhookRejected):
        provider().parse_webhook(body, {"Stripe-Signature": stripe_signature(body)})


# --- Outgoing calls, against a local server in Stripe's shapes ------------------------------------


@pytest.fixture
def fake_stripe(monkeypatch):
    with FakeStripe() as fake:
        monkeypatch.setattr(stripe, "api_base", fake.url)
        yield fake


def _request(**changes) -> PaymentRequest:
    fields = {
        "payment_id": 17,
        "order_number": "26-000017",
        "amount": 300000,
        "currency": "UAH",
        "idempotency_key": "kramar-test-1",
        "success_url": "https://shop.example.com/orders/t/?payment=return",
        "cancel_url": "https://shop.example.com/orders/t/?payment=cancelled",
        "description": "Замовлення 26-000017",
        "customer_email": "taras@example.test",
    }
    fields.update(changes)
    return PaymentRequest(**fields)


def test_a_checkout_session_is_created_with_our_key_amount_and_metadata(fake_stripe):
    started = provider().start(_request())
    assert started.provider_payment_id.startswith("cs_test_")
    assert started.redirect_url.startswith("https://checkout.stripe.com/")
    (call,) = fake_stripe.calls("POST", "/v1/checkout/sessions")
    assert call["headers"]["idempotency-key"] == "kramar-test-1"
    params = call["params"]
    assert params["line_items[0][price_data][unit_amount]"] == "300000"
    assert params["line_items[0][price_data][currency]"] == "uah"
    assert params["metadata[kramar_payment_id]"] == "17"
    assert params["payment_intent_data[metadata][kramar_payment_id]"] == "17"
    assert params["mode"] == "payment" and params["client_reference_id"] == "17"


def test_starting_again_with_the_same_key_gives_the_same_session(fake_stripe):
    first = provider().start(_request())
    again = provider().start(_request())
    assert first == again
    assert len(fake_stripe.sessions) == 1


def test_a_refusal_by_stripe_is_a_provider_error(fake_stripe):
    fake_stripe.fail_with = (400, {"error": {"type": "invalid_request_error", "message": "No"}})
    with pytest.raises(ProviderError):
        provider().start(_request())
    with pytest.raises(ProviderError):
        provider().refund(
            provider_payment_id="cs_test_1", provider_reference="pi_1", amount=1,
            currency="UAH", idempotency_key="k",
        )  # fmt: skip


def test_a_refund_names_the_payment_intent_and_carries_our_key(fake_stripe):
    refund_id = provider().refund(
        provider_payment_id="cs_test_1", provider_reference="pi_3PkramarTest", amount=300000,
        currency="UAH", idempotency_key="kramar-test-1-refund",
    )  # fmt: skip
    (call,) = fake_stripe.calls("POST", "/v1/refunds")
    assert call["params"] == {"payment_intent": "pi_3PkramarTest", "amount": "300000"}
    assert call["headers"]["idempotency-key"] == "kramar-test-1-refund"
    assert refund_id.startswith("re_test_")


# --- The whole flow with Stripe configured --------------------------------------------------------


@pytest.fixture
def on_stripe(settings, fake_stripe):
    settings.PAYMENT_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY = API_KEY
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    return fake_stripe


def _post(body: bytes):
    return Browser().post(
        "/payments/webhooks/stripe/",
        data=body,
        content_type="application/json",
        headers={"Stripe-Signature": stripe_signature(body)},
    )


@pytest.mark.django_db
def test_a_shop_on_stripe_is_paid_by_a_completed_checkout_webhook(on_stripe):
    order = card_order()
    payment = payment_start(order=order)
    assert payment_start(order=order) == payment  # a second click: no second session
    assert len(on_stripe.sessions) == 1
    session = on_stripe.sessions[payment.provider_payment_id]
    assert session["metadata"]["kramar_payment_id"] == str(payment.pk)
    body = stripe_event(
        "checkout.session.completed",
        session_object(id=session["id"], amount_total=int(order.total * 100),
                       metadata={"kramar_payment_id": str(payment.pk)}),
    )  # fmt: skip
    assert _post(body).json()["outcome"] == "applied"
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.payment_status == PaymentStatus.PAID
    assert payment.provider_reference == "pi_3PkramarTest"
    assert (
        Browser()
        .post("/payments/webhooks/sandbox/", data=b"{}", content_type="application/json")
        .status_code
        == 404
    )  # the sandbox's endpoint is closed on a Stripe shop


@pytest.mark.django_db
def test_a_retry_after_stripe_failed_to_answer_reuses_the_payment_and_its_key(on_stripe):
    from kramar.core.errors import ApplicationError

    order = card_order()
    on_stripe.fail_with = (400, {"error": {"type": "api_error", "message": "Try later"}})
    with pytest.raises(ApplicationError) as refused:
        payment_start(order=order)
    assert refused.value.status == 503
    on_stripe.fail_with = None
    payment = payment_start(order=order)
    assert payment.status == PaymentState.PENDING and Payment.objects.count() == 1
    keys = {
        c["headers"]["idempotency-key"] for c in on_stripe.calls("POST", "/v1/checkout/sessions")
    }
    assert keys == {payment.idempotency_key}
    assert len(on_stripe.sessions) == 1


@pytest.mark.django_db
def test_a_late_stripe_payment_for_sold_out_goods_is_refunded_once(
    on_stripe, django_capture_on_commit_callbacks
):
    order = card_order(stock=2, quantity=2)
    payment = payment_start(order=order)
    assert order_reservation_expire(order=order, now=timezone.now() + timedelta(minutes=16))
    Stock.objects.update(quantity=0)
    body = stripe_event(
        "checkout.session.completed",
        session_object(id=payment.provider_payment_id, amount_total=int(order.total * 100)),
    )
    with django_capture_on_commit_callbacks(execute=True):
        _post(body)
        _post(body)
    assert queued("payment_refund") == [[payment.pk]]
    with django_capture_on_commit_callbacks(execute=True):
        run_tasks()
    (call,) = on_stripe.calls("POST", "/v1/refunds")
    assert call["headers"]["idempotency-key"] == payment.refund_idempotency_key
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == PaymentState.REFUNDED
    assert order.payment_status == PaymentStatus.REFUNDED
    # Stripe's own charge.refunded comes afterwards and changes nothing.
    refunded = stripe_event(
        "charge.refunded",
        {"id": "ch_1", "object": "charge", "amount": 300000, "amount_refunded": 300000,
         "currency": "uah", "payment_intent": "pi_3PkramarTest", "metadata": {}},
        event_id="evt_refund",
    )  # fmt: skip
    assert _post(refunded).json()["outcome"] == "no_change"
    assert Payment.objects.count() == 1
