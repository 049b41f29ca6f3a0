"""Choices, series, figures' buckets and error codes of billing (issue 7, M10, M17)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The series of numbers: each counts from 1 every calendar year, without gaps.
INVOICE_SERIES = "РФ"  # рахунок-фактура
CREDIT_NOTE_SERIES = "КН"  # кредитне авізо / коригування


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    PARTLY_PAID = "partly_paid", _("Partly paid")
    PAID = "paid", _("Paid")
    OVERDUE = "overdue", _("Overdue")
    CANCELLED = "cancelled", _("Cancelled")


# Invoices whose balance is still owed (an issued invoice that is not settled or cancelled).
OPEN_STATUSES = (InvoiceStatus.ISSUED, InvoiceStatus.PARTLY_PAID, InvoiceStatus.OVERDUE)


class InvoiceSource(models.TextChoices):
    ORDER = "order", _("Shop order")
    DEAL = "deal", _("Deal")
    MANUAL = "manual", _("By hand")


class PaymentTerms(models.TextChoices):
    """When the money is due, counted in calendar days from the day of issue."""

    PREPAID = "prepaid", _("Prepayment (due on issue)")
    NET_14 = "net_14", _("14 days")
    NET_30 = "net_30", _("30 days")
    CUSTOM = "custom", _("Custom number of days")


TERMS_DAYS = {PaymentTerms.PREPAID: 0, PaymentTerms.NET_14: 14, PaymentTerms.NET_30: 30}


class PaymentSource(models.TextChoices):
    MANUAL = "manual", _("Recorded by hand")
    CARD = "card", _("Card payment in the shop")
    BANK = "bank", _("Bank statement")


class StatementFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    CAMT053 = "camt053", _("ISO 20022 camt.053")


class LineStatus(models.TextChoices):
    MATCHED = "matched", _("Matched")
    QUEUED = "queued", _("Waiting for review")
    IGNORED = "ignored", _("Ignored")


class LineProblem(models.TextChoices):
    """Why a statement line waits in the matching queue (or was ignored)."""

    NONE = "", _("None")
    NO_MATCH = "no_match", _("No client or invoice found")
    AMBIGUOUS = "ambiguous", _("Several invoices could fit")
    CURRENCY = "currency", _("Not in UAH")
    INVOICE_CLOSED = "invoice_closed", _("The invoice named is cancelled or paid")
    OUTGOING = "outgoing", _("Money going out")
    OVERPAID = "overpaid", _("More than the debt: the rest is the client's credit")


class AgingBucket(models.TextChoices):
    CURRENT = "current", _("Not yet due")
    DAYS_1_30 = "1_30", _("1–30 days")
    DAYS_31_60 = "31_60", _("31–60 days")
    DAYS_61_90 = "61_90", _("61–90 days")
    OVER_90 = "over_90", _("Over 90 days")


class BillingErrorCode(models.TextChoices):
    NOT_FOUND = "billing.not_found"
    NO_LINES = "billing.no_lines"
    BAD_LINE = "billing.bad_line"
    BAD_TERMS = "billing.bad_terms"
    BAD_STATUS = "billing.bad_status"
    INVOICE_CANCELLED = "billing.invoice_cancelled"
    NOTHING_DUE = "billing.nothing_due"
    ABOVE_DEBT = "billing.amount_above_debt"
    BAD_AMOUNT = "billing.bad_amount"
    BAD_CURRENCY = "billing.bad_currency"
    CREDIT_ABOVE_INVOICE = "billing.credit_above_invoice"
    HAS_PAYMENTS = "billing.has_payments"
    DEAL_NOT_WON = "billing.deal_not_won"
    ALREADY_INVOICED = "billing.already_invoiced"
    NO_CREDIT = "billing.no_credit"
    OTHER_CLIENT = "billing.other_client"
    UNKNOWN_FORMAT = "billing.unknown_statement_format"
    UNREADABLE = "billing.unreadable_statement"
    EMPTY_STATEMENT = "billing.empty_statement"
    LINE_DONE = "billing.line_already_resolved"
    NOT_ALLOWED = "billing.not_allowed"
