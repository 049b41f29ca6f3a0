"""Shop orders and billing (M10): a bank-transfer order gets its invoice from the worker and is
paid when the invoice is; a card order's payment becomes a billing payment; a cancelled order's
unpaid invoice is cancelled. Orders never import billing: it listens (orders.hooks)."""

from decimal import Decimal

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import timezone

from kramar.billing.enums import InvoiceStatus, PaymentSource
from kramar.billing.models import IncomingPayment, Invoice
from kramar.billing.services import statement_import
from kramar.catalog.tests.factories import first_variant, make_product
from kramar.orders.enums import OrderStatus, PaymentMethod, PaymentStatus
from kramar.orders.services import order_advance, order_place
from kramar.orders.tests.support import cart_with, details, new_key
from kramar.payments.tests.support import card_order
from kramar.returns.tests.support import pay_in_sandbox, run_all_tasks

pytestmark = pytest.mark.django_db


def transfer_order():
    variant = first_variant(make_product(price="1500.00", stock=5))
    with TestCase.captureOnCommitCallbacks(execute=True):
        order = order_place(
            cart=cart_with((variant, 2)), checkout_key=new_key(),
            details=details(payment_method=PaymentMethod.BANK_TRANSFER), notify=False,
        )  # fmt: skip
    run_all_tasks()
    return order


def test_a_bank_transfer_order_gets_an_invoice_and_is_paid_by_the_statement(accountant):
    order = transfer_order()
    invoice = Invoice.objects.get(order=order)
    assert invoice.status == InvoiceStatus.ISSUED and invoice.total == order.total
    assert invoice.due_date == invoice.issue_date  # prepayment
    assert next(line.description for line in invoice.lines.all()).startswith(
        order.lines.first().product_name
    )
    assert any(m.attachments and m.to == [order.email] for m in mail.outbox)
    content = (
        "date,amount,currency,payer_name,purpose,reference\n"
        f"{timezone.localdate():%Y-%m-%d},{order.total},UAH,Тарас,Оплата {invoice.number},T1\n"
    ).encode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        statement_import(actor=accountant, file_name="s.csv", content=content)
    order.refresh_from_db()
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert order.payment_status == PaymentStatus.PAID
    assert order.events.filter(kind="paid", details__method="bank_transfer").exists()


def test_a_card_payment_becomes_a_billing_payment_once():
    order = card_order(quantity=1, price="999.00")
    with TestCase.captureOnCommitCallbacks(execute=True):
        pay_in_sandbox(order)
    run_all_tasks()
    invoice = Invoice.objects.get(order=order)
    payment = IncomingPayment.objects.get(client=order.client)
    assert payment.source == PaymentSource.CARD and payment.amount == order.total
    assert invoice.status == InvoiceStatus.PAID
    from kramar.billing.tasks import order_sync

    order_sync.call(order.pk)  # again: nothing new
    assert IncomingPayment.objects.filter(client=order.client).count() == 1


def test_a_cancelled_orders_unpaid_invoice_is_cancelled(make_staff):
    from kramar.accounts.enums import Role

    order = transfer_order()
    with TestCase.captureOnCommitCallbacks(execute=True):
        order_advance(
            actor=make_staff(Role.SHOP_MANAGER), order=order, status=OrderStatus.CANCELLED,
            notify=False,
        )  # fmt: skip
    run_all_tasks()
    invoice = Invoice.objects.get(order=order)
    assert invoice.status == InvoiceStatus.CANCELLED and invoice.number


def test_cash_orders_get_no_invoice():
    variant = first_variant(make_product(price="10.00", stock=5))
    with TestCase.captureOnCommitCallbacks(execute=True):
        order_place(cart=cart_with((variant, 1)), checkout_key=new_key(), details=details(),
                    notify=False)  # fmt: skip
    run_all_tasks()
    assert not Invoice.objects.exists()
    assert Decimal(0) == sum(p.amount for p in IncomingPayment.objects.all())
