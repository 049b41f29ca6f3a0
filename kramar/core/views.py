from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from kramar.core.selectors import system_health


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Report database, cache and worker state; 503 when the site cannot serve."""
    report = system_health()
    return JsonResponse(report, status=503 if report["status"] == "down" else 200)
