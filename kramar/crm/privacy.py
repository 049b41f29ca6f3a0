"""The CRM's part of a person's privacy request: deals and activities exported, kept.

Deals and activities are the company's records of its own work (and of its sales figures);
they stay, linked to the anonymous client, with the person's name, e-mail and phone taken
out of their texts (``Erasure.scrub``).
"""

from __future__ import annotations

from typing import Any

from kramar.clients.models import Client
from kramar.clients.services import Erasure
from kramar.crm.models import Activity, Deal

DEAL_TEXTS = ("title", "description", "lost_note")
ACTIVITY_TEXTS = ("subject", "result")


def export(client: Client) -> dict[str, list[dict[str, Any]]]:
    deals = Deal.objects.filter(client=client).select_related("stage").order_by("created_at")
    activities = Activity.objects.filter(client=client).order_by("created_at")
    return {
        "deals": [
            {
                "title": deal.title,
                "stage": deal.stage.name,
                "status": deal.status,
                "amount": str(deal.amount),
                "opened_at": deal.created_at.isoformat(),
            }
            for deal in deals
        ],
        "activities": [
            {
                "kind": activity.kind,
                "subject": activity.subject,
                "due_at": activity.due_at.isoformat() if activity.due_at else None,
                "done_at": activity.completed_at.isoformat() if activity.completed_at else None,
                "result": activity.result,
            }
            for activity in activities
        ],
    }


def erase(erasure: Erasure) -> int:
    """Keep the deals and activities, without the person's name, e-mail or phone in their texts
    (and in their audit rows)."""
    deals = list(Deal.objects.filter(client=erasure.client))
    activities = list(Activity.objects.filter(client=erasure.client))
    return erasure.scrub_records(deals, DEAL_TEXTS) + erasure.scrub_records(
        activities, ACTIVITY_TEXTS
    )
