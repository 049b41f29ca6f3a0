"""The accounts part of the JSON API: who am I, my API tokens, the staff I may see."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from kramar.accounts import selectors, services
from kramar.accounts.models import User
from kramar.accounts.permissions import require_permission
from kramar.accounts.schemas import (
    ApiTokenCreated,
    ApiTokenIn,
    ApiTokenOut,
    DepartmentOut,
    MeOut,
    StaffOut,
)
from kramar.core.errors import ApplicationError, CoreErrorCode
from kramar.core.pagination import PageNumberPagination
from kramar.core.schemas import AUTHENTICATED, Id, problems

router = Router(tags=["accounts"])


def _current_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise ApplicationError(CoreErrorCode.NOT_AUTHENTICATED, "Sign in first.", status=401)
    return user


@router.get(
    "/me",
    response={200: MeOut, **problems(401)},
    summary="The signed-in user, their roles and permissions",
)
def me(request: HttpRequest) -> dict[str, Any]:
    user = _current_user(request)
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "department": user.department,
        "is_staff": user.is_staff,
        "language": user.language,
        "roles": sorted(role.value for role in selectors.user_roles(user)),
        "permissions": sorted(user.get_all_permissions()),
    }


@router.get(
    "/tokens",
    response={200: list[ApiTokenOut], **problems(*AUTHENTICATED)},
    summary="My API tokens",
)
@paginate(PageNumberPagination)
def token_list(request: HttpRequest, **kwargs: Any) -> Any:
    user = require_permission(request, "accounts.use_api_tokens")
    return selectors.api_token_list(user=user)


@router.post(
    "/tokens",
    response={201: ApiTokenCreated, **problems(*AUTHENTICATED, 400, 409)},
    summary="Issue a personal API token",
)
def token_create(request: HttpRequest, payload: ApiTokenIn) -> Status:
    user = require_permission(request, "accounts.use_api_tokens")
    token, raw = services.api_token_create(
        user=user, name=payload.name, expires_at=payload.expires_at
    )
    return Status(201, {**ApiTokenOut.from_orm(token).model_dump(), "token": raw})


@router.delete(
    "/tokens/{token_id}",
    response={200: ApiTokenOut, **problems(*AUTHENTICATED, 404)},
    summary="Revoke one of my API tokens",
)
def token_revoke(request: HttpRequest, token_id: Id) -> Any:
    user = require_permission(request, "accounts.use_api_tokens")
    return services.api_token_revoke(user=user, token_id=token_id)


@router.get(
    "/departments",
    response={200: list[DepartmentOut], **problems(*AUTHENTICATED)},
    summary="Departments I may see",
)
@paginate(PageNumberPagination)
def department_list(request: HttpRequest, **kwargs: Any) -> Any:
    user = require_permission(request, "accounts.view_department")
    return selectors.departments_visible_to(viewer=user)


@router.get(
    "/staff",
    response={200: list[StaffOut], **problems(*AUTHENTICATED)},
    summary="Staff members I may see",
)
@paginate(PageNumberPagination)
def staff_list(request: HttpRequest, **kwargs: Any) -> Any:
    user = require_permission(request, "accounts.view_user")
    return selectors.staff_list(viewer=user)
