"""Shapes of billing's part of the JSON API."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from kramar.billing.enums import InvoiceStatus, LineStatus, PaymentTerms
from kramar.clients.schemas import ClientRefOut, PersonRefOut
from kramar.core.schemas import Id

NO_NUL = r"^[^\x00]*$"
Amount = Annotated[
    Decimal,
    Field(
        gt=0,
        max_digits=14,
        decimal_places=2,
        description='Above zero, at most 2 places after the point; "1250.50" stays exact.',
    ),
]
Day = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2100, 12, 31))]


class LineInSchema(Schema):
    model_config = ConfigDict(extra="forbid")

    description: str = Field(..., min_length=1, max_length=255, pattern=NO_NUL)
    quantity: Decimal = Field(..., gt=0, max_digits=12, decimal_places=3)
    unit_price: Decimal = Field(
        ..., ge=0, max_digits=14, decimal_places=2, description="Per unit, VAT included."
    )
    vat_rate: Literal["20", "14", "7", "0"] = "20"
    unit: str = Field("шт.", max_length=12, pattern=NO_NUL)


class InvoiceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    client_id: Id
    lines: list[LineInSchema] = Field(..., min_length=1, max_length=200)
    terms: PaymentTerms = PaymentTerms.NET_14
    days: int | None = Field(None, ge=0, le=365, description="With terms 'custom' only.")
    note: str = Field("", max_length=500, pattern=NO_NUL)
    language: Literal["uk", "en"] = "uk"
    issue: bool = Field(True, description="Issue at once (numbered); false keeps a draft.")


class DealInvoiceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    terms: PaymentTerms = PaymentTerms.NET_14
    days: int | None = Field(None, ge=0, le=365)
    lines: list[LineInSchema] | None = Field(
        None, max_length=200, description="Default: one line, the deal for its amount."
    )


class CancelIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(..., min_length=1, max_length=300, pattern=NO_NUL)


class CreditNoteIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(..., min_length=1, max_length=300, pattern=NO_NUL)
    amount: Amount | None = Field(None, description="Gross amount to credit; none: all left.")
    lines: list[LineInSchema] | None = Field(None, max_length=200)


class PaymentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    client_id: Id
    amount: Amount
    received_on: Day = Field(..., description="The day the money arrived.")
    invoice_id: Id | None = None
    keep_excess_as_credit: bool = Field(
        False, description="Above the invoice's balance: keep the rest as the client's credit."
    )
    reference: str = Field("", max_length=500, pattern=NO_NUL)
    payer_name: str = Field("", max_length=255, pattern=NO_NUL)


class AllocateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    invoice_id: Id
    amount: Amount | None = Field(None, description="Default: as much as both allow.")


class ResolveIn(Schema):
    model_config = ConfigDict(extra="forbid")

    invoice_id: Id | None = None
    client_id: Id | None = Field(None, description="Keep the money as this client's credit.")
    ignore: bool = False


class CreditLimitIn(Schema):
    model_config = ConfigDict(extra="forbid")

    amount: Decimal | None = Field(
        ..., ge=0, max_digits=14, decimal_places=2, description="null removes the limit."
    )


# --- Out ---------------------------------------------------------------------------------------


class InvoiceLineOut(Schema):
    position: int
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    vat_rate: Decimal
    total: Decimal
    vat_amount: Decimal


class CreditNoteOut(Schema):
    id: int
    number: str
    issue_date: date
    reason: str
    total: Decimal
    vat_total: Decimal
    released_to_credit: Decimal


class AllocationOut(Schema):
    id: int
    payment_id: int
    invoice_id: int
    amount: Decimal
    paid_on: date


class InvoiceListOut(Schema):
    id: int
    number: str | None
    status: InvoiceStatus
    source: str
    client: ClientRefOut
    manager: PersonRefOut | None
    issue_date: date | None
    due_date: date | None
    currency: str
    total: Decimal
    credited_amount: Decimal
    paid_amount: Decimal
    balance: Decimal
    order_number: str | None = None
    deal_id: int | None

    @staticmethod
    def resolve_order_number(obj: Any) -> str | None:
        return obj.order.number if obj.order_id else None


class InvoiceOut(InvoiceListOut):
    payment_terms: str
    payment_days: int
    vat_total: Decimal
    paid_on: date | None
    buyer_name: str
    buyer_code: str
    email: str
    note: str
    language: str
    cancel_reason: str
    lines: list[InvoiceLineOut]
    credit_notes: list[CreditNoteOut]
    allocations: list[AllocationOut]

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())

    @staticmethod
    def resolve_credit_notes(obj: Any) -> list[Any]:
        return list(obj.credit_notes.all())

    @staticmethod
    def resolve_allocations(obj: Any) -> list[Any]:
        return list(obj.allocations.all())


class PaymentOut(Schema):
    id: int
    client: ClientRefOut
    amount: Decimal
    currency: str
    received_on: date
    source: str
    reference: str
    payer_name: str
    allocated_amount: Decimal
    unallocated: Decimal = Field(..., description="The part that is the client's credit.")
    allocations: list[AllocationOut]

    @staticmethod
    def resolve_allocations(obj: Any) -> list[Any]:
        return list(obj.allocations.all())


class StatementOut(Schema):
    id: int
    file_name: str
    format: str
    account: str
    imported_at: datetime
    entries: int
    duplicates: int
    duplicate_file: bool = False
    matched: int = 0
    queued: int = 0
    ignored: int = 0


class StatementLineOut(Schema):
    id: int
    statement_id: int
    entry_ref: str
    booked_on: date
    amount: Decimal
    currency: str
    is_credit: bool
    payer_name: str
    payer_account: str
    payer_code: str
    purpose: str
    status: LineStatus
    problem: str
    payment_id: int | None


class DebtorOut(Schema):
    key: int | None = Field(..., description="The manager's or the client's id.")
    name: str
    open_debt: Decimal
    overdue_debt: Decimal
    open_invoices: int
    buckets: dict[str, Decimal] = Field(
        ..., description="current, 1_30, 31_60, 61_90, over_90: open amounts by days past due."
    )
    paid: Decimal
    days_to_pay: Decimal | None = Field(..., description="Average, weighted by amount.")
    delay: Decimal | None = Field(..., description="Average days past due, weighted by amount.")


class DebtorsOut(Schema):
    group: str
    today: date
    date_from: date
    date_to: date
    rows: list[DebtorOut]
    total: DebtorOut


class CreditOut(Schema):
    client_id: int
    limit: Decimal | None
    debt: Decimal
    credit: Decimal
    exceeded: bool
