"""The CRM's part of a person's privacy request: deals and activities exported, kept.

Deals and activities are the company's records of its own work (and of its sales figures);
they stay, linked to the anonymous client, with the person's name, e-mail and phone taken
out of their texts (``Erasure.scrub``).
"""

from __future__ import annotations

from typing import Any

from kramar.audit.services import audit_redact
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


def _scrub_records(erasure: Erasure, records: list[Any], fields: tuple[str, ...]) -> list[str]:
    """Take the person out of the records' texts; return the ids of the records changed."""
    changed = []
    for record in records:
        edited = [f for f in fields if erasure.scrub(getattr(record, f)) != getattr(record, f)]
        if edited:
            for name in edited:
                setattr(record, name, erasure.scrub(getattr(record, name)))
            record.save(update_fields=[*edited, "updated_at"])
            changed.append(str(record.pk))
    return changed


def erase(erasure: Erasure) -> int:
    """Keep the deals and activities, without the person's name, e-mail or phone in their texts
    (and in their audit rows)."""
    deals = list(Deal.objects.filter(client=erasure.client))
    activities = list(Activity.objects.filter(client=erasure.client))
    changed = _scrub_records(erasure, deals, DEAL_TEXTS)
    changed_activities = _scrub_records(erasure, activities, ACTIVITY_TEXTS)
    audit_redact(model="crm.deal", object_ids=[str(d.pk) for d in deals], scrub=erasure.scrub)
    audit_redact(
        model="crm.activity", object_ids=[str(a.pk) for a in activities], scrub=erasure.scrub
    )
    return len(changed) + len(changed_activities)
