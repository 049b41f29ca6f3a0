"""Reads of the clients app. Which clients a person may see is decided here, and only here.

Until the access-rights issue refines them, the rules are: staff whose role holds
``clients.view_all_clients`` see every client; a head of sales sees the clients of the
departments they head; everyone else on the staff sees the clients they manage or co-own;
customers and anonymous visitors see none. Merged duplicates are hidden everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kramar.accounts.enums import DepartmentKind
from kramar.accounts.models import Department, User
from kramar.accounts.selectors import is_active_staff
from kramar.clients.enums import ClientKind
from kramar.clients.models import (
    Client,
    ClientEmail,
    ClientPhone,
    Industry,
    Region,
    SavedView,
    TimelineEntry,
)
from kramar.clients.text import fold
from kramar.core.errors import ApplicationError, CoreErrorCode, NotFoundError

CoOwnership = Client.co_owners.through


def clients_visible_to(*, viewer: User) -> QuerySet[Client]:
    """Return every client the viewer may see (the base of every other client read)."""
    clients = Client.objects.filter(merged_into__isnull=True, deleted_at__isnull=True)
    if not is_active_staff(viewer):
        return clients.none()
    if viewer.is_superuser or viewer.has_perm("clients.view_all_clients"):
        return clients
    rule = Q(manager=viewer) | Q(
        Exists(CoOwnership.objects.filter(client_id=OuterRef("pk"), user_id=viewer.pk))
    )
    if viewer.has_perm("accounts.view_own_departments"):
        rule |= Q(department__in=Department.objects.filter(heads=viewer))
    return clients.filter(rule)


def clients_in_recycle_bin(*, viewer: User) -> QuerySet[Client]:
    """Return the deleted clients the viewer may restore: a head's departments', or all for
    administrators (M3: undo of mistakes)."""
    deleted = Client.objects.filter(merged_into__isnull=True, deleted_at__isnull=False)
    if not (is_active_staff(viewer) and viewer.has_perm("clients.restore_client")):
        return deleted.none()
    if not (viewer.is_superuser or viewer.has_perm("clients.view_all_clients")):
        deleted = deleted.filter(department__in=Department.objects.filter(heads=viewer))
    return deleted.select_related("manager", "department", "deleted_by").order_by(
        "-deleted_at", "-id"
    )


def client_in_recycle_bin_get(*, viewer: User, pk: int) -> Client:
    """Return a deleted client the viewer may restore; any other is "not found"."""
    client = clients_in_recycle_bin(viewer=viewer).filter(pk=pk).first()
    if client is None:
        raise NotFoundError("clients.not_found", _("No such client in the recycle bin."))
    return client


def client_get(*, viewer: User, pk: int) -> Client:
    """Return one client the viewer may see; an invisible one is "not found" (no leak)."""
    client = (
        clients_visible_to(viewer=viewer)
        .select_related("manager", "department", "region", "industry", "company", "user")
        .prefetch_related("emails", "phones", "tags", "co_owners")
        .filter(pk=pk)
        .first()
    )
    if client is None:
        raise NotFoundError("clients.not_found", _("No such client."))
    return client


def client_list(
    *,
    viewer: User,
    search: str = "",
    kind: str = "",
    manager_id: int | None = None,
    department_id: int | None = None,
    region_id: int | None = None,
    industry_id: int | None = None,
    tag: str = "",
    role: str = "",
    silent_days: int | None = None,
    ordering: str = "name",
) -> QuerySet[Client]:
    """Return the visible clients matching the filters, ready to render without more queries.

    ``silent_days`` keeps the clients with no contact for at least that many days (M17).
    """
    clients = clients_visible_to(viewer=viewer)
    if search.strip():
        clients = clients.filter(_search_rule(search.strip()))
    if kind in ClientKind.values:
        clients = clients.filter(kind=kind)
    if manager_id:
        clients = clients.filter(manager_id=manager_id)
    if department_id:
        clients = clients.filter(department_id=department_id)
    if region_id:
        clients = clients.filter(region_id=region_id)
    if industry_id:
        clients = clients.filter(industry_id=industry_id)
    if tag.strip():
        clients = clients.filter(tags__key=fold(tag))
    if role in {"customer", "supplier", "partner"}:
        clients = clients.filter(**{f"is_{role}": True})
    if silent_days is not None:
        since = timezone.now() - timedelta(days=silent_days)
        clients = clients.filter(Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=since))
    orderings = {
        "name": ("name", "id"),
        "-name": ("-name", "-id"),
        "last_contact": ("last_contact_at", "id"),
        "-last_contact": ("-last_contact_at", "-id"),
        "-created": ("-created_at", "-id"),
    }
    return (
        clients.order_by(*orderings.get(ordering, orderings["name"]))
        .select_related("manager", "department", "region", "industry", "company")
        .prefetch_related(
            "tags",
            Prefetch("emails", queryset=ClientEmail.objects.order_by("-is_primary", "id")),
            Prefetch("phones", queryset=ClientPhone.objects.order_by("-is_primary", "id")),
        )
    )


def _search_rule(text: str) -> Q:
    rule = Q(search_text__contains=fold(text)) | Q(registration_code=text)
    emails = ClientEmail.objects.filter(client_id=OuterRef("pk"), email__contains=text.lower())
    rule |= Q(Exists(emails))
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= 5:
        phones = ClientPhone.objects.filter(client_id=OuterRef("pk"), number__contains=digits)
        rule |= Q(Exists(phones))
    return rule


def client_timeline(
    *, viewer: User, client: Client, kinds: Sequence[str] | None = None
) -> QuerySet[TimelineEntry]:
    """Return the client's history, newest first (one indexed query, M11)."""
    if not clients_visible_to(viewer=viewer).filter(pk=client.pk).exists():
        raise NotFoundError("clients.not_found", _("No such client."))
    entries = TimelineEntry.objects.filter(client=client).select_related("actor")
    if kinds:
        entries = entries.filter(kind__in=kinds)
    return entries.order_by("-occurred_at", "-id")


