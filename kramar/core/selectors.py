"""Reads of the core app: the system's health."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.tasks import task_backends
from django.utils import timezone
from django.utils.crypto import get_random_string

from kramar.core.models import WorkerHeartbeat


@dataclass(frozen=True)
class ComponentHealth:
    status: str  # "ok", "degraded" or "down"
    detail: dict[str, Any] = field(default_factory=dict)


def database_health() -> ComponentHealth:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return ComponentHealth("down", {"vendor": connection.vendor, "error": str(error)[:200]})
    elapsed_ms = round((time.perf_counter() - started) * 1000, 2)
    return ComponentHealth("ok", {"vendor": connection.vendor, "latency_ms": elapsed_ms})


def cache_health() -> ComponentHealth:
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    key = f"healthz:{get_random_string(12)}"
    try:
        cache.set(key, "1", timeout=10)
        value = cache.get(key)
        cache.delete(key)
    except Exception as error:
        return ComponentHealth("down", {"backend": backend, "error": str(error)[:200]})
    if value != "1":
        return ComponentHealth("down", {"backend": backend, "error": "value not read back"})
    return ComponentHealth("ok", {"backend": backend})


def worker_health(*, now: datetime | None = None) -> ComponentHealth:
    """Report the workers whose heartbeat is fresh; none alive means "degraded"."""
    now = now or timezone.now()
    stale_after = settings.WORKER_STALE_AFTER
    backend = task_backends["default"].__class__.__name__
    try:
        heartbeats = list(WorkerHeartbeat.objects.order_by("-last_seen_at")[:50])
    except DatabaseError as error:
        return ComponentHealth("down", {"backend": backend, "error": str(error)[:200]})
    alive = [beat for beat in heartbeats if now - beat.last_seen_at <= stale_after]
    detail: dict[str, Any] = {
        "backend": backend,
        "alive": len(alive),
        "stale": len(heartbeats) - len(alive),
        "last_seen_at": heartbeats[0].last_seen_at.isoformat() if heartbeats else None,
    }
    return ComponentHealth("ok" if alive else "degraded", detail)


def system_health() -> dict[str, Any]:
    """Return the health of the database, the cache and the workers.

    The overall status is "down" when the database or the cache is down (the site cannot serve),
    "degraded" when no worker is alive (pages work, background work waits), else "ok".
    """
    components = {
        "database": database_health(),
        "cache": cache_health(),
        "worker": worker_health(),
    }
    statuses = {name: part.status for name, part in components.items()}
    if "down" in (statuses["database"], statuses["cache"]):
        overall = "down"
    elif any(status != "ok" for status in statuses.values()):
        overall = "degraded"
    else:
        overall = "ok"
    return {"status": overall, "components": {k: asdict(v) for k, v in components.items()}}
