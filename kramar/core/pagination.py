"""One pagination for every list endpoint of the API."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import PaginationBase


class PageNumberPagination(PaginationBase):
    """``?page=N&page_size=M`` (1-based); answers ``{"items", "count", "page", "pages"}``."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_PER_PAGE_SIZE
        )

    class Output(Schema):
        items: list[Any]
        count: int
        page: int
        pages: int

    items_attribute: str = "items"

    def paginate_queryset(
        self, queryset: Any, pagination: Input, request: Any, **params: Any
    ) -> dict[str, Any]:
        count = self._items_count(queryset)
        offset = (pagination.page - 1) * pagination.page_size
        pages = max(1, -(-count // pagination.page_size))
        return {
            "items": queryset[offset : offset + pagination.page_size],
            "count": count,
            "page": pagination.page,
            "pages": pages,
        }
