"""A bounded in-process buffer of collected events, written by a background thread (M6).

Measured (docs/tracking.md, bench/tracking.py): writing a request's events in the request
itself, even as one INSERT, costs the round trips of a transaction (BEGIN, INSERT, COMMIT),
which made a product page ~25 % slower on a busy two-core machine. So by default the middleware
only appends the request's collector here; a daemon thread of the process writes everything
gathered every ``TRACKING_BUFFER_SECONDS`` (or as soon as ``BATCH`` requests wait) in one
INSERT. The buffer is bounded (``MAX_PENDING`` requests): when the database cannot keep up,
events are dropped and counted, never queued without end. A stopping process writes what it
holds (atexit); a killed one loses at most the last interval. ``TRACKING_BUFFER_SECONDS = 0``
writes in the request (the tests, and anyone who prefers it).
"""

from __future__ import annotations

import atexit
import logging
import os
import threading

from django.conf import settings
from django.db import connection

from kramar.tracking.collector import Collector

logger = logging.getLogger(__name__)
BATCH = 200
MAX_PENDING = 5000


class EventBuffer:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pending: list[Collector] = []
        self.wake = threading.Event()
        self.dropped = 0
        self.pid = 0

    def put(self, collector: Collector) -> bool:
        """Keep a request's events for the writer; False if the buffer is full (dropped)."""
        with self.lock:
            if len(self.pending) >= MAX_PENDING:
                self.dropped += 1
                return False
            self.pending.append(collector)
            if self.pid != os.getpid():  # first use in this process (or after a fork)
                self.pid = os.getpid()
                threading.Thread(target=self._run, name="tracking-writer", daemon=True).start()
            if len(self.pending) >= BATCH:
                self.wake.set()
        return True

    def flush(self) -> int:
        """Write everything waiting, in one INSERT; return how many events."""
        from kramar.tracking.services import events_write

        with self.lock:
            batch, self.pending = self.pending, []
        if not batch:
            return 0
        return events_write(collectors=batch)

    def _run(self) -> None:
        while True:
            self.wake.wait(max(settings.TRACKING_BUFFER_SECONDS, 1))
            self.wake.clear()
            try:
                self.flush()
            except Exception:  # keep the writer alive whatever one batch did
                logger.exception("site events batch not written")
            finally:
                connection.close()


buffer = EventBuffer()
atexit.register(buffer.flush)
