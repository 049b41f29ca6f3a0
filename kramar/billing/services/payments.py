"""Incoming payments and their allocation to invoices; the client's credit; card payments.

Lock order, everywhere: the invoice, then the payment(s), so that two allocations never wait
for each other in a cycle.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kramar.accounts.models import User
from kramar.billing.enums import BillingErrorCode, InvoiceStatus, PaymentSource
from kramar.billing.models import Allocation, CreditNote, IncomingPayment, Invoice
from kramar.billing.services.invoices import invoice_for_order, invoice_refresh
from kramar.clients.enums import TimelineKind
from kramar.clients.models import Client
from kramar.clients.services import timeline_record
from kramar.core.errors import ApplicationError
from kramar.core.money import quantize
from kramar.orders.enums import PaymentMethod
from kramar.orders.models import Order
from kramar.orders.services import order_paid_by_transfer
from kramar.payments.enums import PaymentState
from kramar.payments.models import Payment as CardPayment

MAX_AMOUNT = Decimal("999999999999.99")


def _check_amount(amount: Decimal, field: str = "amount") -> Decimal:
    value = quantize(amount)
    if not value.is_finite() or value <= 0 or value > MAX_AMOUNT:
        raise ApplicationError(
            BillingErrorCode.BAD_AMOUNT, _("The amount must be above zero."),
            extra={"field": field},
        )  # fmt: skip
    return value


def invoice_check_payable(invoice: Invoice) -> None:
    """Refuse money for an invoice that cannot take it (cancelled, draft, settled)."""
    if invoice.status == InvoiceStatus.CANCELLED:
        raise ApplicationError(
            BillingErrorCode.INVOICE_CANCELLED,
            _("Invoice %(number)s is cancelled: it cannot be paid.") % {"number": invoice.number},
            status=409,
        )
    if invoice.status == InvoiceStatus.DRAFT:
        raise ApplicationError(
            BillingErrorCode.BAD_STATUS, _("A draft cannot be paid: issue it first."), status=409
        )
    if invoice.balance <= 0:
        raise ApplicationError(
            BillingErrorCode.NOTHING_DUE,
            _("Invoice %(number)s is settled: nothing is due.") % {"number": invoice.number},
            status=409,
        )


def _allocate(
    *, invoice: Invoice, payment: IncomingPayment, amount: Decimal, actor: User | None
) -> Allocation:
    """Apply ``amount`` of the (locked) payment to the (locked) invoice."""
    allocation = Allocation.objects.create(
        payment=payment,
        invoice=invoice,
        amount=amount,
        paid_on=max(payment.received_on, invoice.issue_date or payment.received_on),
        created_by=actor,
    )
    payment.allocated_amount += amount
    payment.save(update_fields=["allocated_amount", "updated_at"])
    invoice.paid_amount += amount
    invoice.save(update_fields=["paid_amount", "updated_at"])
    invoice_refresh(invoice=invoice)
    if invoice.status == InvoiceStatus.PAID:
        _order_settled(invoice)
    return allocation


def _order_settled(invoice: Invoice) -> None:
    """A bank-transfer order whose invoice is paid in full is paid (orders decides)."""
    if invoice.order_id is None:
        return
    order = Order.objects.get(pk=invoice.order_id)
    if order.payment_method == PaymentMethod.BANK_TRANSFER:
        order_paid_by_transfer(
            order=order,
            amount=invoice.paid_amount,
            paid_on_day=invoice.paid_on or timezone.localdate(),
            reference=invoice.number or "",
        )


def allocations_release(
    *, invoice: Invoice, amount: Decimal, actor: User | None, credit_note: CreditNote
) -> Decimal:
    """Take ``amount`` of paid money off the (locked) invoice back to the client's credit,
    newest allocation first; return what was released."""
    left = amount
    for allocation in invoice.allocations.filter(amount__gt=0).order_by("-paid_on", "-id"):
        if left <= 0:
            break
        payment = IncomingPayment.objects.select_for_update().get(pk=allocation.payment_id)
        take = min(left, payment.allocated_amount, allocation.amount)
        if take <= 0:
            continue
        Allocation.objects.create(
            payment=payment, invoice=invoice, amount=-take, paid_on=allocation.paid_on,
            created_by=actor, credit_note=credit_note,
        )  # fmt: skip
        payment.allocated_amount -= take
        payment.save(update_fields=["allocated_amount", "updated_at"])
        invoice.paid_amount -= take
        left -= take
    invoice.save(update_fields=["paid_amount", "updated_at"])
    return amount - left


@transaction.atomic
def payment_record(
    *,
    actor: User | None,
    client: Client,
    amount: Decimal,
    received_on: date,
    invoice: Invoice | None = None,
    keep_excess_as_credit: bool = False,
    currency: str = "UAH",
    source: PaymentSource = PaymentSource.MANUAL,
    reference: str = "",
    payer_name: str = "",
    card_payment: CardPayment | None = None,
) -> IncomingPayment:
    """Record money that arrived from a client, applied to ``invoice`` if one is named.

    More than the invoice's balance is refused unless ``keep_excess_as_credit``: then the rest
    is the client's credit. Without an invoice, the whole payment is the client's credit.
    """
    amount = _check_amount(amount)
    if currency.upper() != settings.DEFAULT_CURRENCY:
        raise ApplicationError(
            BillingErrorCode.BAD_CURRENCY,
            _("Payments are taken in %(currency)s only.") % {"currency": settings.DEFAULT_CURRENCY},
            extra={"field": "currency"},
        )
    if received_on > timezone.localdate():
        raise ApplicationError(
            BillingErrorCode.BAD_AMOUNT, _("Money cannot arrive in the future."),
            extra={"field": "received_on"},
        )  # fmt: skip
    if invoice is not None:
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if invoice.client_id != client.pk:
            raise ApplicationError(
                BillingErrorCode.OTHER_CLIENT, _("That invoice is another client's."),
                extra={"field": "invoice"},
            )  # fmt: skip
        invoice_check_payable(invoice)
        if amount > invoice.balance and not keep_excess_as_credit:
            raise ApplicationError(
                BillingErrorCode.ABOVE_DEBT,
                _("%(amount)s UAH is more than the %(balance)s UAH still owed on %(number)s.")
                % {"amount": amount, "balance": invoice.balance, "number": invoice.number},
                extra={"field": "amount", "balance": str(invoice.balance)},
            )
    payment = IncomingPayment.objects.create(
        client=client, amount=amount, currency=settings.DEFAULT_CURRENCY,
        received_on=received_on, source=source, reference=reference.strip()[:500],
        payer_name=payer_name.strip()[:255], card_payment=card_payment, recorded_by=actor,
    )  # fmt: skip
    if invoice is not None:
        _allocate(
            invoice=invoice, payment=payment, amount=min(amount, invoice.balance), actor=actor
        )
    timeline_record(
        client=client, kind=TimelineKind.PAYMENT, actor=actor, source=payment,
        summary=_("Payment received: %(amount)s UAH%(for)s")
        % {"amount": amount,
           "for": _(" for %(number)s") % {"number": invoice.number} if invoice else ""},
        contact=False,
    )  # fmt: skip
    return payment


@transaction.atomic
def payment_allocate(
    *, actor: User | None, payment: IncomingPayment, invoice: Invoice, amount: Decimal | None = None
) -> Allocation:
    """Apply unallocated money of a payment (the client's credit) to one of their invoices."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    payment = IncomingPayment.objects.select_for_update().get(pk=payment.pk)
    if invoice.client_id != payment.client_id:
        raise ApplicationError(
            BillingErrorCode.OTHER_CLIENT, _("That invoice is another client's."),
            extra={"field": "invoice"},
        )  # fmt: skip
    invoice_check_payable(invoice)
    free = payment.unallocated
    if free <= 0:
        raise ApplicationError(
            BillingErrorCode.NO_CREDIT, _("Nothing of this payment is left to apply."), status=409
        )
    take = min(free, invoice.balance) if amount is None else _check_amount(amount)
    if take > free or take > invoice.balance:
        raise ApplicationError(
            BillingErrorCode.ABOVE_DEBT,
            _("At most %(most)s UAH can be applied here.") % {"most": min(free, invoice.balance)},
            extra={"field": "amount"},
        )
    return _allocate(invoice=invoice, payment=payment, amount=take, actor=actor)


@transaction.atomic
def client_credit_apply(*, actor: User | None, invoice: Invoice) -> Decimal:
    """Apply the client's credit (unallocated money, oldest first) to the invoice; return how
    much was applied."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    invoice_check_payable(invoice)
    payments = IncomingPayment.objects.select_for_update().filter(client_id=invoice.client_id)
    applied = Decimal("0.00")
    for payment in payments.order_by("received_on", "id"):
        if invoice.balance <= 0:
            break
        take = min(payment.unallocated, invoice.balance)
        if take > 0:
            _allocate(invoice=invoice, payment=payment, amount=take, actor=actor)
            applied += take
    if not applied:
        raise ApplicationError(
            BillingErrorCode.NO_CREDIT, _("The client has no credit to apply."), status=409
        )
    return applied


@transaction.atomic
def card_payments_record(*, order: Order) -> list[IncomingPayment]:
    """Record the order's successful card payments as payments on its invoice (once each)."""
    cards = list(
        CardPayment.objects.filter(order=order, status=PaymentState.SUCCEEDED)
        .exclude(pk__in=IncomingPayment.objects.filter(card_payment__isnull=False).filter(
            card_payment__order=order).values("card_payment_id"))
        .order_by("succeeded_at", "id")
    )  # fmt: skip
    if not cards:
        return []
    invoice = invoice_for_order(order=order)
    made = []
    for card in cards:
        payable = invoice is not None and invoice.is_open
        made.append(
            payment_record(
                actor=None, client=order.client, amount=card.amount,
                received_on=timezone.localdate(card.succeeded_at or card.updated_at),
                invoice=invoice if payable else None, keep_excess_as_credit=True,
                source=PaymentSource.CARD, reference=_("Card payment, order %(number)s")
                % {"number": order.number}, card_payment=card,
            )
        )  # fmt: skip
        if invoice is not None:
            invoice.refresh_from_db()
    return made
