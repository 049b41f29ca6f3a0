"""The buyer's card payment end to end, through the pages (issue 3, item 6): checkout, the
sandbox's card page, the webhook the sandbox sends from the background, the order page."""

import uuid

import pytest
from django.core import mail
from django.test import Client as Browser

from kramar.catalog.models import Stock
from kramar.catalog.tests.factories import first_variant, make_product
from kramar.clients.enums import TimelineKind
from kramar.clients.models import Region
from kramar.orders.enums import OrderStatus, PaymentStatus
from kramar.orders.models import DeliveryMethod, Order
from kramar.payments.enums import PaymentState, SandboxChargeState, WebhookOutcome
from kramar.payments.models import Payment, SandboxCharge, WebhookEvent
from kramar.payments.tests.support import CARD_DECLINED, CARD_OK, queued, run_tasks

pytestmark = pytest.mark.django_db


def _checkout_by_card(variant, quantity=2):
    browser = Browser()
    browser.post("/cart/add/", {"variant_id": variant.pk, "quantity": quantity})
    response = browser.post(
        "/checkout/",
        {
            "checkout_key": uuid.uuid4().hex,
            "full_name": "Леся Українка",
            "email": "lesia@example.test",
            "phone": "+380 67 765 43 21",
            "delivery_method": DeliveryMethod.objects.get(code="post").pk,
            "region": Region.objects.get(code="volyn").pk,
            "city": "Луцьк",
            "post_branch": "3",
            "payment_method": "card",
        },
    )
    return browser, response


def _card(number, expiry="12/39", cvc="123"):
    return {"number": number, "expiry": expiry, "cvc": cvc}


def test_a_buyer_pays_by_card_in_the_sandbox_and_the_order_is_paid(
    django_capture_on_commit_callbacks,
):
    variant = first_variant(make_product("Ковдра Полісся", price="1200.00", stock=4))
    with django_capture_on_commit_callbacks(execute=True):
        browser, response = _checkout_by_card(variant)
    order = Order.objects.get()
    payment = Payment.objects.get()
    charge = SandboxCharge.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/payments/sandbox/{charge.public_id}/"
    assert (payment.status, payment.amount, payment.provider_payment_id) == (
        PaymentState.PENDING, order.total, charge.public_id,
    )  # fmt: skip
    assert charge.amount == 240000 and charge.currency == "UAH"

    page = browser.get(response["Location"])
    assert page.status_code == 200 and "2400,00 UAH" in page.content.decode()  # Ukrainian
    with django_capture_on_commit_callbacks(execute=True):
        paid = browser.post(response["Location"], _card(CARD_OK))
    assert paid.status_code == 302
    assert paid["Location"].endswith(f"/orders/{order.token}/?payment=return")
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.AWAITING  # the webhook has not come yet

    waiting = browser.get(f"/orders/{order.token}/?payment=return").content.decode()
    assert 'data-testid="payment-result"' in waiting and 'hx-trigger="every 2s"' in waiting

    with django_capture_on_commit_callbacks(execute=True):
        ran = dict(run_tasks())
    assert ran["sandbox_webhook_deliver"] == "200 applied"
    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.status, order.payment_status) == (OrderStatus.NEW, PaymentStatus.PAID)
    assert order.paid_at is not None
    assert payment.status == PaymentState.SUCCEEDED
    assert order.events.filter(kind="paid").count() == 1
    assert order.client.timeline.filter(kind=TimelineKind.PAYMENT).count() == 1
    assert Stock.objects.get(variant=variant).allocated == 2
    event = WebhookEvent.objects.get()
    assert (event.outcome, event.payment) == (WebhookOutcome.APPLIED, payment)
    assert "kramar-sandbox-signature" in event.headers

    # The "paid" e-mail went out with the next run of the worker.
    with django_capture_on_commit_callbacks(execute=True):
        run_tasks()
    subjects = [message.subject for message in mail.outbox]
    assert len(subjects) == 2 and all(order.number in s for s in subjects)  # placed, paid
    html = browser.get(f"/orders/{order.token}/?payment=return").content.decode()
    assert 'hx-trigger="every 2s"' not in html and 'data-testid="pay-now"' not in html


