"""The API's request parser: Ninja's JSON and query parsing, refusing NUL characters.

PostgreSQL text cannot hold NUL (0x00), and no real name, address or search contains one, so a
NUL anywhere in a request is refused up front with the one problem shape (422), instead of
relying on every schema field to declare a pattern.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.errors import ValidationError
from ninja.parser import Parser
from ninja.types import DictStrAny

NUL = "\x00"


def _nul_path(value: Any, path: tuple[str, ...] = ()) -> tuple[str, ...] | None:
    """Return where the first NUL character is in a parsed value, or None."""
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            if NUL in str(key):
                return (*path, str(key).replace(NUL, "\\0"))
            found = _nul_path(item, (*path, str(key)))
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _nul_path(item, (*path, str(index)))
            if found is not None:
                return found
    return None


def _refuse(where: str, path: tuple[str, ...]) -> ValidationError:
    return ValidationError(
        [{"loc": [where, *path], "msg": "NUL characters are not allowed", "type": "nul"}]
    )


def body_nul_problem(request: HttpRequest) -> dict[str, Any] | None:
    """Return the 422 problem for a JSON body holding a NUL character, else None.

    Ninja turns any error of its body parser into a bare 400, so the body is checked before
    Ninja sees it (``core.middleware.ApiNulMiddleware``); unparsable JSON is left to Ninja.
    """
    if not request.content_type or "json" not in request.content_type or not request.body:
        return None
    try:
        data = json.loads(request.body)
    except ValueError:
        return None
    path = _nul_path(data)
    if path is None:
        return None
    return {
        "errors": [
            {"loc": ["body", *path], "msg": "NUL characters are not allowed"},
        ]
    }


class NoNulParser(Parser):
    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> DictStrAny:
        result = super().parse_querydict(data, list_fields, request)
        path = _nul_path(result)
        if path is not None:
            raise _refuse("query", path)
        return result
