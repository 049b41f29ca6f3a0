"""The tracking part of the JSON API: a client's site data out, and erased (M6, privacy).

The same services and selectors as the office; no business rule lives here.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from kramar.accounts.permissions import require_permission
from kramar.clients.selectors import client_get
from kramar.core.schemas import AUTHENTICATED, Id, problems
from kramar.tracking import services

router = Router(tags=["tracking"])


@router.get(
    "/clients/{client_id}/site-data",
    response={200: dict[str, Any], **problems(*AUTHENTICATED, 404)},
    summary="Everything the site recorded of a client (a privacy request); audited",
)
def site_data_export(request: HttpRequest, client_id: Id) -> dict[str, Any]:
    user = require_permission(request, "tracking.export_site_data")
    client = client_get(viewer=user, pk=client_id)
    return services.client_site_data_export(actor=user, client=client)


@router.delete(
    "/clients/{client_id}/site-data",
    response={200: dict[str, int], **problems(*AUTHENTICATED, 404)},
    summary="Erase what the site recorded of a client (visits, events, touches); audited",
)
def site_data_erase(request: HttpRequest, client_id: Id) -> dict[str, int]:
    user = require_permission(request, "tracking.erase_site_data")
    client = client_get(viewer=user, pk=client_id)
    return services.client_site_data_erase(actor=user, client=client)
