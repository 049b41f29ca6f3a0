"""Writes of the core app."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from datetime import datetime, time, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from kramar.core.models import RecurringJob, WorkerHeartbeat


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


def next_daily_run(*, at: time, after: datetime) -> datetime:
    """Return the first moment after ``after`` when the local clock shows ``at``."""
    local = timezone.localtime(after)
    candidate = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    if candidate <= local:
        candidate = timezone.localtime(candidate + timedelta(days=1)).replace(
            hour=at.hour, minute=at.minute
        )
    return candidate


@transaction.atomic
def recurring_jobs_enqueue_due(*, now: datetime | None = None) -> list[str]:
    """Enqueue every recurring job that is due, once, and move it to its next occurrence.

    Daily jobs (``settings.KRAMAR_DAILY_JOBS``, at a local time) and periodic ones
    (``settings.KRAMAR_PERIODIC_JOBS``, every interval, the first run at once). Called by each
    worker's heartbeat thread; the row lock (skipped when another worker holds it) makes one
    worker enqueue each occurrence.
    """
    now = now or timezone.now()
    daily: dict[str, tuple[str, str]] = settings.KRAMAR_DAILY_JOBS
    periodic: dict[str, tuple[str, timedelta]] = getattr(settings, "KRAMAR_PERIODIC_JOBS", {})
    schedule: dict[str, tuple[str, Callable[[datetime], datetime]]] = {}
    for name, (path, clock) in daily.items():
        schedule[name] = (path, partial(_next_daily, time.fromisoformat(clock)))
    for name, (path, every) in periodic.items():
        schedule[name] = (path, partial(_next_periodic, every))
    for name in schedule:
        first = now if name in periodic else schedule[name][1](now)
        RecurringJob.objects.get_or_create(name=name, defaults={"next_run_at": first})
    enqueued = []
    due = RecurringJob.objects.select_for_update(skip_locked=True).filter(
        name__in=schedule, next_run_at__lte=now
    )
    for job in due:
        path, next_run = schedule[job.name]
        task = import_string(path)
        transaction.on_commit(task.enqueue)
        job.last_run_at = now
        job.next_run_at = next_run(now)
        job.save(update_fields=["last_run_at", "next_run_at"])
        enqueued.append(job.name)
    return enqueued


def _next_daily(at: time, after: datetime) -> datetime:
    return next_daily_run(at=at, after=after)


def _next_periodic(every: timedelta, after: datetime) -> datetime:
    return after + every
