"""Billing: invoices with gapless numbers, credit notes, incoming payments and their allocation to
invoices, bank statements, dunning notices and client credit limits (issue 7, M10, M17).

An invoice's balance is always ``total - credited_amount - paid_amount``; the two amounts are
kept by the services under the invoice's row lock from the rows that make them (credit notes,
payment allocations), never edited by hand. A client's credit (overpayments) is what their
payments hold beyond what is allocated to invoices.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kramar.accounts.models import Department
from kramar.audit.capture import AuditedManager
from kramar.billing.enums import (
    InvoiceSource,
    InvoiceStatus,
    LineProblem,
    LineStatus,
    PaymentSource,
    PaymentTerms,
    StatementFormat,
)
from kramar.clients.models import Client
from kramar.core.models import TimeStampedModel
from kramar.core.money import CurrencyField, MoneyField
from kramar.crm.models import Activity, Deal
from kramar.orders.models import Order
from kramar.payments.models import Payment as CardPayment

_USER = settings.AUTH_USER_MODEL


class NumberCounter(models.Model):
    """The last number given in one series and year; locked while an invoice is issued, so two
    issues in parallel queue here and no number is ever skipped or given twice."""

    series = models.CharField(_("series"), max_length=8)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("number counter")
        verbose_name_plural = _("number counters")
        constraints = [
            models.UniqueConstraint(fields=["series", "year"], name="billing_counter_once")
        ]

    def __str__(self) -> str:
        return f"{self.series}-{self.year}: {self.last}"


class Invoice(TimeStampedModel):
    """A demand for payment: a draft without a number until issued, then numbered for ever."""

    # NULL while a draft: drafts get no number (a deleted draft leaves no gap).
    number = models.CharField(
        _("number"), max_length=24, unique=True, null=True, blank=True, editable=False
    )
    series = models.CharField(_("series"), max_length=8, editable=False)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, editable=False)
    sequence = models.PositiveIntegerField(_("sequence"), null=True, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT
    )
    source = models.CharField(_("made from"), max_length=10, choices=InvoiceSource.choices)
    client = models.ForeignKey(
        Client, verbose_name=_("client"), related_name="invoices", on_delete=models.PROTECT
    )
    order = models.ForeignKey(
        Order, verbose_name=_("order"), related_name="+", on_delete=models.PROTECT,
        null=True, blank=True,
    )  # fmt: skip
    deal = models.ForeignKey(
        Deal, verbose_name=_("deal"), related_name="+", on_delete=models.PROTECT,
        null=True, blank=True,
    )  # fmt: skip
    # The responsible manager and their department when the invoice was issued (M17 credits
    # the debt and the days to pay to whoever issued it, not to today's manager).
    manager = models.ForeignKey(
        _USER, verbose_name=_("responsible manager"), related_name="+",
        on_delete=models.SET_NULL, null=True, blank=True,
    )  # fmt: skip
    department = models.ForeignKey(
        Department, verbose_name=_("department"), related_name="+",
        on_delete=models.SET_NULL, null=True, blank=True,
    )  # fmt: skip
    payment_terms = models.CharField(
        _("payment terms"), max_length=10, choices=PaymentTerms.choices,
        default=PaymentTerms.NET_14,
    )  # fmt: skip
    payment_days = models.PositiveSmallIntegerField(_("days to pay"), default=14)
    issue_date = models.DateField(_("issued on"), null=True, blank=True, db_index=True)
    due_date = models.DateField(_("due on"), null=True, blank=True, db_index=True)
    language = models.CharField(_("language"), max_length=2, default="uk")
    # The buyer as printed on the invoice, kept as it was when issued.
    buyer_name = models.CharField(_("buyer"), max_length=255)
    buyer_code = models.CharField(_("buyer's registration code"), max_length=20, blank=True)
    buyer_address = models.CharField(_("buyer's address"), max_length=255, blank=True)
    email = models.EmailField(_("send to"), blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    currency = CurrencyField(_("currency"))
    total = MoneyField(_("total"), default=Decimal("0.00"))  # VAT included
    vat_total = MoneyField(_("of which VAT"), default=Decimal("0.00"))
    credited_amount = MoneyField(_("credited"), default=Decimal("0.00"))
    paid_amount = MoneyField(_("paid"), default=Decimal("0.00"))
    paid_on = models.DateField(_("settled on"), null=True, blank=True)

    created_by = models.ForeignKey(
        _USER, verbose_name=_("created by"), related_name="+", on_delete=models.SET_NULL,
        null=True, blank=True,
    )  # fmt: skip
    issued_by = models.ForeignKey(
        _USER, verbose_name=_("issued by"), related_name="+", on_delete=models.SET_NULL,
        null=True, blank=True,
    )  # fmt: skip
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.CharField(_("why cancelled"), max_length=300, blank=True)

    objects = AuditedManager()

    class Meta:
        ordering = ["-issue_date", "-id"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        permissions = [
            ("view_all_invoices", _("See every invoice, not only one's clients'")),
            ("issue_from_deal", _("Issue invoices from one's won deals")),
            ("view_debtors", _("See the debtors report")),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"], name="billing_invoice_status_due"),
            models.Index(fields=["manager", "status"], name="billing_invoice_manager"),
            models.Index(fields=["client", "status"], name="billing_invoice_client"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year", "sequence"], name="billing_invoice_number_once"
            ),
            # One live invoice per shop order (a cancelled one may be followed by another).
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(order__isnull=False) & ~Q(status="cancelled"),
                name="billing_invoice_one_per_order",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(number__isnull=False),
                name="billing_invoice_issued_numbered",
            ),
            models.CheckConstraint(
                condition=Q(total__gte=0) & Q(credited_amount__gte=0) & Q(paid_amount__gte=0),
                name="billing_invoice_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(credited_amount__lte=models.F("total")),
                name="billing_invoice_credit_within_total",
            ),
        ]

    def __str__(self) -> str:
        return self.number or _("Draft #%(id)s") % {"id": self.pk}

    @property
    def balance(self) -> Decimal:
        """What is still owed: the lines, less credit notes, less payments."""
        return self.total - self.credited_amount - self.paid_amount

    @property
    def is_open(self) -> bool:
        return self.status in (
            InvoiceStatus.ISSUED, InvoiceStatus.PARTLY_PAID, InvoiceStatus.OVERDUE,
        )  # fmt: skip


class InvoiceLine(models.Model):
    """One line of an invoice; prices include VAT, as the shop shows them."""

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), related_name="lines", on_delete=models.CASCADE
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    description = models.CharField(_("description"), max_length=255)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=12, default="шт.")
    unit_price = MoneyField(_("price"))
    vat_rate = models.DecimalField(_("VAT rate, %"), max_digits=5, decimal_places=2)
    total = MoneyField(_("total"))
    vat_amount = MoneyField(_("VAT"))

    objects = AuditedManager()

    class Meta:
        ordering = ["invoice", "position", "id"]
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="billing_line_quantity"),
            models.CheckConstraint(condition=Q(total__gte=0), name="billing_line_total"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.description}"


class CreditNote(TimeStampedModel):
    """Reverses all or part of an issued invoice; numbered in its own gapless series."""

    number = models.CharField(_("number"), max_length=24, unique=True, editable=False)
    series = models.CharField(_("series"), max_length=8, editable=False)
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    sequence = models.PositiveIntegerField(_("sequence"), editable=False)
    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), related_name="credit_notes", on_delete=models.PROTECT
    )
    issue_date = models.DateField(_("issued on"))
    reason = models.CharField(_("reason"), max_length=300)
    total = MoneyField(_("total"))
    vat_total = MoneyField(_("of which VAT"))
    # What of this credit came off money already paid: it went back to the client's credit.
    released_to_credit = MoneyField(_("back to the client's credit"), default=Decimal("0.00"))
    issued_by = models.ForeignKey(
        _USER, verbose_name=_("issued by"), related_name="+", on_delete=models.SET_NULL,
        null=True, blank=True,
    )  # fmt: skip

    objects = AuditedManager()

    class Meta:
        ordering = ["-issue_date", "-id"]
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year", "sequence"], name="billing_credit_note_number_once"
            ),
            models.CheckConstraint(condition=Q(total__gt=0), name="billing_credit_note_positive"),
        ]

    def __str__(self) -> str:
        return self.number


class CreditNoteLine(models.Model):
    credit_note = models.ForeignKey(
        CreditNote, verbose_name=_("credit note"), related_name="lines", on_delete=models.CASCADE
    )
    description = models.CharField(_("description"), max_length=255)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit_price = MoneyField(_("price"))
    vat_rate = models.DecimalField(_("VAT rate, %"), max_digits=5, decimal_places=2)
    total = MoneyField(_("total"))
    vat_amount = MoneyField(_("VAT"))

    objects = AuditedManager()

    class Meta:
        ordering = ["credit_note", "id"]
        verbose_name = _("credit note line")
        verbose_name_plural = _("credit note lines")

    def __str__(self) -> str:
        return f"{self.quantity} × {self.description}"


class Statement(models.Model):
    """One bank statement file imported; the same file (by its hash) is imported once."""

    file_name = models.CharField(_("file"), max_length=255)
    file_hash = models.CharField(_("SHA-256 of the file"), max_length=64, unique=True)
    format = models.CharField(_("format"), max_length=10, choices=StatementFormat.choices)
    account = models.CharField(_("account (IBAN)"), max_length=40, blank=True)
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)
    imported_by = models.ForeignKey(
        _USER, verbose_name=_("imported by"), related_name="+", on_delete=models.SET_NULL,
        null=True, blank=True,
    )  # fmt: skip
    entries = models.PositiveIntegerField(_("entries in the file"), default=0)
    duplicates = models.PositiveIntegerField(_("entries imported before"), default=0)

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("bank statement")
        verbose_name_plural = _("bank statements")

    def __str__(self) -> str:
        return self.file_name


class IncomingPayment(TimeStampedModel):
    """Money that arrived from a client. What is not allocated to invoices is the client's
    credit, to be applied to other invoices."""

    client = models.ForeignKey(
        Client, verbose_name=_("client"), related_name="incoming_payments",
        on_delete=models.PROTECT,
    )  # fmt: skip
    amount = MoneyField(_("amount"))
    currency = CurrencyField(_("currency"))
    received_on = models.DateField(_("money arrived on"), db_index=True)
    source = models.CharField(_("source"), max_length=10, choices=PaymentSource.choices)
    reference = models.CharField(_("purpose / reference"), max_length=500, blank=True)
    payer_name = models.CharField(_("payer"), max_length=255, blank=True)
    allocated_amount = MoneyField(_("allocated to invoices"), default=Decimal("0.00"))
    # The shop's card payment this one records (once: unique).
    card_payment = models.OneToOneField(
        CardPayment, verbose_name=_("card payment"), related_name="+",
        on_delete=models.PROTECT, null=True, blank=True,
    )  # fmt: skip
    recorded_by = models.ForeignKey(
        _USER, verbose_name=_("recorded by"), related_name="+", on_delete=models.SET_NULL,
        null=True, blank=True,
    )  # fmt: skip

    objects = AuditedManager()

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("incoming payment")
        verbose_name_plural = _("incoming payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="billing_payment_positive"),
            models.CheckConstraint(
                condition=Q(allocated_amount__gte=0) & Q(allocated_amount__lte=models.F("amount")),
                name="billing_payment_allocated_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} {self.received_on}"

    @property
    def unallocated(self) -> Decimal:
        """What of the payment is the client's credit."""
        return self.amount - self.allocated_amount


