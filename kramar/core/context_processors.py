from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def kramar(request: HttpRequest) -> dict[str, Any]:
    """Expose the few settings that every page needs."""
    return {"DEFAULT_CURRENCY": settings.DEFAULT_CURRENCY, "DEBUG": settings.DEBUG}
