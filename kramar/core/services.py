"""Writes of the core app."""

from __future__ import annotations

import os
import socket
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from kramar.core.models import WorkerHeartbeat


@transaction.atomic
def worker_heartbeat_record(
    *, worker_id: str, backend: str, started_at: datetime, now: datetime | None = None
) -> WorkerHeartbeat:
    """Record that the worker ``worker_id`` is alive now."""
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "backend": backend,
            "started_at": started_at,
            "last_seen_at": now or timezone.now(),
        },
    )
    return heartbeat


@transaction.atomic
def worker_heartbeat_remove(*, worker_id: str) -> None:
    """Forget a worker that stopped cleanly."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
