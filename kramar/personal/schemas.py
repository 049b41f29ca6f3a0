from datetime import date
from decimal import Decimal

from ninja import Field, Schema
from pydantic import ConfigDict


class OfferIn(Schema):
    model_config = ConfigDict(extra="forbid")

    percent: Decimal = Field(
        Decimal("0"), ge=0, le=100, max_digits=5, decimal_places=2,
        description="Discount off every purchase; above CRM_DISCOUNT_APPROVAL_ABOVE a sales "
        "manager's offer waits for a head's approval.",
    )  # fmt: skip
    message: str = Field("", max_length=300)
    valid_until: date = Field(..., description="The last day the offer holds (inclusive).")


class OfferOut(Schema):
    client_id: int
    exists: bool
    percent: Decimal = Field(..., description="The discount in force (approved).")
    pending_percent: Decimal | None = Field(
        None, description="A larger discount waiting for a head's approval."
    )
    message: str
    valid_until: date | None = None
    active: bool = False
    approval_id: int | None = Field(None, description="The approval request this change opened.")