def client_duplicates(*, viewer: User, client: Client) -> QuerySet[Client]:
    """Return the visible clients that look like the same party: same e-mail, phone or name."""
    emails = list(client.emails.values_list("email", flat=True))
    phones = list(client.phones.values_list("number", flat=True))
    rule = Q(kind=client.kind, name_key=client.name_key)
    if emails:
        rule |= Q(Exists(ClientEmail.objects.filter(client_id=OuterRef("pk"), email__in=emails)))
    if phones:
        rule |= Q(Exists(ClientPhone.objects.filter(client_id=OuterRef("pk"), number__in=phones)))
    return (
        clients_visible_to(viewer=viewer)
        .filter(rule)
        .exclude(pk=client.pk)
        .select_related("manager")
        .order_by("name", "id")
    )


def default_manager_for(*, actor: User) -> User | None:
    """Return who becomes responsible for a client that ``actor`` creates: themselves in sales."""
    if actor.department_id and actor.department and actor.department.kind == DepartmentKind.SALES:
        return actor
    return None


def resolve_client_references(*, viewer: User, data: dict[str, Any]) -> dict[str, Any]:
    """Turn the ``*_id`` fields of client input into the records they name.

    A company must be a client the viewer may see (else "not found"); a manager must be active
    staff; an unknown region or industry is a validation error.
    """
    resolved = dict(data)
    if "company_id" in resolved:
        company_id = resolved.pop("company_id")
        resolved["company"] = client_get(viewer=viewer, pk=company_id) if company_id else None
    for key, model in (("region_id", Region), ("industry_id", Industry)):
        if key in resolved:
            pk = resolved.pop(key)
            found = model.objects.filter(pk=pk).first() if pk else None
            if pk and found is None:
                raise ApplicationError(
                    CoreErrorCode.VALIDATION,
                    _("Unknown %(what)s.") % {"what": model._meta.verbose_name},
                    extra={"field": key},
                )
            resolved[key.removesuffix("_id")] = found
    if "manager_id" in resolved:
        pk = resolved.pop("manager_id")
        manager = User.objects.filter(pk=pk, is_staff=True, is_active=True).first() if pk else None
        if pk and manager is None:
            raise ApplicationError(
                CoreErrorCode.VALIDATION,
                _("The manager must be an active staff member."),
                extra={"field": "manager_id"},
            )
        resolved["manager"] = manager
    return resolved


def saved_views_of(*, viewer: User) -> QuerySet[SavedView]:
    """Return the person's own saved client views, by name (nobody sees another's views)."""
    return SavedView.objects.filter(owner_id=viewer.pk).order_by("name", "id")


def saved_view_get(*, viewer: User, pk: int) -> SavedView:
    view = saved_views_of(viewer=viewer).filter(pk=pk).first()
    if view is None:
        raise NotFoundError("clients.view_not_found", _("No such saved view."))
    return view
