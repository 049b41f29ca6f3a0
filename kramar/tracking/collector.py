"""Collect a consenting visitor's events during a request and write them once at its end (M6).

The visitor's id, its current session and the time of its last event travel in one signed
first-party cookie (``TRACKING_COOKIE``), so recording a page costs no read: the events of the
request are one bulk INSERT after the view has answered. A cookie whose signature does not
check is ignored and replaced by a new visitor; nothing is recorded without the consent cookie
saying ``all`` (docs/tracking.md).
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

from kramar.tracking import guard
from kramar.tracking.enums import EventKind

CONSENT_COOKIE = "kramar_consent"
CONSENT_ALL = "all"
CONSENT_NECESSARY = "necessary"
VISITOR_SALT = "kramar.tracking.visitor"
SESSION_TOUCH_KEY = "tracking_touch"
UTM_PARAMETERS = {
    "utm_source": "source",
    "utm_medium": "medium",
    "utm_campaign": "campaign",
    "utm_term": "term",
    "utm_content": "content",
    "gclid": "gclid",
    "fbclid": "fbclid",
}
EXCLUDED_PREFIXES = ("/office/", "/admin/", "/static/", "/media/", "/healthz", "/tracking/")
MAX_EVENTS_PER_REQUEST = 20
MAX_DETAIL_TEXT = 200
MAX_DETAIL_KEYS = 12
# Crawlers, monitors and scripts: no visitor cookie, and events of a known visitor are flagged.
BOT_USER_AGENT = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|mediapartners|facebookexternalhit|embedly|preview|"
    r"lighthouse|pingdom|uptime|monitor|curl/|wget/|python-requests|python-urllib|httpx|"
    r"go-http-client|java/|okhttp|libwww|scrapy|phantomjs",
    re.IGNORECASE,
)


def is_bot(user_agent: str) -> bool:
    """Say whether a user agent looks like a robot (empty ones do: browsers always send one)."""
    return not user_agent.strip() or bool(BOT_USER_AGENT.search(user_agent))


def clean_text(value: Any, limit: int) -> str:
    """Return printable text cut to ``limit``: what a visitor sends is never trusted whole."""
    return "".join(ch for ch in str(value or "") if ch.isprintable())[:limit].strip()


def has_consent(request: HttpRequest) -> bool:
    return request.COOKIES.get(CONSENT_COOKIE) == CONSENT_ALL


def consent_given(request: HttpRequest) -> bool:
    """Say whether the visitor has answered the banner (either way)."""
    return request.COOKIES.get(CONSENT_COOKIE) in (CONSENT_ALL, CONSENT_NECESSARY)


def _clean_details(details: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for key, value in list(details.items())[:MAX_DETAIL_KEYS]:
        if isinstance(value, bool | int | float) or value is None:
            clean[str(key)[:40]] = value
        else:
            clean[str(key)[:40]] = clean_text(value, MAX_DETAIL_TEXT)
    return clean


def _external_referrer(request: HttpRequest) -> str:
    referrer = clean_text(request.headers.get("referer", ""), 300)
    if referrer and urlsplit(referrer).netloc != request.get_host():
        return referrer
    return ""


@dataclass
class Collector:
    """The events of one request of one consenting visitor, written by :func:`flush`."""

    visitor_id: str
    session: str
    is_new_visitor: bool
    is_bot: bool
    touch: dict[str, str]
    path: str
    events: list[dict[str, Any]] = field(default_factory=list)
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    client_id: int | None = None
    user_id: int | None = None
    new_touch: bool = False
    minute: int = 0  # the minute (since the epoch) the cookie counts pages in, and how many
    pages: int = 0

    def add(self, kind: EventKind, **details: Any) -> None:
        if len(self.events) >= MAX_EVENTS_PER_REQUEST:
            return
        self.events.append(
            {"kind": kind, "at": datetime.now(UTC), "details": _clean_details(details)}
        )


def start(request: HttpRequest) -> Collector | None:
    """Begin collecting for this request, or return None (no consent, a page of staff...)."""
    if request.path.startswith((*EXCLUDED_PREFIXES, settings.API_URL_PREFIX)):
        return None
    if not has_consent(request):
        return None
    bot = is_bot(request.headers.get("user-agent", ""))
    minute, pages = int(time.time() // 60), 1
    try:
        value = request.get_signed_cookie(settings.TRACKING_COOKIE, salt=VISITOR_SALT)
        visitor_id, session, last_seen, *counted = str(value).split(":")
        last = float(last_seen)
        if len(counted) == 2 and int(counted[0]) == minute:
            pages = int(counted[1]) + 1
    except (KeyError, ValueError, signing.BadSignature):  # absent, malformed or forged
        if bot or guard.new_visitor_flood(request):
            return None  # a robot, or a script dropping the cookie: no visitor of its own
        visitor_id, session, last = secrets.token_hex(16), "", 0.0
        is_new = True
    else:
        is_new = False
    if pages > settings.TRACKING_MAX_PAGES_PER_MINUTE:
        bot = True  # faster than a person reads: kept, flagged, left out of the analytics
    path = clean_text(request.get_full_path(), 300)
    new_session = not session or time.time() - last > settings.TRACKING_SESSION_GAP.total_seconds()
    touch, new_touch = _session_touch(request, path, new_session=new_session)
    return Collector(
        visitor_id=visitor_id,
        session=secrets.token_hex(16) if new_session else session,
        is_new_visitor=is_new,
        is_bot=bot,
        touch=touch,
        path=path,
        new_touch=new_touch,
        minute=minute,
        pages=pages,
    )


def _session_touch(
    request: HttpRequest, path: str, *, new_session: bool
) -> tuple[dict[str, str], bool]:
    """Return how this visit came (UTM, click ids, referrer, landing page), kept per session,
    and whether it is a new touch (a new visit, or a new campaign link within one).

    A new visit, or a page opened from a new campaign link, starts a new touch; the campaign the
    shop keeps for the order anyway (storefront.CampaignMiddleware) fills in the first page
    that was opened before the visitor accepted tracking.
    """
    campaign = {
        key: clean_text(request.GET.get(name, ""), 200 if key.endswith("clid") else 100)
        for name, key in UTM_PARAMETERS.items()
    }
    session = getattr(request, "session", None)
    kept = session.get(SESSION_TOUCH_KEY) if session is not None else None
    if not new_session and not any(campaign.values()) and isinstance(kept, dict):
        return kept, False
    if not any(campaign.values()) and session is not None:
        remembered = session.get("utm") or {}
        campaign.update({k: str(v)[:100] for k, v in remembered.items() if k in campaign})
    touch = {**campaign, "referrer": _external_referrer(request), "landing_page": path}
    if session is not None:
        session[SESSION_TOUCH_KEY] = touch
    return touch, True


def track(request: HttpRequest, kind: EventKind, **details: Any) -> None:
    """Record an event of this request's visitor, if they accepted tracking (else nothing)."""
    collector: Collector | None = getattr(request, "tracking", None)
    if collector is not None:
        collector.add(kind, **details)


def identify(request: HttpRequest, *, client_id: int | None = None, user_id: int | None = None):
    """Say who this visitor is (a sign-in, an order, a form): linked when the events are written."""
    collector: Collector | None = getattr(request, "tracking", None)
    if collector is not None:
        collector.client_id = client_id or collector.client_id
        collector.user_id = user_id or collector.user_id


def forget(request: HttpRequest) -> None:
    """Drop the visitor cookie at the end of this request (a sign-out on a shared computer)."""
    request.tracking_forget = True  # type: ignore[attr-defined]


def remember(response: HttpResponse, collector: Collector) -> None:
    """Renew the visitor cookie: its id, the current session, now, and this minute's pages."""
    response.set_signed_cookie(
        settings.TRACKING_COOKIE,
        f"{collector.visitor_id}:{collector.session}:{time.time():.0f}"
        f":{collector.minute}:{collector.pages}",
        salt=VISITOR_SALT,
        max_age=settings.TRACKING_COOKIE_DAYS * 86400,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
