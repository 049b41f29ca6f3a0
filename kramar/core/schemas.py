from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from django.utils import timezone
from ninja import Schema
from pydantic import AfterValidator, Field


class Problem(Schema):
    """The one shape of every API error."""

    code: str
    message: str
    extra: dict[str, Any]


def problems(*statuses: int) -> dict[int, type[Problem]]:
    """Return OpenAPI response declarations of the error statuses an operation may answer."""
    return dict.fromkeys(statuses, Problem)


# What any authenticated operation may answer besides its success.
AUTHENTICATED = (401, 403, 422)


def _to_utc(value: datetime) -> datetime:
    # A naive time is read in the site's time zone; every time is stored in UTC, since
    # PostgreSQL refuses offsets beyond ±15:59 that ISO 8601 (and Python) allow.
    try:
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value.astimezone(UTC)
    except OverflowError:
        # The first or last moments of the calendar cannot be moved to UTC.
        raise ValueError("date and time out of range") from None


# A date and time given to the API, with or without an offset.
ApiDatetime = Annotated[datetime, AfterValidator(_to_utc)]


# A database id: positive and within PostgreSQL's bigint, so that no number reaches the database
# as an overflow.
Id = Annotated[int, Field(ge=1, le=9_223_372_036_854_775_807)]
