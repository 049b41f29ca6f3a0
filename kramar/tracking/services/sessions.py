"""Fold a visitor's events into visits, each one line on the client's timeline (M11)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kramar.clients.enums import TimelineKind
from kramar.clients.services import timeline_record
from kramar.tracking.enums import EventKind
from kramar.tracking.models import Event, SiteSession

FOLD_BATCH = 500
LIST_LIMIT = 10


def session_summary(events: Iterable[Event]) -> dict[str, list[str] | list[dict[str, object]]]:
    """Return what a visit consisted of: pages, products, searches, cart changes, the rest."""
    summary: dict[str, list] = {
        "pages": [],
        "products": [],
        "searches": [],
        "cart": [],
        "other": [],
    }
    for event in events:
        details = event.details or {}
        if event.kind == EventKind.PAGE_VIEW:
            summary["pages"].append(event.path)
        elif event.kind == EventKind.PRODUCT_VIEW:
            summary["products"].append(str(details.get("name") or event.path))
        elif event.kind == EventKind.SEARCH:
            summary["searches"].append(
                {"query": details.get("query", ""), "results": details.get("results", 0)}
            )
        elif event.kind == EventKind.CART_CHANGE:
            summary["cart"].append(
                {"product": details.get("product", ""), "quantity": details.get("quantity", 0)}
            )
        else:
            summary["other"].append({"kind": event.kind, **details})
    return {key: values[: LIST_LIMIT * 3] for key, values in summary.items()}


def session_text(summary: dict) -> str:
    """Return one line for the timeline: how many pages, which products and searches."""
    parts = [
        ngettext("%(count)d page", "%(count)d pages", len(summary.get("pages", [])))
        % {"count": len(summary.get("pages", []))}
    ]
    if summary.get("products"):
        parts.append(_("products: %(names)s") % {"names": ", ".join(summary["products"][:3])})
    if summary.get("searches"):
        queries = ", ".join(f"“{s['query']}”" for s in summary["searches"][:3])
        parts.append(_("searched %(queries)s") % {"queries": queries})
    if summary.get("cart"):
        parts.append(_("changed the cart"))
    return "; ".join(parts)


def _fold_one(key: str, events: list[Event]) -> SiteSession:
    first = events[0]
    summary = session_summary(events)
    session, _created = SiteSession.objects.update_or_create(
        key=key,
        defaults={
            "visitor_id": first.visitor_id,
            "client_id": first.visitor.client_id,
            "started_at": first.occurred_at,
            "ended_at": events[-1].occurred_at,
            "landing_page": first.landing_page,
            "referrer": first.referrer,
            "source": first.source,
            "medium": first.medium,
            "campaign": first.campaign,
            "pages": sum(1 for e in events if e.kind == EventKind.PAGE_VIEW),
            "summary": summary,
        },
    )
    return session


def sessions_to_timeline(*, sessions: Iterable[SiteSession]) -> int:
    """Put each visit of a known client on its timeline once (one entry a visit, not an event)."""
    written = 0
    for session in sessions:
        if session.client_id is None or session.on_timeline:
            continue
        timeline_record(
            client=session.client,  # type: ignore[arg-type]
            kind=TimelineKind.SITE_SESSION,
            summary=session_text(session.summary),
            occurred_at=session.started_at,
            source=session,
            details={"source": session.source, "campaign": session.campaign},
        )
        SiteSession.objects.filter(pk=session.pk).update(on_timeline=True)
        written += 1
    return written


@transaction.atomic
def sessions_fold(*, now: datetime | None = None, everything: bool = False) -> int:
    """Fold visits that ended (no event for ``TRACKING_SESSION_GAP``) into SiteSession rows.

    Idempotent: a visit folded again (its events arrived late) is rewritten, not duplicated.
    Then every folded visit of a known client not yet on its timeline is put there.
    """
    now = now or timezone.now()
    ended = Event.objects.values("session").annotate(last=Max("occurred_at"))
    if not everything:
        ended = ended.filter(last__lt=now - settings.TRACKING_SESSION_GAP)
    ended = ended.exclude(session__in=SiteSession.objects.values("key"))
    keys = [row["session"] for row in ended.order_by("last")[:FOLD_BATCH]]
    events = (
        Event.objects.filter(session__in=keys, is_bot=False)
        .select_related("visitor")
        .order_by("occurred_at", "pk")
    )
    by_key: dict[str, list[Event]] = {}
    for event in events:
        by_key.setdefault(event.session, []).append(event)
    for key, rows in by_key.items():
        _fold_one(key, rows)
    pending = SiteSession.objects.filter(client__isnull=False, on_timeline=False).select_related(
        "client"
    )[:FOLD_BATCH]
    sessions_to_timeline(sessions=pending)
    return len(by_key)
