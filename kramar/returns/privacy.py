"""The returns' part of a person's privacy request: exported, kept; an open return waits."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from kramar.clients.models import Client
from kramar.returns.enums import ReturnStatus
from kramar.returns.models import GoodsReturn


def export(client: Client) -> list[dict[str, Any]]:
    return [
        {
            "number": item.number,
            "order": item.order.number,
            "status": item.status,
            "reason": item.reason,
            "comment": item.comment,
            "requested_at": item.requested_at.isoformat(),
            "refund": str(item.refund_amount),
        }
        for item in GoodsReturn.objects.filter(order__client=client)
        .select_related("order")
        .order_by("requested_at")
    ]


def refuse(client: Client) -> str | None:
    waiting = GoodsReturn.objects.filter(
        order__client=client, status=ReturnStatus.REQUESTED
    ).count()
    if waiting:
        return _("%(count)d return(s) waiting for a decision") % {"count": waiting}
    return None
