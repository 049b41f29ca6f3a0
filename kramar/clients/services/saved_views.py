"""Saved client views: a person's named filter sets for the client list (issue 4)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kramar.accounts.models import User
from kramar.clients.enums import (
    CLIENT_LIST_ORDERINGS,
    CLIENT_ROLES,
    ClientKind,
    ClientsErrorCode,
)
from kramar.clients.models import Industry, Region, SavedView
from kramar.core.errors import ApplicationError

MAX_VIEWS_PER_PERSON = 50
_TEXT_LIMITS = {"search": 200, "tag": 60}
_CHOICES: dict[str, tuple[str, ...]] = {
    "kind": tuple(ClientKind.values),
    "role": CLIENT_ROLES,
    "ordering": CLIENT_LIST_ORDERINGS,
}
_IDS = ("region_id", "industry_id", "manager_id", "department_id")
_NUMBERS = {"silent_days": (0, 36_500)}
# Every argument of selectors.client_list that a view may keep.
SAVED_VIEW_FILTERS = frozenset({*_TEXT_LIMITS, *_CHOICES, *_IDS, *_NUMBERS})


def _bad(name: str, message: str) -> ApplicationError:
    return ApplicationError(
        ClientsErrorCode.VIEW_BAD_FILTER, message, extra={"field": "filters", "filter": name}
    )


def _as_int(name: str, value: Any) -> int:
    if isinstance(value, bool):
        raise _bad(name, _("“%(name)s” must be a whole number.") % {"name": name})
    try:
        return int(str(value).strip())
    except ValueError:
        raise _bad(name, _("“%(name)s” must be a whole number.") % {"name": name}) from None


def clean_view_filters(filters: Mapping[str, Any]) -> dict[str, Any]:
    """Return the filters as client_list takes them, empty values dropped; refuse the unknown."""
    cleaned: dict[str, Any] = {}
    for name, value in filters.items():
        if name not in SAVED_VIEW_FILTERS:
            raise _bad(name, _("“%(name)s” is not a filter of the client list.") % {"name": name})
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if name in _TEXT_LIMITS:
            text = str(value).strip()
            if len(text) > _TEXT_LIMITS[name] or "\x00" in text:
                raise _bad(name, _("“%(name)s” is too long.") % {"name": name})
            cleaned[name] = text
        elif name in _CHOICES:
            if value not in _CHOICES[name]:
                raise _bad(name, _("“%(value)s” is not a choice of “%(name)s”.") % {
                    "value": value, "name": name,
                })  # fmt: skip
            cleaned[name] = value
        elif name in _NUMBERS:
            number = _as_int(name, value)
            low, high = _NUMBERS[name]
            if not low <= number <= high:
                raise _bad(name, _("“%(name)s” is out of range.") % {"name": name})
            cleaned[name] = number
        else:
            cleaned[name] = _as_int(name, value)
            if cleaned[name] < 1:
                raise _bad(name, _("“%(name)s” must be a record's number.") % {"name": name})
    for name, model in (("region_id", Region), ("industry_id", Industry)):
        if name in cleaned and not model.objects.filter(pk=cleaned[name]).exists():
            raise _bad(name, _("There is no such record for “%(name)s”.") % {"name": name})
    return cleaned


@transaction.atomic
def saved_view_save(*, owner: User, name: str, filters: Mapping[str, Any]) -> SavedView:
    """Keep the filters under the name; saving under a name one has already replaces it."""
    name = " ".join((name or "").split())
    if not name or len(name) > 80:
        raise ApplicationError(
            ClientsErrorCode.VIEW_NAME_REQUIRED,
            _("Give the view a name of up to 80 characters."),
            extra={"field": "name"},
        )
    cleaned = clean_view_filters(filters)
    view = SavedView.objects.select_for_update().filter(owner=owner, name=name).first()
    if view is None:
        if SavedView.objects.filter(owner=owner).count() >= MAX_VIEWS_PER_PERSON:
            raise ApplicationError(
                ClientsErrorCode.VIEW_LIMIT,
                _("You keep %(n)d views already; delete one first.") % {"n": MAX_VIEWS_PER_PERSON},
                extra={"field": "name"},
            )
        return SavedView.objects.create(owner=owner, name=name, filters=cleaned)
    view.filters = cleaned
    view.save(update_fields=["filters", "updated_at"])
    return view


def saved_view_delete(*, owner: User, view: SavedView) -> None:
    """Delete one of the owner's views (a view of someone else is not theirs to delete)."""
    SavedView.objects.filter(owner=owner, pk=view.pk).delete()
