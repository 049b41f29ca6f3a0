"""Accepted returns of card orders go back to the card (issue 3, item 8): a partial refund at the
provider (the sandbox here, nothing faked), made by a retrying task with the return's own
idempotency key, so that a second run, a second worker or a crash never refunds twice."""

from decimal import Decimal

import pytest
from django.core import mail

from kramar.accounts.enums import Role
from kramar.catalog.tests.factories import make_warehouse
from kramar.core.errors import ApplicationError
from kramar.orders.enums import PaymentMethod, PaymentStatus
from kramar.payments.enums import PaymentState, SandboxChargeState
from kramar.payments.models import Payment, SandboxCharge, SandboxRefund
from kramar.payments.providers import provider_get
from kramar.payments.providers.base import to_minor
from kramar.payments.tests.support import post_webhook, queued, sandbox_body
from kramar.returns.enums import RefundMethod, ReturnStatus
from kramar.returns.services import return_accept, return_mark_refunded, return_request
from kramar.returns.tasks import return_refund
from kramar.returns.tests.support import delivered_order, goods, run_all_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(make_staff):
    return make_staff(Role.SHOP_MANAGER)


@pytest.fixture
def card_order(customer, shop):
    """A delivered card order paid in the sandbox: 3 lamps at 1200.00 (delivery free)."""
    return delivered_order(
        customer=customer, staff=shop, items=[(goods("1200.00"), 3)],
        payment_method=PaymentMethod.CARD,
    )  # fmt: skip


def _accepted(order, customer, shop, capture, units=1):
    made = return_request(
        user=customer, order=order, lines={order.lines.get().pk: units}, reason="defective"
    )
    with capture(execute=True):
        return return_accept(actor=shop, goods_return=made, warehouse=make_warehouse())


def test_an_accepted_card_return_is_refunded_to_the_card_once_even_if_the_task_runs_twice(
    card_order, customer, shop, django_capture_on_commit_callbacks
):
    accepted = _accepted(card_order, customer, shop, django_capture_on_commit_callbacks, units=2)
    payment = Payment.objects.get(order=card_order)
    assert (accepted.refund_method, accepted.payment, accepted.refund_amount) == (
        RefundMethod.CARD, payment, Decimal("2400.00"),
    )  # fmt: skip
    assert accepted.refund_key == f"{payment.idempotency_key}-return-{accepted.pk}"
    assert queued("return_refund") == [[accepted.pk]]

    with django_capture_on_commit_callbacks(execute=True):
        assert return_refund.call(accepted.pk) == "refunded"
        assert return_refund.call(accepted.pk) == "refunded"  # found it done
    ran = dict(run_all_tasks())  # the queued run, the sandbox's webhook, the e-mails
    assert ran["return_refund"] == "refunded"
    assert ran["sandbox_webhook_deliver"] == "200 applied"

    (refund,) = SandboxRefund.objects.all()
    assert (refund.amount, refund.idempotency_key) == (240000, accepted.refund_key)
    accepted.refresh_from_db()
    assert (accepted.status, accepted.provider_refund_id) == ("refunded", refund.public_id)
    assert accepted.refunded_by is None and accepted.refunded_at is not None
    # A partial refund: the payment stays taken, the order stays paid.
    payment.refresh_from_db()
    card_order.refresh_from_db()
    assert payment.status == PaymentState.SUCCEEDED
    assert card_order.payment_status == PaymentStatus.PAID
    assert card_order.events.filter(details__step="return_refunded").count() == 1
    assert [m.subject for m in mail.outbox if accepted.number in m.subject] != []


def test_a_refund_made_before_a_crash_is_not_made_again(
    card_order, customer, shop, django_capture_on_commit_callbacks
):
    accepted = _accepted(card_order, customer, shop, django_capture_on_commit_callbacks)
    payment = accepted.payment
    # The first run reached the provider, then the worker died before it recorded the answer.
    with django_capture_on_commit_callbacks(execute=True):
        first = provider_get(payment.provider).refund(
            provider_payment_id=payment.provider_payment_id,
            provider_reference=payment.provider_reference,
            amount=to_minor(accepted.refund_amount),
            currency="UAH",
            idempotency_key=accepted.refund_key,
        )
    run_all_tasks()
    assert SandboxRefund.objects.count() == 1
    accepted.refresh_from_db()
    assert (accepted.status, accepted.provider_refund_id) == ("refunded", first)


