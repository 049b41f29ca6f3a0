"""Reads of the site tracking: a client's visits for the card (M6, M11).

Visits already folded come from SiteSession; the ones still going (or not yet folded by the
job) are folded here from the raw events, so a manager sees a visit of a minute ago.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings

from kramar.clients.models import Client
from kramar.crm.models import Deal
from kramar.orders.models import Order
from kramar.tracking.models import ClientTouch, DealTouch, Event, OrderTouch, SiteSession
from kramar.tracking.services.sessions import session_summary

LIVE_EVENTS = 300


@dataclass
class Visit:
    started_at: datetime
    ended_at: datetime
    landing_page: str
    referrer: str
    source: str
    medium: str
    campaign: str
    summary: dict[str, Any] = field(default_factory=dict)


def client_visits(*, client: Client, limit: int = 10) -> list[Visit]:
    """Return a client's visits to the site, newest first, at most ``limit``.

    The caller has already checked that the viewer may see the client (clients.selectors).
    """
    folded = list(SiteSession.objects.filter(client=client).order_by("-started_at")[:limit])
    keys = {s.key for s in folded}
    live_events = list(
        Event.objects.filter(visitor__client=client, is_bot=False)
        .exclude(session__in=SiteSession.objects.filter(client=client).values("key"))
        .order_by("-occurred_at", "-pk")[:LIVE_EVENTS]
    )
    by_key: dict[str, list[Event]] = {}
    for event in reversed(live_events):
        if event.session not in keys:
            by_key.setdefault(event.session, []).append(event)
    visits = [
        Visit(
            started_at=s.started_at,
            ended_at=s.ended_at,
            landing_page=s.landing_page,
            referrer=s.referrer,
            source=s.source,
            medium=s.medium,
            campaign=s.campaign,
            summary=s.summary,
        )
        for s in folded
    ]
    for events in by_key.values():
        first = events[0]
        visits.append(
            Visit(
                started_at=first.occurred_at,
                ended_at=events[-1].occurred_at,
                landing_page=first.landing_page,
                referrer=first.referrer,
                source=first.source,
                medium=first.medium,
                campaign=first.campaign,
                summary=session_summary(events),
            )
        )
    visits.sort(key=lambda visit: visit.started_at, reverse=True)
    return visits[:limit]


def client_touch(*, client: Client) -> ClientTouch | None:
    """Return how the client first and last came to the site, if it was recorded."""
    return ClientTouch.objects.filter(client=client).first()


def deal_touch(*, deal: Deal) -> DealTouch | None:
    """Return how the lead/deal's client had come to the site when the site opened it."""
    return DealTouch.objects.filter(deal=deal).first()


def order_touch(*, order: Order) -> OrderTouch | None:
    """Return how the buyer had come to the site when the order was placed."""
    return OrderTouch.objects.filter(order=order).first()


def session_gap_minutes() -> int:
    return int(settings.TRACKING_SESSION_GAP.total_seconds() // 60)
