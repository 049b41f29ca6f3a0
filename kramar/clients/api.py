"""The clients part of the JSON API: the same services, selectors and rules as the pages."""

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from kramar.accounts.models import User
from kramar.accounts.permissions import require_permission
from kramar.clients import selectors, services
from kramar.clients.enums import ClientKind, TimelineKind
from kramar.clients.models import Client, Industry, Region
from kramar.clients.schemas import (
    ClientFields,
    ClientIn,
    ClientListOut,
    ClientOut,
    EmailIn,
    EmailOut,
    ManagerIn,
    MergeIn,
    NoteIn,
    PhoneIn,
    PhoneOut,
    RefOut,
    TimelineEntryOut,
)
from kramar.core.pagination import PageNumberPagination
from kramar.core.schemas import AUTHENTICATED, Id, problems

router = Router(tags=["clients"])
READ = "clients.view_client"
CHANGE = "clients.change_client"


class ClientFilters(Schema):
    search: str = Field("", max_length=200)
    kind: ClientKind | None = None
    manager_id: Id | None = None
    department_id: Id | None = None
    region_id: Id | None = None
    industry_id: Id | None = None
    tag: str = Field("", max_length=60)
    role: Literal["", "customer", "supplier", "partner"] = ""
    silent_days: int | None = Field(None, ge=0, le=36_500)
    ordering: Literal["name", "-name", "last_contact", "-last_contact", "-created"] = "name"


class SavedViewIn(Schema):
    name: str = Field(..., min_length=1, max_length=80, pattern=r"^[^\x00]*$")
    filters: ClientFilters | None = Field(None, description="The filters of GET /clients to keep.")


class SavedViewOut(Schema):
    id: int
    name: str
    filters: dict[str, Any] = Field(
        ..., description="Arguments of GET /clients; apply them as its query parameters."
    )
    created_at: datetime
    updated_at: datetime


class TimelineFilters(Schema):
    kind: list[TimelineKind] = []


def _visible(request: HttpRequest, client_id: Id, permission: str = READ) -> tuple[User, Client]:
    user = require_permission(request, permission)
    return user, selectors.client_get(viewer=user, pk=client_id)


def _references(user: User, data: dict[str, Any]) -> dict[str, Any]:
    return selectors.resolve_client_references(viewer=user, data=data)


def _fresh(user: User, client: Client) -> Client:
    return selectors.client_get(viewer=user, pk=client.pk)


@router.get(
    "/clients",
    response={200: list[ClientListOut], **problems(*AUTHENTICATED)},
    summary="Clients I may see, filtered",
)
@paginate(PageNumberPagination)
def client_list(request: HttpRequest, filters: Query[ClientFilters], **kwargs: Any) -> Any:
    user = require_permission(request, READ)
    return selectors.client_list(
        viewer=user,
        search=filters.search,
        kind=filters.kind or "",
        manager_id=filters.manager_id,
        department_id=filters.department_id,
        region_id=filters.region_id,
        industry_id=filters.industry_id,
        tag=filters.tag,
        role=filters.role,
        silent_days=filters.silent_days,
        ordering=filters.ordering,
    )


@router.post(
    "/clients",
    response={201: ClientOut, **problems(*AUTHENTICATED, 400, 404)},
    summary="Create a client",
)
def client_create(request: HttpRequest, payload: ClientIn) -> Status:
    user = require_permission(request, "clients.add_client")
    fields = selectors.resolve_client_references(
        viewer=user, data=payload.model_dump(exclude_unset=True)
    )
    manager = fields.pop("manager", selectors.default_manager_for(actor=user))
    if manager is not None and manager != user:
        require_permission(request, "clients.reassign_client")
    client = services.client_create(
        actor=user,
        manager=manager,
        **{k: v for k, v in fields.items() if v is not None},
    )
    return Status(201, _fresh(user, client))


@router.get(
    "/clients/{client_id}",
    response={200: ClientOut, **problems(*AUTHENTICATED, 404)},
    summary="One client",
)
def client_detail(request: HttpRequest, client_id: Id) -> Client:
    return _visible(request, client_id)[1]


