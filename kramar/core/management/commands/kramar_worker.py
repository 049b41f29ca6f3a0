"""Run the background worker of the configured task backend, with a heartbeat for /healthz."""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, connections
from django.tasks import task_backends
from django.utils import timezone
from django.utils.crypto import get_random_string

from kramar.core.services import (
    recurring_jobs_enqueue_due,
    worker_heartbeat_record,
    worker_heartbeat_remove,
)

logger = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 10.0


class Heartbeat(threading.Thread):
    """Write the worker's heartbeat every few seconds until stopped."""

    def __init__(self, *, worker_id: str, backend: str) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.backend = backend
        self.started_at = timezone.now()
        self.stopped = threading.Event()

    def beat(self) -> None:
        try:
            worker_heartbeat_record(
                worker_id=self.worker_id, backend=self.backend, started_at=self.started_at
            )
            recurring_jobs_enqueue_due()
        except DatabaseError:
            logger.warning("worker heartbeat not recorded", exc_info=True)
        finally:
            connections.close_all()

    def run(self) -> None:
        while not self.stopped.is_set():
            self.beat()
            self.stopped.wait(HEARTBEAT_SECONDS)


class Command(BaseCommand):
    help = "Run the background worker of the configured task backend (database or Redis/RQ)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch", action="store_true", help="Run the waiting tasks, then stop."
        )

    def handle(self, *args: Any, batch: bool = False, **options: Any) -> None:
        backend = task_backends["default"]
        backend_name = type(backend).__name__
        worker_id = f"{backend_name.lower()}-{get_random_string(10)}"
        heartbeat = Heartbeat(worker_id=worker_id, backend=backend_name)
        heartbeat.beat()
        heartbeat.start()
        self.stdout.write(f"kramar worker {worker_id} on {backend_name}")
        try:
            if backend_name == "RQBackend":
                call_command(
                    "rqworker",
                    *sorted(backend.queues),
                    job_class="django_tasks_rq.backend.Job",
                    with_scheduler=True,
                    burst=batch,
                )
            else:
                call_command(
                    "db_worker",
                    queue_name="*",
                    batch=batch,
                    worker_id=worker_id,
                    startup_delay=not batch,
                    reload=False,
                )
        finally:
            heartbeat.stopped.set()
            worker_heartbeat_remove(worker_id=worker_id)