class Allocation(models.Model):
    """Part of a payment applied to an invoice (negative: taken back by a credit note)."""

    payment = models.ForeignKey(
        IncomingPayment, verbose_name=_("payment"), related_name="allocations",
        on_delete=models.PROTECT,
    )  # fmt: skip
    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), related_name="allocations", on_delete=models.PROTECT
    )
    amount = MoneyField(_("amount"))
    # When the invoice counts as paid by this money: the day it arrived, or the day of issue
    # for money that was there before (a prepayment or the client's credit).
    paid_on = models.DateField(_("paid on"), db_index=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by = models.ForeignKey(
        _USER, verbose_name=_("by"), related_name="+", on_delete=models.SET_NULL,
        null=True, blank=True,
    )  # fmt: skip
    credit_note = models.ForeignKey(
        CreditNote, verbose_name=_("credit note"), related_name="releases",
        on_delete=models.PROTECT, null=True, blank=True,
    )  # fmt: skip

    objects = AuditedManager()

    class Meta:
        ordering = ["paid_on", "id"]
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="billing_allocation_not_zero")
        ]

    def __str__(self) -> str:
        return f"{self.amount} → {self.invoice}"


class StatementLine(models.Model):
    """One entry of a bank statement: matched to a payment, or waiting in the queue."""

    statement = models.ForeignKey(
        Statement, verbose_name=_("statement"), related_name="lines", on_delete=models.CASCADE
    )
    account = models.CharField(_("account (IBAN)"), max_length=40, blank=True)
    # The bank's own reference of the entry (AcctSvcrRef, else EndToEndId, else a hash of the
    # entry): the same entry in a later, overlapping file is not imported again.
    entry_ref = models.CharField(_("bank reference"), max_length=140)
    booked_on = models.DateField(_("booked on"))
    amount = MoneyField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    is_credit = models.BooleanField(_("money in"), default=True)
    payer_name = models.CharField(_("payer"), max_length=255, blank=True)
    payer_account = models.CharField(_("payer's account"), max_length=40, blank=True)
    payer_code = models.CharField(_("payer's registration code"), max_length=20, blank=True)
    purpose = models.CharField(_("purpose of payment"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=LineStatus.choices)
    problem = models.CharField(_("problem"), max_length=20, choices=LineProblem.choices, blank=True)
    payment = models.OneToOneField(
        IncomingPayment, verbose_name=_("payment"), related_name="statement_line",
        on_delete=models.PROTECT, null=True, blank=True,
    )  # fmt: skip
    resolved_by = models.ForeignKey(
        _USER, verbose_name=_("resolved by"), related_name="+", on_delete=models.SET_NULL,
        null=True, blank=True,
    )  # fmt: skip
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        ordering = ["booked_on", "id"]
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        constraints = [
            models.UniqueConstraint(fields=["account", "entry_ref"], name="billing_entry_once")
        ]
        indexes = [models.Index(fields=["status", "booked_on"], name="billing_line_queue")]

    def __str__(self) -> str:
        return f"{self.booked_on} {self.amount} {self.currency}"


class DunningNotice(models.Model):
    """One reminder step sent for an invoice (once: unique), and the follow-up it planned."""

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), related_name="dunning_notices",
        on_delete=models.CASCADE,
    )  # fmt: skip
    step = models.SmallIntegerField(_("days after the due date"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    emailed = models.BooleanField(_("e-mailed"), default=False)
    activity = models.ForeignKey(
        Activity, verbose_name=_("follow-up"), related_name="+", on_delete=models.SET_NULL,
        null=True, blank=True,
    )  # fmt: skip

    class Meta:
        ordering = ["invoice", "step"]
        verbose_name = _("dunning notice")
        verbose_name_plural = _("dunning notices")
        constraints = [
            models.UniqueConstraint(fields=["invoice", "step"], name="billing_dunning_once")
        ]

    def __str__(self) -> str:
        return f"{self.invoice} {self.step:+d}"


class CreditLimit(models.Model):
    """How much a client may owe at once; billing warns at an order or deal above it."""

    client = models.OneToOneField(
        Client, verbose_name=_("client"), related_name="credit_limit", on_delete=models.CASCADE
    )
    amount = MoneyField(_("credit limit"))
    set_by = models.ForeignKey(
        _USER, verbose_name=_("set by"), related_name="+", on_delete=models.SET_NULL,
        null=True, blank=True,
    )  # fmt: skip
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = AuditedManager()

    class Meta:
        verbose_name = _("credit limit")
        verbose_name_plural = _("credit limits")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="billing_limit_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.client}: {self.amount}"
