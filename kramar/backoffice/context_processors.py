from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kramar.backoffice.navigation import navigation_for


def office(request: HttpRequest) -> dict[str, Any]:
    """Give back-office pages the navigation of the signed-in staff member's roles."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff:
        return {"office_navigation": []}
    return {"office_navigation": navigation_for(user, request.path)}