def test_a_provider_failure_leaves_the_refund_due_and_tries_again_later(
    card_order, customer, shop, django_capture_on_commit_callbacks
):
    accepted = _accepted(card_order, customer, shop, django_capture_on_commit_callbacks)
    charge = SandboxCharge.objects.get()
    # The provider's own books say there is nothing to refund: it refuses, as a processor would.
    SandboxCharge.objects.filter(pk=charge.pk).update(status=SandboxChargeState.OPEN)
    assert dict(run_all_tasks())["return_refund"] == "will retry"
    accepted.refresh_from_db()
    assert accepted.status == ReturnStatus.ACCEPTED and accepted.refund_due
    assert queued("return_refund") == [[accepted.pk, 2]]  # later, not yet due
    assert not SandboxRefund.objects.exists()

    SandboxCharge.objects.filter(pk=charge.pk).update(status=SandboxChargeState.SUCCEEDED)
    with django_capture_on_commit_callbacks(execute=True):
        assert return_refund.call(accepted.pk, 2) == "refunded"
    assert SandboxRefund.objects.count() == 1


def test_a_card_return_is_not_marked_refunded_by_hand(
    card_order, customer, shop, make_staff, django_capture_on_commit_callbacks
):
    accepted = _accepted(card_order, customer, shop, django_capture_on_commit_callbacks)
    with pytest.raises(ApplicationError) as refused:
        return_mark_refunded(actor=make_staff(Role.ACCOUNTANT), goods_return=accepted)
    assert refused.value.code == "returns.bad_status"
    accepted.refresh_from_db()
    assert accepted.status == "accepted"


def test_returning_everything_refunds_the_goods_and_keeps_the_delivery(
    customer, shop, django_capture_on_commit_callbacks
):
    order = delivered_order(
        customer=customer, staff=shop, items=[(goods("500.00"), 2)],
        payment_method=PaymentMethod.CARD,
    )  # fmt: skip
    assert order.delivery_price == Decimal("80.00")
    for _ in range(2):
        _accepted(order, customer, shop, django_capture_on_commit_callbacks)
        run_all_tasks()
    assert sorted(SandboxRefund.objects.values_list("amount", flat=True)) == [50000, 50000]
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("returned", PaymentStatus.PAID)
    assert Payment.objects.get(order=order).status == PaymentState.SUCCEEDED


def test_when_the_delivery_was_free_returning_everything_refunds_the_whole_payment(
    card_order, customer, shop, django_capture_on_commit_callbacks
):
    assert card_order.delivery_price == 0  # free above 2000.00
    for _ in range(3):
        _accepted(card_order, customer, shop, django_capture_on_commit_callbacks)
        run_all_tasks()
    assert sorted(SandboxRefund.objects.values_list("amount", flat=True)) == [120000] * 3
    card_order.refresh_from_db()
    # The provider reports the whole charge refunded; the payments app records it so.
    assert (card_order.status, card_order.payment_status) == ("returned", "refunded")
    assert Payment.objects.get(order=card_order).status == PaymentState.REFUNDED


def test_a_payment_refunded_whole_at_the_provider_owes_nothing_more(
    card_order, customer, shop, django_capture_on_commit_callbacks
):
    payment = Payment.objects.get(order=card_order)
    body = sandbox_body(payment, kind="payment.refunded")  # refunded from the dashboard
    assert post_webhook(body).status_code == 200
    card_order.refresh_from_db()
    assert card_order.payment_status == PaymentStatus.REFUNDED
    accepted = _accepted(card_order, customer, shop, django_capture_on_commit_callbacks)
    assert (accepted.status, accepted.refund_amount, accepted.refund_method) == (
        "refunded", Decimal("0.00"), "",
    )  # fmt: skip
    assert queued("return_refund") == []
    assert not SandboxRefund.objects.exists()
