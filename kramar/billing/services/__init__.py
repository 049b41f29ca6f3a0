"""Writes of billing (CONVENTIONS.md rule 1): one module per concern, re-exported here."""

from kramar.billing.services.dunning import DunningRound, dunning_run, overdue_mark
from kramar.billing.services.invoices import (
    credit_note_issue,
    invoice_amounts_recount,
    invoice_cancel,
    invoice_create,
    invoice_draft_delete,
    invoice_for_order,
    invoice_from_deal,
    invoice_issue,
    invoice_refresh,
    terms_days,
)
from kramar.billing.services.limits import credit_limit_set
from kramar.billing.services.lines import LineIn, lines_priced
from kramar.billing.services.numbering import number_take
from kramar.billing.services.payments import (
    card_payments_record,
    client_credit_apply,
    payment_allocate,
    payment_record,
)
from kramar.billing.services.statements import (
    MAX_BYTES,
    ImportResult,
    numbers_in,
    statement_import,
    statement_line_resolve,
)


def statements_max_bytes() -> int:
    return MAX_BYTES


__all__ = [
    "DunningRound",
    "ImportResult",
    "LineIn",
    "card_payments_record",
    "client_credit_apply",
    "credit_limit_set",
    "credit_note_issue",
    "dunning_run",
    "invoice_amounts_recount",
    "invoice_cancel",
    "invoice_create",
    "invoice_draft_delete",
    "invoice_for_order",
    "invoice_from_deal",
    "invoice_issue",
    "invoice_refresh",
    "lines_priced",
    "number_take",
    "numbers_in",
    "overdue_mark",
    "payment_allocate",
    "payment_record",
    "statement_import",
    "statement_line_resolve",
    "statements_max_bytes",
    "terms_days",
]
