"""Helpers of the payment tests: card orders, signed sandbox webhooks, and the worker's loop.

Nothing of ours is faked: the sandbox is the provider these tests pay through, and queued tasks
are run by django-tasks-db's own worker code, one by one, in the test's transaction.
"""

from __future__ import annotations

import json
import time
import uuid

from django.conf import settings
from django.test import Client as Browser
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from kramar.catalog.tests.factories import first_variant, make_product
from kramar.orders.enums import PaymentMethod
from kramar.orders.models import Order
from kramar.orders.services import order_place
from kramar.orders.tests.support import cart_with, details, new_key
from kramar.payments.models import Payment
from kramar.payments.providers.base import signature_header
from kramar.payments.services import payment_start

CARD_OK = "4242 4242 4242 4242"
CARD_DECLINED = "4000 0000 0000 0002"


def run_tasks() -> list[tuple[str, object]]:
    """Run every task that is due, as the database worker does; return (name, result) pairs."""
    worker = Worker(
        queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
        max_tasks=None, worker_id="test-worker", excluded_queue_names=[],
    )  # fmt: skip
    ran = []
    while (job := DBTaskResult.objects.ready().order_by("enqueued_at").first()) is not None:
        job.claim(worker.worker_id)
        worker.run_task(job)
        job.refresh_from_db()
        assert job.status == "SUCCESSFUL", job.traceback
        ran.append((job.task_name, job.return_value))
    return ran


def queued(task_name: str) -> list[list]:
    """Return the arguments of the tasks of that name still waiting to run."""
    return [
        job.args_kwargs["args"]
        for job in DBTaskResult.objects.filter(status="READY").order_by("enqueued_at")
        if job.task_name == task_name
    ]


def card_order(*, stock: int = 5, quantity: int = 2, price: str = "1500.00") -> Order:
    variant = first_variant(make_product(price=price, stock=stock))
    return order_place(
        cart=cart_with((variant, quantity)),
        checkout_key=new_key(),
        details=details(payment_method=PaymentMethod.CARD),
    )


def started(order: Order) -> Payment:
    return payment_start(order=order)


def sandbox_body(
    payment: Payment,
    *,
    kind: str = "payment.succeeded",
    amount: int | None = None,
    currency: str | None = None,
    event_id: str | None = None,
    payment_id: str | None = None,
) -> bytes:
    """Return a sandbox event about the payment, as the sandbox writes them."""
    event = {
        "id": event_id or f"evt_sbx_{uuid.uuid4().hex[:24]}",
        "object": "event",
        "type": kind,
        "created": int(time.time()),
        "data": {
            "object": {
                "id": payment_id or payment.provider_payment_id,
                "amount": int(payment.amount * 100) if amount is None else amount,
                "currency": currency or payment.currency,
                "reference": str(payment.pk),
                "failure_reason": "card_declined" if kind == "payment.failed" else "",
            }
        },
    }
    return json.dumps(event).encode()


def post_webhook(
    body: bytes, *, secret: str | None = None, timestamp: int | None = None, provider="sandbox"
):
    """POST a webhook to our endpoint, signed like the sandbox signs (unless told otherwise)."""
    signature = signature_header(body, secret or settings.SANDBOX_WEBHOOK_SECRET, timestamp)
    return Browser().post(
        f"/payments/webhooks/{provider}/",
        data=body,
        content_type="application/json",
        headers={"Kramar-Sandbox-Signature": signature},
    )
