"""Reads of the audit trail. Who may read which rows is decided by the page that asks:

- a record's history is shown to whoever may see the record (the owning app's selector loads
  the record first, then asks for its rows here);
- the whole trail is shown to holders of ``audit.view_all_audit`` (administrators, the company
  head); a head of sales sees the rows written by the people of the departments they head
  (``actor_ids``).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from django.db.models import QuerySet

from kramar.audit.models import AuditEntry
from kramar.audit.registry import FORMER_LABELS


def record_history(*, model: str, object_id: object) -> QuerySet[AuditEntry]:
    """Return the rows of one record, newest first (also those written before it moved app)."""
    labels = [model.lower(), *FORMER_LABELS.get(model.lower(), ())]
    return AuditEntry.objects.filter(model__in=labels, object_id=str(object_id)).select_related(
        "actor"
    )


def audit_log(
    *,
    actor_ids: Collection[int] | None = None,
    actor_id: int | None = None,
    model: str = "",
    action: str = "",
    object_id: str = "",
    source: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEntry]:
    """Return the trail filtered, newest first; ``actor_ids`` limits it to those people."""
    rows = AuditEntry.objects.select_related("actor")
    if actor_ids is not None:
        rows = rows.filter(actor_id__in=list(actor_ids))
    if actor_id:
        rows = rows.filter(actor_id=actor_id)
    if model:
        rows = rows.filter(model=model.lower())
    if action:
        rows = rows.filter(action=action)
    if object_id:
        rows = rows.filter(object_id=object_id)
    if source:
        rows = rows.filter(source=source)
    if since:
        rows = rows.filter(at__date__gte=since)
    if until:
        rows = rows.filter(at__date__lte=until)
    return rows.order_by("-at", "-id")


def audited_model_labels() -> list[str]:
    """Return the record types the trail knows, for a filter's choices."""
    from kramar.audit.capture import audited_models

    return sorted(spec.key for spec in audited_models().values())
