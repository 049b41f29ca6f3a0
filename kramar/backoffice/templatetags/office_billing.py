"""What the client, deal and order cards show of billing, read through billing's selectors:
the invoices, the debt and credit, and the credit-limit warning (issue 7, M17).

Tags rather than the cards' views, so that those pages need not know the billing app.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from kramar.billing.enums import InvoiceStatus, PaymentTerms
from kramar.billing.selectors import VIEW, credit_check, invoice_list

register = template.Library()
CARD_LIMIT = 20


def _viewer(context: dict[str, Any]) -> Any:
    return context["request"].user


@register.simple_tag(takes_context=True)
def client_billing(context: dict[str, Any], client: Any) -> dict[str, Any]:
    """The client's latest invoices the person may see, their debt, credit and limit."""
    viewer = _viewer(context)
    if not viewer.has_perm(VIEW):
        return {}
    return {
        "billing_invoices": list(invoice_list(viewer=viewer, client_id=client.pk)[:CARD_LIMIT]),
        "credit_check": credit_check(client=client),
    }


@register.simple_tag(takes_context=True)
def deal_billing(context: dict[str, Any], deal: Any) -> dict[str, Any]:
    """The deal's invoices, and whether its amount would take the client over their limit."""
    viewer = _viewer(context)
    if not viewer.has_perm(VIEW):
        return {}
    invoices = list(invoice_list(viewer=viewer, deal_id=deal.pk)[:CARD_LIMIT])
    invoiced = any(invoice.status != InvoiceStatus.CANCELLED for invoice in invoices)
    adding = Decimal(0) if invoiced or deal.status == "lost" else deal.amount
    return {
        "billing_invoices": invoices,
        "credit_check": credit_check(client=deal.client, adding=adding),
        "terms": PaymentTerms.choices,
    }


@register.simple_tag(takes_context=True)
def order_billing(context: dict[str, Any], order: Any) -> dict[str, Any]:
    """The order's invoices, and whether the order takes the client over their limit."""
    viewer = _viewer(context)
    if not viewer.has_perm(VIEW):
        return {}
    invoices = list(invoice_list(viewer=viewer).filter(order=order)[:CARD_LIMIT])
    adding = Decimal(0) if invoices or order.payment_status == "paid" else order.total
    return {"billing_invoices": invoices, "credit_check": credit_check(client=order.client,
                                                                       adding=adding)}  # fmt: skip
