from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from kramar.clients.enums import ClientKind, ClientSource, CompanySize, PhoneKind
from kramar.core.schemas import Id


class RefOut(Schema):
    id: int
    code: str
    name: str


class PersonRefOut(Schema):
    id: int
    email: str
    full_name: str


class ClientRefOut(Schema):
    id: int
    name: str
    kind: str


class EmailOut(Schema):
    email: str
    is_primary: bool


class PhoneOut(Schema):
    number: str
    kind: str
    is_primary: bool


class ClientListOut(Schema):
    id: int
    kind: str
    name: str
    manager: PersonRefOut | None
    department_id: int | None
    region: RefOut | None
    industry: RefOut | None
    company: ClientRefOut | None
    is_customer: bool
    is_supplier: bool
    is_partner: bool
    source: str
    last_contact_at: datetime | None
    emails: list[EmailOut]
    phones: list[PhoneOut]
    tags: list[str]

    @staticmethod
    def resolve_emails(obj: Any) -> list[Any]:
        return list(obj.emails.all())

    @staticmethod
    def resolve_phones(obj: Any) -> list[Any]:
        return list(obj.phones.all())

    @staticmethod
    def resolve_tags(obj: Any) -> list[str]:
        return [tag.name for tag in obj.tags.all()]


class ClientOut(ClientListOut):
    first_name: str
    middle_name: str
    last_name: str
    legal_name: str
    registration_code: str
    size: str
    job_title: str
    notes: str
    co_owners: list[PersonRefOut]
    has_shop_account: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_co_owners(obj: Any) -> list[Any]:
        return list(obj.co_owners.all())

    @staticmethod
    def resolve_has_shop_account(obj: Any) -> bool:
        return obj.user_id is not None


class ClientFields(Schema):
    """The client's own fields, all optional (PATCH changes only what it names)."""

    name: str | None = Field(None, max_length=200)
    first_name: str | None = Field(None, max_length=80)
    middle_name: str | None = Field(None, max_length=80)
    last_name: str | None = Field(None, max_length=80)
    legal_name: str | None = Field(None, max_length=255)
    registration_code: str | None = Field(None, max_length=20)
    size: CompanySize | None = None
    company_id: Id | None = None
    job_title: str | None = Field(None, max_length=120)
    industry_id: Id | None = None
    region_id: Id | None = None
    is_customer: bool | None = None
    is_supplier: bool | None = None
    is_partner: bool | None = None
    source: ClientSource | None = None
    notes: str | None = Field(None, max_length=10_000)


class ClientIn(ClientFields):
    kind: ClientKind
    emails: list[str] = Field(default_factory=list, max_length=20)
    phones: list[str] = Field(default_factory=list, max_length=20)
    tags: list[str] = Field(default_factory=list, max_length=50)
    manager_id: Id | None = Field(
        None, description="Responsible manager; yourself when omitted and you are in sales."
    )


class EmailIn(Schema):
    email: str = Field(..., max_length=254)
    primary: bool = False


class PhoneIn(Schema):
    number: str = Field(..., max_length=40)
    kind: PhoneKind = PhoneKind.MOBILE
    primary: bool = False


class ManagerIn(Schema):
    manager_id: Id | None


class NoteIn(Schema):
    text: str = Field(..., min_length=1, max_length=300)


class MergeIn(Schema):
    duplicate_id: Id = Field(..., description="The duplicate to fold into this client.")


class TimelineEntryOut(Schema):
    id: int
    occurred_at: datetime
    kind: str
    summary: str
    actor: PersonRefOut | None
    details: dict[str, Any]
