"""First and last touch frozen on a lead/deal and an order when the site made them (M6, M9).

*First touch* is the earliest visit known of the person at that moment: of the browser that
made the lead or the order, or of any browser already linked to the client. *Last touch* is the
visit that converted: the current request's (its campaign, referrer and landing page). Without
the current visit (a deal opened later for a client who came from the site), the latest recorded
one stands in. Nothing is written for a visitor who refused tracking: nothing is known of them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from kramar.clients.models import Client
from kramar.crm.models import Deal
from kramar.orders.models import Order
from kramar.tracking.models import TOUCH_FIELDS, ClientTouch, DealTouch, Event, OrderTouch

Touch = dict[str, str]


def _clean(touch: dict[str, Any]) -> Touch:
    return {name: str(touch.get(name) or "")[:300] for name in TOUCH_FIELDS}


def touches_at(
    *,
    client: Client | None,
    visitor_id: str = "",
    current: dict[str, Any] | None = None,
    at: datetime,
) -> tuple[Touch, datetime, Touch, datetime] | None:
    """Return ``(first, first_at, last, last_at)`` known at ``at``, or None if nothing is."""
    whose = Q(visitor_id=visitor_id) if visitor_id else Q(pk__in=[])
    if client is not None:
        whose |= Q(visitor__client=client)
    events = Event.objects.filter(whose, is_bot=False, occurred_at__lte=at).order_by(
        "occurred_at", "pk"
    )
    earliest = events.first()
    first: tuple[Touch, datetime] | None = None
    if earliest is not None:
        first = (_clean({n: getattr(earliest, n) for n in TOUCH_FIELDS}), earliest.occurred_at)
    kept = ClientTouch.objects.filter(client=client).first() if client is not None else None
    if kept and kept.first_at and kept.first_at <= at and (not first or kept.first_at < first[1]):
        first = (_clean(kept.first), kept.first_at)  # raw events purged, the summary stays
    if current is not None:
        last: tuple[Touch, datetime] | None = (_clean(current), at)
    else:
        latest = events.last()
        last = (
            (_clean({n: getattr(latest, n) for n in TOUCH_FIELDS}), latest.occurred_at)
            if latest is not None
            else None
        )
    if first is None and last is None:
        return None
    first = first or last
    last = last or first
    assert first is not None and last is not None  # noqa: S101 (narrowing for the type checker)
    return first[0], first[1], last[0], last[1]


def _fields(touches: tuple[Touch, datetime, Touch, datetime]) -> dict[str, Any]:
    first, first_at, last, last_at = touches
    return {"first": first, "first_at": first_at, "last": last, "last_at": last_at}


def deal_touch_record(
    *,
    deal: Deal,
    visitor_id: str = "",
    current: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> DealTouch | None:
    """Freeze on a lead/deal how its client came to the site; None if nothing is known."""
    touches = touches_at(
        client=deal.client, visitor_id=visitor_id, current=current, at=now or timezone.now()
    )
    if touches is None:
        return None
    record, _created = DealTouch.objects.update_or_create(deal=deal, defaults=_fields(touches))
    return record


def order_touch_record(
    *,
    order: Order,
    visitor_id: str = "",
    current: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> OrderTouch | None:
    """Freeze on an order how its buyer came to the site; None if nothing is known."""
    touches = touches_at(
        client=order.client, visitor_id=visitor_id, current=current, at=now or timezone.now()
    )
    if touches is None:
        return None
    record, _created = OrderTouch.objects.update_or_create(order=order, defaults=_fields(touches))
    return record