@router.patch(
    "/clients/{client_id}",
    response={200: ClientOut, **problems(*AUTHENTICATED, 400, 404)},
    summary="Change a client's own fields",
)
def client_update(request: HttpRequest, client_id: Id, payload: ClientFields) -> Client:
    user, client = _visible(request, client_id, CHANGE)
    changes = selectors.resolve_client_references(
        viewer=user, data=payload.model_dump(exclude_unset=True)
    )
    services.client_update(actor=user, client=client, **changes)
    return _fresh(user, client)


@router.delete(
    "/clients/{client_id}",
    response={204: None, **problems(*AUTHENTICATED, 404, 409)},
    summary="Move a client to the recycle bin (not one with orders)",
)
def client_delete(request: HttpRequest, client_id: Id) -> Status:
    user, client = _visible(request, client_id, "clients.delete_client")
    services.client_delete(actor=user, client=client)
    return Status(204, None)


@router.get(
    "/clients/{client_id}/personal-data",
    response={200: dict[str, Any], **problems(*AUTHENTICATED, 404)},
    summary="Everything kept of a person, as JSON (their privacy request); audited",
)
def client_personal_data(request: HttpRequest, client_id: Id) -> dict[str, Any]:
    user, client = _visible(request, client_id, "clients.export_personal_data")
    return services.client_data_export(actor=user, client=client)


class ErasureIn(Schema):
    note: str = Field("", max_length=300, description="The person's request: when and how.")


@router.post(
    "/clients/{client_id}/erase",
    response={200: dict[str, int], **problems(*AUTHENTICATED, 400, 404, 409)},
    summary="Erase a person's data on their request (orders and invoices are kept); audited",
    description=(
        "Refused with 409 and `extra.reasons` while an order, a return or a service case is "
        "open or money is owed either way, and for a client erased already; with 400 for a "
        "company. Nothing is written then. Cannot be undone."
    ),
)
def client_erase(request: HttpRequest, client_id: Id, payload: ErasureIn) -> dict[str, int]:
    user, client = _visible(request, client_id, "clients.erase_client")
    return services.client_erase(actor=user, client=client, note=payload.note)


@router.get(
    "/recycle-bin/clients",
    response={200: list[ClientListOut], **problems(*AUTHENTICATED)},
    summary="Deleted clients I may restore",
)
@paginate(PageNumberPagination)
def client_bin(request: HttpRequest, **kwargs: Any) -> Any:
    user = require_permission(request, "clients.restore_client")
    return selectors.clients_in_recycle_bin(viewer=user).prefetch_related(
        "tags", "emails", "phones"
    )


@router.post(
    "/clients/{client_id}/restore",
    response={200: ClientOut, **problems(*AUTHENTICATED, 404)},
    summary="Bring a client back from the recycle bin with its deals and plan",
)
def client_restore(request: HttpRequest, client_id: Id) -> Client:
    user = require_permission(request, "clients.restore_client")
    client = selectors.client_in_recycle_bin_get(viewer=user, pk=client_id)
    services.client_restore(actor=user, client=client)
    return _fresh(user, client)


@router.post(
    "/clients/{client_id}/emails",
    response={201: EmailOut, **problems(*AUTHENTICATED, 400, 404, 409)},
    summary="Add an e-mail",
)
def client_add_email(request: HttpRequest, client_id: Id, payload: EmailIn) -> Status:
    user, client = _visible(request, client_id, CHANGE)
    email = services.client_add_email(
        actor=user, client=client, email=payload.email, primary=payload.primary
    )
    return Status(201, email)


@router.post(
    "/clients/{client_id}/phones",
    response={201: PhoneOut, **problems(*AUTHENTICATED, 400, 404, 409)},
    summary="Add a phone number",
)
def client_add_phone(request: HttpRequest, client_id: Id, payload: PhoneIn) -> Status:
    user, client = _visible(request, client_id, CHANGE)
    phone = services.client_add_phone(
        actor=user, client=client, number=payload.number, kind=payload.kind, primary=payload.primary
    )
    return Status(201, phone)


