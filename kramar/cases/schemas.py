from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from kramar.cases.enums import CaseKind, CasePriority, CaseStatus
from kramar.clients.schemas import ClientRefOut, PersonRefOut
from kramar.core.schemas import Id

# PostgreSQL refuses a NUL character in text; refuse it at the door (422), not as a 500.
NO_NUL = r"^[^\x00]*$"


class CaseEventOut(Schema):
    kind: str
    at: datetime
    actor_id: int | None
    from_status: str = Field(..., description="Empty for the opening of the case.")
    to_status: str
    note: str


class CaseListOut(Schema):
    id: int
    number: str
    client: ClientRefOut
    kind: str
    subject: str
    status: str
    priority: str
    owner: PersonRefOut | None
    department_id: int | None
    sla_due_at: datetime = Field(..., description="When the case must be resolved (SLA).")
    is_overdue: bool = Field(..., description="Still open and past its SLA due time.")
    resolved_at: datetime | None
    created_at: datetime


class CaseOut(CaseListOut):
    description: str
    resolution: str
    created_by_id: int | None
    updated_at: datetime
    events: list[CaseEventOut]

    @staticmethod
    def resolve_events(obj: Any) -> list[Any]:
        return list(obj.events.all())


class CaseIn(Schema):
    client_id: Id
    kind: CaseKind
    subject: str = Field(..., min_length=1, max_length=200, pattern=NO_NUL)
    description: str = Field("", max_length=10_000, pattern=NO_NUL)
    priority: CasePriority = CasePriority.NORMAL
    owner_id: Id | None = Field(
        None, description="Who works the case; needs the right to work on cases."
    )


class AssignIn(Schema):
    owner_id: Id


class StatusIn(Schema):
    status: CaseStatus = Field(..., description="Resolving goes through /resolve.")
    note: str = Field("", max_length=2_000, pattern=NO_NUL)


class ResolveIn(Schema):
    resolution: str = Field(..., max_length=10_000, pattern=NO_NUL)
