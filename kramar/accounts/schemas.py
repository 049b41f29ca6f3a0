from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from kramar.core.schemas import ApiDatetime


class DepartmentOut(Schema):
    id: int
    code: str
    name: str
    kind: str


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    is_staff: bool
    language: str
    department: DepartmentOut | None
    roles: list[str]
    permissions: list[str]


class ApiTokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=80)
    expires_at: ApiDatetime | None = None


class ApiTokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class ApiTokenCreated(ApiTokenOut):
    token: str = Field(..., description="The secret; shown only in this response.")


class StaffOut(Schema):
    id: int
    email: str
    full_name: str
    department: DepartmentOut | None
    roles: list[str]

    @staticmethod
    def resolve_roles(obj: Any) -> list[str]:
        return sorted(group.name for group in obj.groups.all())
