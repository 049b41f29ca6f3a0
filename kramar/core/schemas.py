from __future__ import annotations

from typing import Any

from ninja import Schema


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
