"""Background work of billing: keep shop orders' invoices and card payments in step, e-mail
invoices (PDF attached) and reminders, and the daily dunning round (M13, M17)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation

from kramar.billing.enums import InvoiceStatus
from kramar.billing.models import DunningNotice, Invoice


def order_changed(order_id: int, event: str) -> None:
    """The orders app's listener (registered in BillingConfig.ready): sync in the worker."""
    order_sync.enqueue(order_id)


@task
def order_sync(order_id: int) -> str:
    """Give a bank-transfer or card order its invoice, record its card payments, and cancel
    the unpaid invoice of a cancelled order. Safe to run any number of times."""
    from kramar.billing.services import card_payments_record, invoice_cancel, invoice_for_order
    from kramar.orders.enums import OrderStatus, PaymentMethod
    from kramar.orders.models import Order

    order = (
        Order.objects.select_related("client", "user", "delivery_method")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        return "no order"
    if order.status == OrderStatus.CANCELLED:
        invoice = (
            Invoice.objects.filter(order=order).exclude(status=InvoiceStatus.CANCELLED).first()
        )
        if invoice is not None and not invoice.paid_amount and not invoice.credited_amount:
            invoice_cancel(actor=None, invoice=invoice, reason=f"order {order.number} cancelled")
            return "cancelled"
        return "order cancelled"
    # A transfer order needs its invoice to be paid against; a card order gets one when its
    # payment succeeds (an abandoned card payment leaves no cancelled invoice behind).
    if order.payment_method == PaymentMethod.BANK_TRANSFER:
        invoice_for_order(order=order)
    paid = card_payments_record(order=order)
    invoice = Invoice.objects.filter(order=order).exclude(status=InvoiceStatus.CANCELLED).first()
    return f"invoice {invoice.number if invoice else '-'}, {len(paid)} card payments"


@task
def orders_reconcile() -> str:
    """Catch any recent order whose sync was missed (a worker that died between commit and
    enqueue): bank-transfer and card orders of the last 30 days without a live invoice."""
    from django.db.models import Q

    from kramar.orders.enums import OrderStatus, PaymentMethod, PaymentStatus
    from kramar.orders.models import Order

    since = timezone.now() - timedelta(days=30)
    wanted = Q(payment_method=PaymentMethod.BANK_TRANSFER) | Q(
        payment_method=PaymentMethod.CARD, payment_status=PaymentStatus.PAID
    )
    missing = (
        Order.objects.filter(wanted, placed_at__gte=since)
        .exclude(status=OrderStatus.CANCELLED)
        .exclude(
            pk__in=Invoice.objects.filter(order__isnull=False)
            .exclude(status=InvoiceStatus.CANCELLED)
            .values("order_id")
        )
        .values_list("pk", flat=True)
    )
    ids = list(missing[:1000])
    for order_id in ids:
        order_sync.enqueue(order_id)
    return f"{len(ids)} orders to sync"


@task
def billing_daily_round() -> str:
    """The daily job (settings.KRAMAR_DAILY_JOBS): overdue, reminders, follow-ups, reconcile."""
    from kramar.billing.services import dunning_run

    done = dunning_run()
    orders_reconcile.enqueue()
    return (
        f"{done.overdue_marked} overdue, {len(done.notices)} reminders, "
        f"{done.activities} follow-ups"
    )


def _send(*, invoice: Invoice, kind: str, context: dict[str, object]) -> None:
    from kramar.billing.pdf import invoice_pdf

    with translation.override(invoice.language):
        context = {"invoice": invoice, "site": settings.SITE_URL.rstrip("/"), **context}
        subject = render_to_string(f"billing/email/{kind}_subject.txt", context).strip()
        text = render_to_string(f"billing/email/{kind}.txt", context)
        pdf = invoice_pdf(invoice)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[invoice.email])
    message.attach(f"{invoice.number}.pdf", pdf, "application/pdf")
    message.send()


@task
def invoice_email(invoice_id: int) -> str:
    """E-mail the issued invoice to the client with its PDF."""
    invoice = Invoice.objects.select_related("client").filter(pk=invoice_id).first()
    if invoice is None or not invoice.email or invoice.status == InvoiceStatus.DRAFT:
        return "nothing to send"
    _send(invoice=invoice, kind="invoice", context={})
    return "sent"


@task
def dunning_email(notice_id: int) -> str:
    """E-mail one dunning step's reminder, once (the notice row remembers it was sent)."""
    with transaction.atomic():
        notice = (
            DunningNotice.objects.select_for_update(of=("self",))
            .select_related("invoice__client")
            .filter(pk=notice_id)
            .first()
        )
        if notice is None or notice.emailed:
            return "already sent"
        invoice = notice.invoice
        if not invoice.is_open or not invoice.email:
            return "settled"
        _send(invoice=invoice, kind="reminder", context={"step": notice.step,
                                                          "overdue": notice.step > 0})  # fmt: skip
        notice.emailed = True
        notice.save(update_fields=["emailed"])
    return "sent"
