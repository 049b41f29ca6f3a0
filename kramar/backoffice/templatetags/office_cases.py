"""What the client card shows of the after-sales service, read through the cases selectors.

A tag rather than the card's view, so that the client pages need not know the cases app.
"""

from __future__ import annotations

from typing import Any

from django import template

from kramar.cases.models import ServiceCase
from kramar.cases.selectors import case_queue

register = template.Library()
CARD_LIMIT = 20


@register.simple_tag(takes_context=True)
def client_cases(context: dict[str, Any], client: Any) -> list[ServiceCase]:
    """Return the client's latest cases that the signed-in person may see."""
    viewer = context["request"].user
    if not viewer.has_perm("cases.view_servicecase"):
        return []
    cases = case_queue(viewer=viewer, client=client).order_by("-created_at", "-id")
    return list(cases[:CARD_LIMIT])
