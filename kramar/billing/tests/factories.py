"""Helpers of the billing tests: invoices made and issued through the services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from kramar.billing.models import Invoice
from kramar.billing.services import LineIn, invoice_create, invoice_issue


def issued_invoice(
    *,
    client,
    amount: str = "1200.00",
    day: date | None = None,
    terms: str = "net_14",
    days: int | None = None,
    actor=None,
    lines: list[LineIn] | None = None,
) -> Invoice:
    """Issue an invoice of one line for ``amount`` (VAT 20% included) to the client."""
    invoice = invoice_create(
        actor=actor,
        client=client,
        lines=lines or [LineIn("Стільці офісні", Decimal(1), Decimal(amount))],
        terms=terms,
        days=days,
    )
    return invoice_issue(actor=actor, invoice=invoice, today=day or date(2026, 3, 2))
