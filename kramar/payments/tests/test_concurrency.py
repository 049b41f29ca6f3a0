"""Races that real buyers and providers make, on real parallel connections: two "pay" clicks at
the same moment, and the same webhook delivered twice at the same moment."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from kramar.orders.enums import PaymentStatus
from kramar.payments.enums import WebhookOutcome
from kramar.payments.models import Payment, SandboxCharge, WebhookEvent
from kramar.payments.services import payment_start, webhook_receive
from kramar.payments.tests.support import card_order, sandbox_body

PARALLEL = 4


def _at_once(work):
    start = threading.Barrier(PARALLEL)

    def run(_):
        try:
            start.wait()
            return work()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        return list(pool.map(run, range(PARALLEL)))


@pytest.mark.django_db(transaction=True)
def test_pay_pressed_in_several_tabs_at_once_opens_one_payment_and_one_charge():
    order = card_order()
    payments = _at_once(lambda: payment_start(order=order).pk)
    assert len(set(payments)) == 1
    assert Payment.objects.count() == 1 and SandboxCharge.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_webhook_delivered_in_parallel_is_applied_once():
    from django.conf import settings

    from kramar.payments.providers.base import signature_header

    order = card_order()
    payment = payment_start(order=order)
    body = sandbox_body(payment)

    def deliver():
        headers = {
            "Kramar-Sandbox-Signature": signature_header(body, settings.SANDBOX_WEBHOOK_SECRET)
        }
        return webhook_receive(provider="sandbox", body=body, headers=headers).outcome

    outcomes = sorted(_at_once(deliver))
    assert outcomes == sorted([WebhookOutcome.APPLIED] + [WebhookOutcome.DUPLICATE] * 3)
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PAID
    assert order.events.filter(kind="paid").count() == 1
    assert WebhookEvent.objects.filter(outcome=WebhookOutcome.APPLIED).count() == 1
