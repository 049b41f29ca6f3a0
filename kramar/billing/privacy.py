"""Billing's part of a person's privacy request (clients.services.privacy).

Invoices and credit notes are accounting documents the law makes the company keep: exported,
never erased. An erasure waits while the person owes money or holds a credit to be refunded.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from kramar.billing.models import Invoice
from kramar.billing.selectors import client_credit, client_open_debt
from kramar.clients.models import Client


def export(client: Client) -> list[dict[str, Any]]:
    return [
        {
            "number": invoice.number,
            "status": invoice.status,
            "issued_on": invoice.issue_date.isoformat() if invoice.issue_date else None,
            "buyer": invoice.buyer_name,
            "address": invoice.buyer_address,
            "total": str(invoice.total),
            "paid": str(invoice.paid_amount),
            "currency": invoice.currency,
        }
        for invoice in Invoice.objects.filter(client=client).order_by("created_at")
    ]


def refuse(client: Client) -> str | None:
    debt, credit = client_open_debt(client=client), client_credit(client=client)
    if debt:
        return _("the client owes %(amount)s on invoices") % {"amount": debt}
    if credit:
        return _("the client holds a credit of %(amount)s to be refunded") % {"amount": credit}
    return None