@router.put(
    "/clients/{client_id}/manager",
    response={200: ClientOut, **problems(*AUTHENTICATED, 400, 404)},
    summary="Change the responsible manager",
)
def client_assign_manager(request: HttpRequest, client_id: Id, payload: ManagerIn) -> Client:
    user, client = _visible(request, client_id, "clients.reassign_client")
    manager = selectors.resolve_client_references(
        viewer=user, data={"manager_id": payload.manager_id}
    )["manager"]
    services.client_assign_manager(actor=user, client=client, manager=manager)
    return _fresh(user, client)


@router.get(
    "/clients/{client_id}/timeline",
    response={200: list[TimelineEntryOut], **problems(*AUTHENTICATED, 404)},
    summary="The client's history, newest first",
)
@paginate(PageNumberPagination)
def client_timeline(
    request: HttpRequest, client_id: Id, filters: Query[TimelineFilters], **kwargs: Any
) -> Any:
    user, client = _visible(request, client_id)
    return selectors.client_timeline(viewer=user, client=client, kinds=filters.kind or None)


@router.post(
    "/clients/{client_id}/notes",
    response={201: TimelineEntryOut, **problems(*AUTHENTICATED, 404)},
    summary="Add a note to the client's history",
)
def client_add_note(request: HttpRequest, client_id: Id, payload: NoteIn) -> Status:
    user, client = _visible(request, client_id, "clients.add_timelineentry")
    entry = services.timeline_record(
        client=client, kind=TimelineKind.NOTE, summary=payload.text, actor=user
    )
    return Status(201, entry)


@router.get(
    "/clients/{client_id}/duplicates",
    response={200: list[ClientListOut], **problems(*AUTHENTICATED, 404)},
    summary="Clients that look like the same party",
)
def client_duplicates(request: HttpRequest, client_id: Id) -> Any:
    user, client = _visible(request, client_id)
    return list(selectors.client_duplicates(viewer=user, client=client)[:50])


@router.post(
    "/clients/{client_id}/merge",
    response={200: ClientOut, **problems(*AUTHENTICATED, 400, 404)},
    summary="Fold a duplicate into this client",
)
def client_merge(request: HttpRequest, client_id: Id, payload: MergeIn) -> Client:
    user, target = _visible(request, client_id, "clients.merge_clients")
    source = selectors.client_get(viewer=user, pk=payload.duplicate_id)
    services.client_merge(actor=user, source=source, target=target)
    return _fresh(user, target)


@router.get(
    "/client-views",
    response={200: list[SavedViewOut], **problems(*AUTHENTICATED)},
    summary="My saved client views (named filter sets of GET /clients)",
)
def saved_view_list(request: HttpRequest) -> Any:
    user = require_permission(request, READ)
    return list(selectors.saved_views_of(viewer=user))


@router.post(
    "/client-views",
    response={200: SavedViewOut, **problems(*AUTHENTICATED, 400)},
    summary="Keep filters under a name (the same name again replaces them)",
)
def saved_view_save(request: HttpRequest, payload: SavedViewIn) -> Any:
    user = require_permission(request, READ)
    given = payload.filters or ClientFilters.model_validate({})
    filters = given.model_dump(mode="json", exclude_defaults=True)
    return services.saved_view_save(owner=user, name=payload.name, filters=filters)


@router.delete(
    "/client-views/{view_id}",
    response={204: None, **problems(*AUTHENTICATED, 404)},
    summary="Delete one of my saved client views",
)
def saved_view_delete(request: HttpRequest, view_id: Id) -> Status:
    user = require_permission(request, READ)
    view = selectors.saved_view_get(viewer=user, pk=view_id)
    services.saved_view_delete(owner=user, view=view)
    return Status(204, None)


@router.get("/regions", response={200: list[RefOut], **problems(*AUTHENTICATED)})
def region_list(request: HttpRequest) -> Any:
    require_permission(request, READ)
    return list(Region.objects.all())


@router.get("/industries", response={200: list[RefOut], **problems(*AUTHENTICATED)})
def industry_list(request: HttpRequest) -> Any:
    require_permission(request, READ)
    return list(Industry.objects.all())
