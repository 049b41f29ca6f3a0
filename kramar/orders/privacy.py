"""The orders' part of a person's privacy request (clients.services.privacy).

Orders are sales documents the shop must keep (docs/privacy.md): they are exported, never
erased; an erasure waits until every order of the person is delivered, cancelled or returned.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from kramar.clients.models import Client
from kramar.orders.enums import OrderStatus
from kramar.orders.models import Order

FINISHED = (OrderStatus.DELIVERED, OrderStatus.CANCELLED, OrderStatus.RETURNED)


def export(client: Client) -> list[dict[str, Any]]:
    orders = Order.objects.filter(client=client).prefetch_related("lines").order_by("placed_at")
    return [
        {
            "number": order.number,
            "placed_at": order.placed_at.isoformat(),
            "status": order.status,
            "payment_status": order.payment_status,
            "name": order.full_name,
            "email": order.email,
            "phone": order.phone,
            "city": order.city,
            "address": order.address,
            "post_branch": order.post_branch,
            "comment": order.comment,
            "total": str(order.total),
            "currency": order.currency,
            "lines": [
                {"product": line.product_name, "quantity": line.quantity, "total": str(line.total)}
                for line in order.lines.all()
            ],
        }
        for order in orders
    ]


def refuse(client: Client) -> str | None:
    open_orders = Order.objects.filter(client=client).exclude(status__in=FINISHED).count()
    if open_orders:
        return _("%(count)d order(s) not yet delivered or cancelled") % {"count": open_orders}
    return None
