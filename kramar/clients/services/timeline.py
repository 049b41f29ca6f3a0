"""Record what happened with a client on the shared timeline (M11, M14)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from kramar.accounts.models import User
from kramar.clients.enums import (
    CONTACT_KINDS,
    TimelineKind,
)
from kramar.clients.models import Client, TimelineEntry

# --- Timeline ----------------------------------------------------------------------------------


def timeline_record(
    *,
    client: Client,
    kind: TimelineKind,
    summary: str,
    actor: User | None = None,
    occurred_at: datetime | None = None,
    source: models.Model | None = None,
    details: dict[str, Any] | None = None,
    contact: bool | None = None,
) -> TimelineEntry:
    """Record one thing that happened with a client; a contact also moves its last contact.

    Whether it is a contact follows from ``kind`` (CONTACT_KINDS) unless ``contact`` says: a
    service case's opening is a contact with the client, its internal reassignment is not.
    """
    occurred_at = occurred_at or timezone.now()
    entry = TimelineEntry.objects.create(
        client=client,
        kind=kind,
        summary=summary[:300],
        actor=actor,
        occurred_at=occurred_at,
        details=details or {},
        source_type=ContentType.objects.get_for_model(source) if source is not None else None,
        source_id=str(source.pk) if source is not None else "",
    )
    if (kind in CONTACT_KINDS) if contact is None else contact:
        # Only ever forwards: a late-arriving older e-mail must not make the client look neglected.
        Client.objects.filter(pk=client.pk).filter(
            Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=occurred_at)
        ).update(last_contact_at=occurred_at)
    return entry


def timeline_erase(*, client: Client, kind: TimelineKind) -> int:
    """Remove a client's entries of one kind (a privacy erasure of site visits); return how many.

    The only delete of the timeline: used when the client asks that a kind of record be erased.
    """
    deleted, _rows = TimelineEntry.objects.filter(client=client, kind=kind).delete()
    return deleted