def test_a_declined_card_cancels_the_order_and_releases_the_goods_at_once(
    django_capture_on_commit_callbacks,
):
    variant = first_variant(make_product(stock=3))
    with django_capture_on_commit_callbacks(execute=True):
        browser, response = _checkout_by_card(variant)
    assert Stock.objects.get(variant=variant).allocated == 2
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(response["Location"], _card(CARD_DECLINED))
    run_tasks()
    order = Order.objects.get()
    assert (order.status, order.payment_status) == (OrderStatus.CANCELLED, PaymentStatus.FAILED)
    assert Payment.objects.get().status == PaymentState.FAILED
    assert Stock.objects.get(variant=variant).allocated == 0
    assert order.events.filter(kind="payment_failed").count() == 1
    html = browser.get(f"/orders/{order.token}/").content.decode()
    assert 'data-testid="pay-now"' not in html and 'role="alert"' in html


def test_pressing_pay_twice_reuses_the_one_payment_and_its_page(
    django_capture_on_commit_callbacks,
):
    variant = first_variant(make_product(stock=3))
    with django_capture_on_commit_callbacks(execute=True):
        browser, first = _checkout_by_card(variant)
    order = Order.objects.get()
    again = browser.post(f"/payments/orders/{order.token}/pay/")
    once_more = Browser().post(f"/payments/orders/{order.token}/pay/")  # another tab, no session
    assert first["Location"] == again["Location"] == once_more["Location"]
    assert Payment.objects.count() == 1 and SandboxCharge.objects.count() == 1
    assert len(set(Payment.objects.values_list("idempotency_key", flat=True))) == 1


def test_paying_twice_on_the_sandbox_page_sends_one_webhook(django_capture_on_commit_callbacks):
    variant = first_variant(make_product(stock=3))
    with django_capture_on_commit_callbacks(execute=True):
        browser, response = _checkout_by_card(variant)
    with django_capture_on_commit_callbacks(execute=True):
        first = browser.post(response["Location"], _card(CARD_OK))
        second = browser.post(response["Location"], _card(CARD_OK))
    assert first["Location"] == second["Location"]
    assert len(queued("sandbox_webhook_deliver")) == 1
    assert SandboxCharge.objects.get().status == SandboxChargeState.SUCCEEDED


@pytest.mark.parametrize(
    "card",
    [
        _card("4111 1111 1111 1111"),  # a real-looking card the sandbox does not take
        _card("1234 5678"),
        _card(CARD_OK, expiry="01/20"),
        _card(CARD_OK, expiry="13/40"),
        _card(CARD_OK, cvc="12"),
    ],
)
def test_the_sandbox_card_page_refuses_what_is_not_a_valid_test_card(
    card, django_capture_on_commit_callbacks
):
    variant = first_variant(make_product(stock=3))
    with django_capture_on_commit_callbacks(execute=True):
        browser, response = _checkout_by_card(variant)
        refused = browser.post(response["Location"], card)
    assert refused.status_code == 400
    assert refused.context["form"].errors
    assert SandboxCharge.objects.get().status == SandboxChargeState.OPEN
    assert queued("sandbox_webhook_deliver") == []


def test_the_order_page_offers_pay_now_only_while_the_goods_are_held():
    from datetime import timedelta

    from django.utils import timezone

    from kramar.orders.services import order_reservation_expire
    from kramar.payments.tests.support import card_order

    order = card_order()
    html = Browser().get(f"/orders/{order.token}/").content.decode()
    assert 'data-testid="pay-now"' in html
    order_reservation_expire(order=order, now=timezone.now() + timedelta(minutes=16))
    html = Browser().get(f"/orders/{order.token}/").content.decode()
    assert 'data-testid="pay-now"' not in html
    refused = Browser().post(f"/payments/orders/{order.token}/pay/")
    assert refused.status_code == 302 and refused["Location"] == f"/orders/{order.token}/"
    assert not Payment.objects.exists()


def test_pay_now_for_an_unknown_order_is_404_and_a_get_is_refused():
    assert Browser().post(f"/payments/orders/{uuid.uuid4()}/pay/").status_code == 404
    assert Browser().post("/payments/orders/nonsense/pay/").status_code == 404
    assert Browser().get(f"/payments/orders/{uuid.uuid4()}/pay/").status_code == 405


def test_an_unknown_sandbox_page_is_404():
    assert Browser().get("/payments/sandbox/sbx_nothing/").status_code == 404
