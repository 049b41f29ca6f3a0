"""Invoices: drafts, issue (with a gapless number), from an order or a won deal, cancel, and
credit notes; the status each invoice's amounts give it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kramar.accounts.models import User
from kramar.billing.enums import (
    CREDIT_NOTE_SERIES,
    INVOICE_SERIES,
    TERMS_DAYS,
    BillingErrorCode,
    InvoiceSource,
    InvoiceStatus,
    PaymentTerms,
)
from kramar.billing.models import Allocation, CreditNote, CreditNoteLine, Invoice, InvoiceLine
from kramar.billing.services.lines import LineIn, PricedLine, lines_priced, vat_of
from kramar.billing.services.numbering import number_take
from kramar.clients.enums import TimelineKind
from kramar.clients.models import Client
from kramar.clients.services import timeline_record
from kramar.core.errors import ApplicationError
from kramar.core.money import quantize
from kramar.crm.enums import DealStatus
from kramar.crm.models import Deal
from kramar.orders.enums import OrderStatus, PaymentMethod
from kramar.orders.models import Order

# The shop's orders that get an invoice: a bank transfer needs one to be paid against, and a
# card payment is recorded against one (cash on delivery is the carrier's receipt).
INVOICED_METHODS = (PaymentMethod.BANK_TRANSFER, PaymentMethod.CARD)
MAX_DAYS = 365


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def terms_days(terms: PaymentTerms | str, days: int | None) -> int:
    """Return the days to pay that the terms give (custom terms take ``days``)."""
    try:
        chosen = PaymentTerms(terms)
    except ValueError:
        raise ApplicationError(
            BillingErrorCode.BAD_TERMS, _("Unknown payment terms."), extra={"field": "terms"}
        ) from None
    if chosen != PaymentTerms.CUSTOM:
        return TERMS_DAYS[chosen]
    if days is None or not 0 <= days <= MAX_DAYS:
        raise ApplicationError(
            BillingErrorCode.BAD_TERMS,
            _("Custom terms need a number of days from 0 to %(max)d.") % {"max": MAX_DAYS},
            extra={"field": "days"},
        )
    return days


def responsible_of(client: Client, deal: Deal | None = None) -> tuple[int | None, int | None]:
    """Return the (manager id, department id) an invoice is credited to now: the deal's, else
    the client's, else its company's."""
    if deal is not None and deal.manager_id:
        return deal.manager_id, deal.department_id
    company = client.company
    manager = client.manager_id or (company.manager_id if company else None)
    department = client.department_id or (company.department_id if company else None)
    return manager, department


def _buyer(client: Client) -> dict[str, str]:
    email = client.emails.order_by("-is_primary", "id").values_list("email", flat=True).first()
    return {
        "buyer_name": (client.legal_name or client.name)[:255],
        "buyer_code": client.registration_code,
        "email": email or "",
    }


def _write_lines(invoice: Invoice, priced: list[PricedLine]) -> None:
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice, position=index, description=line.description,
            quantity=line.quantity, unit=line.unit, unit_price=line.unit_price,
            vat_rate=line.vat_rate, total=line.total, vat_amount=line.vat_amount,
        )
        for index, line in enumerate(priced)
    )  # fmt: skip
    invoice.total = quantize(sum((line.total for line in priced), Decimal(0)))
    invoice.vat_total = quantize(sum((line.vat_amount for line in priced), Decimal(0)))
    invoice.save(update_fields=["total", "vat_total", "updated_at"])


@transaction.atomic
def invoice_create(
    *,
    actor: User | None,
    client: Client,
    lines: Sequence[LineIn],
    terms: PaymentTerms | str = PaymentTerms.NET_14,
    days: int | None = None,
    note: str = "",
    email: str = "",
    language: str = "uk",
    source: InvoiceSource = InvoiceSource.MANUAL,
    order: Order | None = None,
    deal: Deal | None = None,
) -> Invoice:
    """Make a draft invoice (no number yet) with its lines."""
    priced = lines_priced(lines)
    invoice = Invoice.objects.create(
        series=INVOICE_SERIES,
        source=source,
        client=client,
        order=order,
        deal=deal,
        payment_terms=PaymentTerms(terms),
        payment_days=terms_days(terms, days),
        language=language if language in ("uk", "en") else "uk",
        note=note.strip()[:500],
        created_by=actor,
        **{**_buyer(client), **({"email": email} if email else {})},
    )
    _write_lines(invoice, priced)
    return invoice


@transaction.atomic
def invoice_issue(
    *, actor: User | None, invoice: Invoice, today: date | None = None, notify: bool = True
) -> Invoice:
    """Give a draft its number, issue date, due date and responsible manager; e-mail it
    (``notify=False`` sends nothing: the demo's history)."""
    invoice = (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("client__company", "deal")
        .get(pk=invoice.pk)
    )
    if invoice.status != InvoiceStatus.DRAFT:
        raise ApplicationError(
            BillingErrorCode.BAD_STATUS, _("Only a draft can be issued."), status=409
        )
    if not invoice.lines.exists():
        raise ApplicationError(BillingErrorCode.NO_LINES, _("An invoice needs at least one line."))
    day = _today(today)
    invoice.sequence, invoice.number = number_take(series=invoice.series, year=day.year)
    invoice.year, invoice.issue_date = day.year, day
    invoice.due_date = day + timedelta(days=invoice.payment_days)
    invoice.manager_id, invoice.department_id = responsible_of(invoice.client, invoice.deal)
    invoice.issued_by = actor
    invoice.status = InvoiceStatus.ISSUED
    invoice.save()
    timeline_record(
        client=invoice.client,
        kind=TimelineKind.INVOICE,
        summary=_("Invoice %(number)s issued: %(total)s UAH, due %(due)s")
        % {"number": invoice.number, "total": invoice.total, "due": f"{invoice.due_date:%d.%m.%Y}"},
        actor=actor,
        source=invoice,
        contact=False,
    )
    invoice_refresh(invoice=invoice, today=day)
    if invoice.email and notify:
        from kramar.billing.tasks import invoice_email

        invoice_id = invoice.pk
        transaction.on_commit(lambda: invoice_email.enqueue(invoice_id))
    return invoice


def invoice_refresh(*, invoice: Invoice, today: date | None = None) -> Invoice:
    """Set the status that the (locked) invoice's amounts and due date give it, and save it."""
    if invoice.status in (InvoiceStatus.DRAFT, InvoiceStatus.CANCELLED):
        return invoice
    day = _today(today)
    balance = invoice.balance
    if balance <= 0:
        settled_by_credit = invoice.paid_amount == 0 and invoice.credited_amount > 0
        status = InvoiceStatus.CANCELLED if settled_by_credit else InvoiceStatus.PAID
    elif invoice.due_date is not None and invoice.due_date < day:
        status = InvoiceStatus.OVERDUE
    elif invoice.paid_amount > 0:
        status = InvoiceStatus.PARTLY_PAID
    else:
        status = InvoiceStatus.ISSUED
    paid_on = None
    if status == InvoiceStatus.PAID:
        last = invoice.allocations.filter(amount__gt=0).order_by("-paid_on").first()
        paid_on = last.paid_on if last is not None else day
    if (invoice.status, invoice.paid_on) != (status, paid_on):
        invoice.status, invoice.paid_on = status, paid_on
        invoice.save(update_fields=["status", "paid_on", "updated_at"])
    return invoice


# --- From an order and from a deal --------------------------------------------------------------


def _order_lines(order: Order) -> list[LineIn]:
    lines = [
        LineIn(
            description=" ".join(part for part in (line.product_name, line.variant_name) if part),
            quantity=Decimal(line.quantity),
            unit_price=line.unit_price,
            vat_rate=Decimal(line.vat_rate) if line.vat_rate.isdigit() else Decimal(0),
        )
        for line in order.lines.all()
    ]
    if order.delivery_price:
        lines.append(
            LineIn(
                description=_("Delivery: %(method)s") % {"method": order.delivery_method.name},
                quantity=Decimal(1),
                unit_price=order.delivery_price,
                vat_rate=Decimal(20),
                unit=_("service"),
            )
        )
    return lines


def invoice_for_order(
    *, order: Order, today: date | None = None, notify: bool = True
) -> Invoice | None:
    """Return the order's live invoice, issuing it first if it has none (bank transfer and card
    orders only; None for others and for a cancelled order without one). Safe to repeat."""
    existing = Invoice.objects.filter(order=order).exclude(status=InvoiceStatus.CANCELLED).first()
    if existing is not None:
        return existing
    if order.payment_method not in INVOICED_METHODS or order.status == OrderStatus.CANCELLED:
        return None
    try:
        with transaction.atomic():
            invoice = invoice_create(
                actor=None,
                client=order.client,
                lines=_order_lines(order),
                terms=PaymentTerms.PREPAID,
                note=_("Order %(number)s") % {"number": order.number},
                email=order.email,
                language=order.user.language if order.user else "uk",
                source=InvoiceSource.ORDER,
                order=order,
            )
            # Only a transfer order's invoice is e-mailed: it is what the customer pays against;
            # a card order is paid already and its invoice waits in the account.
            transfer = order.payment_method == PaymentMethod.BANK_TRANSFER
            return invoice_issue(
                actor=None, invoice=invoice, today=today, notify=notify and transfer
            )
    except IntegrityError:  # issued in parallel by another worker: that one stands
        return Invoice.objects.filter(order=order).exclude(status=InvoiceStatus.CANCELLED).first()


@transaction.atomic
def invoice_from_deal(
    *,
    actor: User,
    deal: Deal,
    lines: Sequence[LineIn] | None = None,
    terms: PaymentTerms | str = PaymentTerms.NET_14,
    days: int | None = None,
    today: date | None = None,
    notify: bool = True,
) -> Invoice:
    """Issue an invoice for a won deal (by default one line: the deal for its amount)."""
    deal = Deal.objects.select_related("client").get(pk=deal.pk)
    if deal.status != DealStatus.WON:
        raise ApplicationError(
            BillingErrorCode.DEAL_NOT_WON, _("Invoices are issued from won deals."), status=409
        )
    if lines is None:
        lines = [LineIn(description=deal.title, quantity=Decimal(1), unit_price=deal.amount)]
    invoice = invoice_create(
        actor=actor, client=deal.client, lines=lines, terms=terms, days=days,
        source=InvoiceSource.DEAL, deal=deal,
        note=_("Deal: %(title)s") % {"title": deal.title},
    )  # fmt: skip
    return invoice_issue(actor=actor, invoice=invoice, today=today, notify=notify)


# --- Cancel ---------------------------------------------------------------------------------


@transaction.atomic
def invoice_cancel(*, actor: User | None, invoice: Invoice, reason: str) -> Invoice:
    """Cancel an issued invoice nothing was paid or credited on; it keeps its number. A draft
    is deleted instead (it has no number to keep)."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status == InvoiceStatus.CANCELLED:
        raise ApplicationError(
            BillingErrorCode.INVOICE_CANCELLED, _("The invoice is cancelled already."), status=409
        )
    if invoice.paid_amount or invoice.credited_amount:
        raise ApplicationError(
            BillingErrorCode.HAS_PAYMENTS,
            _("Money was paid or credited on this invoice: issue a credit note instead."),
            status=409,
        )
    reason = reason.strip()[:300]
    if not reason:
        raise ApplicationError(
            "validation_error", _("Say why the invoice is cancelled."), extra={"field": "reason"}
        )
    invoice.status, invoice.cancelled_at, invoice.cancel_reason = (
        InvoiceStatus.CANCELLED, timezone.now(), reason,
    )  # fmt: skip
    invoice.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
    if invoice.number:
        timeline_record(
            client=invoice.client, kind=TimelineKind.INVOICE, actor=actor, source=invoice,
            summary=_("Invoice %(number)s cancelled: %(reason)s")
            % {"number": invoice.number, "reason": reason},
            contact=False,
        )  # fmt: skip
    return invoice


@transaction.atomic
def invoice_draft_delete(*, invoice: Invoice) -> None:
    """Delete a draft (it has no number, so no gap is left)."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status != InvoiceStatus.DRAFT:
        raise ApplicationError(
            BillingErrorCode.BAD_STATUS, _("Only a draft can be deleted."), status=409
        )
    invoice.delete()


# --- Credit notes -----------------------------------------------------------------------------


def _credit_lines(
    invoice: Invoice, lines: Sequence[LineIn] | None, amount: Decimal | None
) -> list[PricedLine]:
    if lines:
        return lines_priced(lines)
    left = invoice.total - invoice.credited_amount
    gross = left if amount is None else quantize(amount)
    if gross <= 0:
        raise ApplicationError(
            BillingErrorCode.BAD_AMOUNT, _("A credit note must be above zero."),
            extra={"field": "amount"},
        )  # fmt: skip
    vat = quantize(invoice.vat_total * gross / invoice.total) if invoice.total else Decimal(0)
    rate = Decimal(20) if vat else Decimal(0)
    return [
        PricedLine(
            description=_("Correction of invoice %(number)s") % {"number": invoice.number},
            quantity=Decimal(1), unit="", unit_price=gross, vat_rate=rate, total=gross,
            vat_amount=vat if vat else vat_of(gross, Decimal(0)),
        )
    ]  # fmt: skip


@transaction.atomic
def credit_note_issue(
    *,
    actor: User | None,
    invoice: Invoice,
    reason: str,
    lines: Sequence[LineIn] | None = None,
    amount: Decimal | None = None,
    today: date | None = None,
) -> CreditNote:
    """Reverse all (no lines, no amount) or part of an issued invoice.

    Never more than the invoice's total less earlier credit notes. Credit that goes beyond
    what is still owed comes off what was paid: that money goes back to the client's credit
    (negative allocations, newest payment first), so the balance never goes below zero.
    """
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status in (InvoiceStatus.DRAFT, InvoiceStatus.CANCELLED):
        raise ApplicationError(
            BillingErrorCode.BAD_STATUS,
            _("Only an issued invoice that is not cancelled can be credited."),
            status=409,
        )
    reason = reason.strip()[:300]
    if not reason:
        raise ApplicationError(
            "validation_error", _("Say why the invoice is credited."), extra={"field": "reason"}
        )
    priced = _credit_lines(invoice, lines, amount)
    total = quantize(sum((line.total for line in priced), Decimal(0)))
    left = invoice.total - invoice.credited_amount
    if total <= 0 or total > left:
        raise ApplicationError(
            BillingErrorCode.CREDIT_ABOVE_INVOICE,
            _("A credit note can reverse at most %(left)s UAH of this invoice.") % {"left": left},
            extra={"field": "amount", "left": str(left)},
        )
    day = _today(today)
    sequence, number = number_take(series=CREDIT_NOTE_SERIES, year=day.year)
    note = CreditNote.objects.create(
        number=number, series=CREDIT_NOTE_SERIES, year=day.year, sequence=sequence,
        invoice=invoice, issue_date=day, reason=reason, total=total,
        vat_total=quantize(sum((line.vat_amount for line in priced), Decimal(0))),
        issued_by=actor,
    )  # fmt: skip
    CreditNoteLine.objects.bulk_create(
        CreditNoteLine(
            credit_note=note, description=line.description, quantity=line.quantity,
            unit_price=line.unit_price, vat_rate=line.vat_rate, total=line.total,
            vat_amount=line.vat_amount,
        )
        for line in priced
    )  # fmt: skip
    invoice.credited_amount += total
    excess = -invoice.balance
    invoice.save(update_fields=["credited_amount", "updated_at"])
    if excess > 0:
        from kramar.billing.services.payments import allocations_release

        note.released_to_credit = allocations_release(
            invoice=invoice, amount=excess, actor=actor, credit_note=note
        )
        note.save(update_fields=["released_to_credit"])
    invoice_refresh(invoice=invoice, today=day)
    timeline_record(
        client=invoice.client, kind=TimelineKind.INVOICE, actor=actor, source=invoice,
        summary=_("Credit note %(note)s on invoice %(number)s: %(total)s UAH")
        % {"note": number, "number": invoice.number, "total": total},
        contact=False,
    )  # fmt: skip
    return note


def invoice_amounts_recount(*, invoice: Invoice) -> tuple[Decimal, Decimal]:
    """Return (credited, paid) as the rows make them (for checks and tests)."""
    credited = invoice.credit_notes.aggregate(s=Sum("total"))["s"] or Decimal("0.00")
    paid = Allocation.objects.filter(invoice=invoice).aggregate(s=Sum("amount"))["s"]
    return quantize(credited), quantize(paid or 0)
