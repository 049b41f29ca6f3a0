"""Retention, export and erasure of what the site recorded of a client (docs/tracking.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kramar.accounts.models import User
from kramar.audit import capture
from kramar.audit.enums import AuditAction
from kramar.clients.enums import TimelineKind
from kramar.clients.models import Client
from kramar.clients.services import Erasure, timeline_erase
from kramar.tracking.models import (
    ClientTouch,
    DealTouch,
    Event,
    OrderTouch,
    SiteSession,
    Touches,
    Visitor,
    WebFormSubmission,
)
from kramar.tracking.services.sessions import sessions_fold

EVENT_FIELDS = (
    "kind",
    "occurred_at",
    "path",
    "referrer",
    "landing_page",
    "source",
    "medium",
    "campaign",
    "term",
    "content",
    "gclid",
    "fbclid",
    "details",
)


def events_purge(*, now: datetime | None = None) -> int:
    """Delete raw events older than ``TRACKING_RETENTION_DAYS``; their visits stay folded."""
    now = now or timezone.now()
    sessions_fold(now=now)
    cutoff = now - settings.TRACKING_RETENTION
    deleted, _rows = Event.objects.filter(occurred_at__lt=cutoff).delete()
    return deleted


def _audit(actor: User, client: Client, action: str, counts: dict[str, int]) -> None:
    capture.write(
        [
            {
                "action": action,
                "model": "clients.client",
                "object_id": str(client.pk),
                "object_repr": str(client)[:200],
                "changes": {"site_data": [None, counts]},
            }
        ]
    )


def _touches(record: Touches, **key: object) -> dict[str, Any]:
    return {
        **key,
        "first": record.first,
        "first_at": record.first_at.isoformat() if record.first_at else None,
        "last": record.last,
        "last_at": record.last_at.isoformat() if record.last_at else None,
    }


def client_site_data_export(*, actor: User, client: Client) -> dict[str, Any]:
    """Return everything the site recorded of a client, as JSON-ready data; audited."""
    data = client_site_data(client=client)
    _audit(
        actor,
        client,
        AuditAction.EXPORT,
        {"events": len(data["events"]), "sessions": len(data["sessions"])},
    )
    return data


def client_site_data(*, client: Client) -> dict[str, Any]:
    """Return everything the site recorded of a client, as JSON-ready data (not audited: the
    caller's export is)."""
    visitors = list(Visitor.objects.filter(client=client).order_by("created_at"))
    events = Event.objects.filter(visitor__client=client).order_by("occurred_at", "pk")
    sessions = SiteSession.objects.filter(client=client).order_by("started_at")
    touch = ClientTouch.objects.filter(client=client).first()
    data = {
        "client": client.pk,
        "visitors": [
            {"id": v.id, "first_seen": v.created_at.isoformat(), "identified_at": v.identified_at}
            for v in visitors
        ],
        "first_touch": touch.first if touch else {},
        "last_touch": touch.last if touch else {},
        "sessions": [
            {
                "started_at": s.started_at.isoformat(),
                "ended_at": s.ended_at.isoformat(),
                "landing_page": s.landing_page,
                "referrer": s.referrer,
                "source": s.source,
                "medium": s.medium,
                "campaign": s.campaign,
                "summary": s.summary,
            }
            for s in sessions
        ],
        "events": [
            {
                name: (value.isoformat() if isinstance(value, datetime) else value)
                for name in EVENT_FIELDS
                for value in [getattr(event, name)]
            }
            for event in events
        ],
        "deal_touches": [
            _touches(t, deal=t.deal_id)
            for t in DealTouch.objects.filter(deal__client=client).order_by("deal_id")
        ],
        "order_touches": [
            _touches(t, order=t.order.number)
            for t in OrderTouch.objects.filter(order__client=client)
            .select_related("order")
            .order_by("order_id")
        ],
        "forms": [
            {"kind": f.kind, "sent_at": f.created_at.isoformat(), "message": f.message}
            for f in WebFormSubmission.objects.filter(client=client)
        ],
    }
    for visitor in data["visitors"]:
        at = visitor["identified_at"]
        visitor["identified_at"] = at.isoformat() if at else None
    return data


@transaction.atomic
def client_site_data_erase(*, actor: User, client: Client) -> dict[str, int]:
    """Erase what the site recorded of a client: visitors, events, visits, the touches of the
    client, its deals and its orders; audited.

    The client record, its orders and letters stay (the shop must keep sales records); the
    visits come off its timeline. The browser's cookie, if it comes back, starts a new visitor.
    """
    events = Event.objects.filter(visitor__client=client).count()
    sessions = SiteSession.objects.filter(client=client).count()
    SiteSession.objects.filter(client=client).delete()
    Visitor.objects.filter(client=client).delete()
    ClientTouch.objects.filter(client=client).delete()
    touches = DealTouch.objects.filter(deal__client=client).delete()[0]
    touches += OrderTouch.objects.filter(order__client=client).delete()[0]
    entries = timeline_erase(client=client, kind=TimelineKind.SITE_SESSION)
    counts = {"events": events, "sessions": sessions, "timeline": entries, "touches": touches}
    _audit(actor, client, AuditAction.ERASE, counts)
    return counts


def erase_for_person(erasure: Erasure) -> int:
    """Tracking's part of a person's erasure: the site data, and the forms they sent."""
    counts = client_site_data_erase(actor=erasure.actor, client=erasure.client)
    forms, _rows = WebFormSubmission.objects.filter(client=erasure.client).delete()
    return sum(counts.values()) + forms
