"""The after-sales part of the JSON API: service cases and their steps (M14).

The same services, selectors and rules as the pages; no business rule lives here.
"""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from kramar.accounts.models import User
from kramar.accounts.permissions import require_permission
from kramar.cases import selectors, services
from kramar.cases.enums import CaseStatus
from kramar.cases.models import ServiceCase
from kramar.cases.schemas import AssignIn, CaseIn, CaseListOut, CaseOut, ResolveIn, StatusIn
from kramar.clients.selectors import client_get
from kramar.core.errors import ApplicationError, CoreErrorCode
from kramar.core.pagination import PageNumberPagination
from kramar.core.schemas import AUTHENTICATED, Id, problems

router = Router(tags=["cases"])
VIEW_CASE = "cases.view_servicecase"
CHANGE_CASE = "cases.change_servicecase"


class CaseFilters(Schema):
    status: CaseStatus | None = None
    mine: bool = False
    overdue: bool = False
    client_id: Id | None = None


def _staff(pk: int, field: str) -> User:
    """Return the active staff member that the input's ``field`` names, or refuse it (400)."""
    person = User.objects.filter(pk=pk, is_staff=True, is_active=True).first()
    if person is None:
        raise ApplicationError(
            CoreErrorCode.VALIDATION,
            _("There is no such record: %(field)s.") % {"field": field},
            extra={"field": field},
        )
    return person


def _visible(
    request: HttpRequest, case_id: Id, permission: str = VIEW_CASE
) -> tuple[User, ServiceCase]:
    user = require_permission(request, permission)
    return user, selectors.case_get(viewer=user, pk=case_id)


@router.get(
    "/cases",
    response={200: list[CaseListOut], **problems(*AUTHENTICATED, 404)},
    summary="Service cases I may see, filtered, the one due soonest first",
)
@paginate(PageNumberPagination)
def case_list(request: HttpRequest, filters: Query[CaseFilters], **kwargs: Any) -> Any:
    user = require_permission(request, VIEW_CASE)
    client_id = filters.client_id
    return selectors.case_queue(
        viewer=user,
        status=filters.status,
        mine=filters.mine,
        overdue=filters.overdue,
        client=client_get(viewer=user, pk=client_id) if client_id else None,
    )


@router.post(
    "/cases",
    response={201: CaseOut, **problems(*AUTHENTICATED, 400, 404)},
    summary="Open a service case for a client; its SLA follows from the priority",
)
def case_open(request: HttpRequest, payload: CaseIn) -> Status:
    user = require_permission(request, "cases.add_servicecase")
    client = client_get(viewer=user, pk=payload.client_id)
    owner = None
    if payload.owner_id is not None:
        require_permission(request, CHANGE_CASE)
        owner = _staff(payload.owner_id, "owner_id")
    case = services.case_open(
        actor=user,
        client=client,
        kind=payload.kind,
        subject=payload.subject,
        description=payload.description,
        priority=payload.priority,
        owner=owner,
    )
    return Status(201, selectors.case_get(viewer=user, pk=case.pk))


@router.get(
    "/cases/{case_id}",
    response={200: CaseOut, **problems(*AUTHENTICATED, 404)},
    summary="One service case with its steps",
)
def case_detail(request: HttpRequest, case_id: Id) -> ServiceCase:
    return _visible(request, case_id)[1]


@router.post(
    "/cases/{case_id}/assign",
    response={200: CaseOut, **problems(*AUTHENTICATED, 400, 404)},
    summary="Make a service staff member responsible for the case",
)
def case_assign(request: HttpRequest, case_id: Id, payload: AssignIn) -> ServiceCase:
    user, case = _visible(request, case_id, CHANGE_CASE)
    owner = _staff(payload.owner_id, "owner_id")
    services.case_assign(actor=user, case=case, owner=owner)
    return selectors.case_get(viewer=user, pk=case.pk)


@router.post(
    "/cases/{case_id}/status",
    response={200: CaseOut, **problems(*AUTHENTICATED, 400, 404)},
    summary="Move a case to another status (closing one never resolved needs a note)",
)
def case_change_status(request: HttpRequest, case_id: Id, payload: StatusIn) -> ServiceCase:
    user, case = _visible(request, case_id, CHANGE_CASE)
    services.case_change_status(actor=user, case=case, status=payload.status, note=payload.note)
    return selectors.case_get(viewer=user, pk=case.pk)


@router.post(
    "/cases/{case_id}/resolve",
    response={200: CaseOut, **problems(*AUTHENTICATED, 400, 404)},
    summary="Resolve a case, saying how",
)
def case_resolve(request: HttpRequest, case_id: Id, payload: ResolveIn) -> ServiceCase:
    user, case = _visible(request, case_id, CHANGE_CASE)
    services.case_resolve(actor=user, case=case, resolution=payload.resolution)
    return selectors.case_get(viewer=user, pk=case.pk)
