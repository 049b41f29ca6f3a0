"""Write the collected events and link a visitor to the client it turns out to be (M6, M11)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from kramar.clients.models import Client
from kramar.tracking.collector import Collector
from kramar.tracking.enums import EventKind
from kramar.tracking.models import TOUCH_FIELDS, ClientTouch, Event, SiteSession, Visitor

logger = logging.getLogger(__name__)


def _rows(collector: Collector) -> list[Event]:
    touch = collector.touch
    return [
        Event(
            visitor_id=collector.visitor_id,
            session=collector.session,
            kind=event["kind"],
            occurred_at=event["at"],
            path=collector.path,
            referrer=touch.get("referrer", "")[:300],
            landing_page=touch.get("landing_page", "")[:300],
            source=touch.get("source", ""),
            medium=touch.get("medium", ""),
            campaign=touch.get("campaign", ""),
            term=touch.get("term", ""),
            content=touch.get("content", ""),
            gclid=touch.get("gclid", ""),
            fbclid=touch.get("fbclid", ""),
            details=event["details"],
            is_bot=collector.is_bot,
        )
        for event in collector.events
    ]


def events_flush(*, collector: Collector) -> int:
    """Write one request's events now (``TRACKING_BUFFER_SECONDS = 0``); never raises."""
    return events_write(collectors=[collector])


def events_write(*, collectors: Sequence[Collector]) -> int:
    """Write the events of many requests in one INSERT (plus new visitors' rows), then link
    the visitors that said who they are. Never raises: losing page views must not break a page.
    """
    rows = [row for collector in collectors for row in _rows(collector)]
    try:
        new = [Visitor(id=c.visitor_id) for c in collectors if c.is_new_visitor]
        if new:
            Visitor.objects.bulk_create(new, ignore_conflicts=True)
        try:
            with transaction.atomic():
                _no_wait_for_disk()
                Event.objects.bulk_create(rows)
        except IntegrityError:
            # A visitor was erased (a privacy request) while its browser kept the cookie.
            Visitor.objects.bulk_create(
                [Visitor(id=c.visitor_id) for c in collectors], ignore_conflicts=True
            )
            Event.objects.bulk_create(rows)
        for collector in collectors:
            _identify(collector)
    except Exception:
        logger.exception("%d site events not written", len(rows))
        return 0
    return len(rows)


def _identify(collector: Collector) -> None:
    """Link the visitor that said who it is; a known visitor's new touch moves its client's."""
    client = None
    if collector.client_id is not None:
        client = Client.objects.filter(pk=collector.client_id).first()
    elif collector.user_id is not None:
        client = Client.objects.filter(user_id=collector.user_id).first()
    if client is not None:
        visitor_identify(visitor_id=collector.visitor_id, client=client)
    elif collector.new_touch and not collector.is_new_visitor and not collector.is_bot:
        # A returning visitor linked earlier, on a new visit or campaign: one read per visit.
        client = Client.objects.filter(site_visitors=collector.visitor_id).first()
        if client is not None:
            client_touch_refresh(client=client)


def _no_wait_for_disk() -> None:
    """Let PostgreSQL commit the events without waiting for the write-ahead log's flush.

    Measured (docs/tracking.md): waiting for the disk was most of what tracking added to a page.
    A crash may lose the last fraction of a second of page views, never corrupt anything, and
    only this transaction is concerned: orders and payments keep their durable commits.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


@transaction.atomic
def visitor_identify(*, visitor_id: str, client: Client, now: datetime | None = None) -> bool:
    """Link a visitor, with all its earlier events and visits, to a client; return if it changed.

    A visitor already linked keeps its client (a shared computer does not move one person's
    history to another); each device of a client is its own visitor pointing at the same client.
    """
    now = now or timezone.now()
    if client.merged_into_id is not None and client.merged_into is not None:
        client = client.merged_into
    linked = Visitor.objects.filter(pk=visitor_id, client__isnull=True).update(
        client=client, identified_at=now
    )
    if linked:
        SiteSession.objects.filter(visitor_id=visitor_id, client__isnull=True).update(client=client)
    client_touch_refresh(client=client)
    return bool(linked)


def _touch_of(event: Event) -> dict[str, str]:
    return {name: getattr(event, name) for name in TOUCH_FIELDS}


@transaction.atomic
def client_touch_refresh(*, client: Client) -> ClientTouch | None:
    """Keep the client's first and last touch (UTM, click ids, referrer, landing page) current."""
    events = Event.objects.filter(visitor__client=client, is_bot=False).order_by("occurred_at")
    first, last = events.first(), events.last()
    if first is None or last is None:
        return None
    touch, _created = ClientTouch.objects.select_for_update().get_or_create(client=client)
    changed = []
    if touch.first_at is None or first.occurred_at < touch.first_at:
        touch.first, touch.first_at = _touch_of(first), first.occurred_at
        changed += ["first", "first_at"]
    if touch.last_at is None or last.occurred_at > touch.last_at:
        touch.last, touch.last_at = _touch_of(last), last.occurred_at
        changed += ["last", "last_at"]
    if changed:
        touch.save(update_fields=changed)
    return touch


__all__ = [
    "EventKind",
    "client_touch_refresh",
    "events_flush",
    "events_write",
    "visitor_identify",
]
