"""Floods kept out of the CRM and the analytics (issue 6, "Bad input"; docs/tracking.md).

Three limits, each where it costs least:

- **web forms**: at most ``TRACKING_FORM_RATE`` sent forms per address (a cache counter per
  address, django-ratelimit's fixed window), and a honeypot field real people never see; a
  flood cannot fill the CRM with clients, leads and planned calls;
- **new visitors**: at most ``TRACKING_NEW_VISITOR_RATE`` new visitor ids per address; a script
  that drops the cookie on every request is then simply not tracked (one cache counter, read
  only for requests without a valid cookie);
- **pages of one visitor**: more than ``TRACKING_MAX_PAGES_PER_MINUTE`` in one minute flags the
  visitor's events as a robot's (``is_bot``), so the visits, touches and reports leave them out;
  counted in the signed cookie itself, so a page costs no lookup.

Behind a proxy the address is the audit trail's (``AUDIT_TRUST_X_FORWARDED_FOR``).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

from kramar.audit.context import client_ip

HONEYPOT_FIELD = "website"


def visitor_address(group: str, request: HttpRequest) -> str:
    """The rate limits' key: the caller's address (never empty)."""
    return client_ip(request) or "unknown"


def form_flood(request: HttpRequest) -> bool:
    """Count this form and say whether the address has sent too many lately."""
    return is_ratelimited(
        request,
        group="kramar-web-form",
        key=visitor_address,
        rate=settings.TRACKING_FORM_RATE,
        increment=True,
    )


def new_visitor_flood(request: HttpRequest) -> bool:
    """Count a new visitor id and say whether the address has made too many lately."""
    return is_ratelimited(
        request,
        group="kramar-new-visitor",
        key=visitor_address,
        rate=settings.TRACKING_NEW_VISITOR_RATE,
        increment=True,
    )
