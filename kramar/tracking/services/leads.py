"""Web forms of the shop become clients, leads and a manager's first step (M6, M8, M12).

Assignment (docs/tracking.md, "Assignment"): the client's own manager if it has an active one;
else the first matching :class:`LeadRule` (form, region, product group) naming a manager or a
department; else the sales departments. Within the candidates the manager with the fewest open
deals wins, ties go to whoever received a site lead longest ago (round-robin under equal load).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kramar.accounts.enums import DepartmentKind, Role
from kramar.accounts.models import User
from kramar.catalog.models import Product
from kramar.catalog.selectors import group_ancestors
from kramar.clients.enums import ClientKind, ClientSource
from kramar.clients.models import Client, ClientPhone
from kramar.clients.services import (
    client_add_email,
    client_add_phone,
    client_assign_manager,
    client_create,
)
from kramar.clients.services.records import normalize_email, normalize_phone
from kramar.crm.enums import ActivityKind, DealStatus
from kramar.crm.models import Deal, Pipeline
from kramar.crm.services import activity_plan, deal_create
from kramar.tracking.enums import WebFormKind
from kramar.tracking.models import LeadRule, WebFormSubmission
from kramar.tracking.services.attribution import deal_touch_record

LEAD_SOURCE = "site-form"
FIRST_STEP = {
    WebFormKind.CALLBACK: ActivityKind.CALL,
    WebFormKind.QUOTE: ActivityKind.OFFER,
    WebFormKind.CONTACT: ActivityKind.EMAIL,
    WebFormKind.QUESTION: ActivityKind.EMAIL,
}


def _sales_managers() -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, is_staff=True, groups__name=Role.SALES_MANAGER.value
        ).distinct()
    )


def _least_loaded(candidates: list[User]) -> User | None:
    """Pick the manager with the fewest open deals; ties: the longest since a site lead."""
    if not candidates:
        return None
    ids = [person.pk for person in candidates]
    stats = {
        row["manager"]: row
        for row in Deal.objects.filter(manager__in=ids)
        .values("manager")
        .annotate(
            open=Count("pk", filter=Q(status=DealStatus.OPEN, deleted_at__isnull=True)),
            last_lead=Max("created_at", filter=Q(source=LEAD_SOURCE)),
        )
    }
    epoch = datetime.min.replace(tzinfo=timezone.get_current_timezone())

    def load(person: User) -> tuple[int, datetime, int]:
        row: dict[str, Any] = dict(stats.get(person.pk) or {})
        return (row.get("open") or 0, row.get("last_lead") or epoch, person.pk)

    return min(candidates, key=load)


def _rule_matches(rule: LeadRule, kind: str, client: Client, product: Product | None) -> bool:
    if rule.form_kind and rule.form_kind != kind:
        return False
    if rule.region_id and rule.region_id != client.region_id:
        return False
    if rule.product_group_id:
        if product is None:
            return False
        groups = {product.group_id, *(g.pk for g in group_ancestors(product.group))}
        if rule.product_group_id not in groups:
            return False
    return True


def lead_manager_for(*, kind: str, client: Client, product: Product | None = None) -> User | None:
    """Return who handles a lead from a site form (the rules above)."""
    if client.manager_id and client.manager and client.manager.is_active:
        return client.manager
    managers = _sales_managers()
    for rule in LeadRule.objects.filter(is_active=True).select_related("manager"):
        if not _rule_matches(rule, kind, client, product):
            continue
        if rule.manager_id and rule.manager and rule.manager.is_active:
            return rule.manager
        if rule.department_id:
            chosen = _least_loaded([m for m in managers if m.department_id == rule.department_id])
            if chosen is not None:
                return chosen
    return _least_loaded(
        [m for m in managers if m.department and m.department.kind == DepartmentKind.SALES]
    ) or _least_loaded(managers)


def _client_for_form(*, name: str, email: str, phone: str) -> Client:
    """Find the client by e-mail, else by phone; add what is new to it, or create one."""
    address = normalize_email(email) if email else ""
    number = normalize_phone(phone) if phone else ""
    alive = Client.objects.select_for_update().filter(merged_into__isnull=True, deleted_at=None)
    client = None
    if address:
        client = alive.filter(emails__email=address).order_by("pk").first()
    if client is None and number:
        owner = ClientPhone.objects.filter(number=number, client__merged_into__isnull=True)
        client = alive.filter(pk__in=owner.values("client_id")).order_by("pk").first()
    if client is None:
        return client_create(
            actor=None,
            kind=ClientKind.PERSON,
            name=" ".join(name.split()) or address or number,
            emails=[address] if address else [],
            phones=[number] if number else [],
            source=ClientSource.SITE,
        )
    if address and not client.emails.filter(email=address).exists():
        client_add_email(actor=None, client=client, email=address)
    if number and not client.phones.filter(number=number).exists():
        client_add_phone(actor=None, client=client, number=number)
    return client


@transaction.atomic
def web_form_submit(
    *,
    kind: WebFormKind,
    name: str,
    email: str = "",
    phone: str = "",
    message: str = "",
    product: Product | None = None,
    now: datetime | None = None,
    visitor_id: str = "",
    touch: dict[str, str] | None = None,
) -> WebFormSubmission:
    """Take a form from the shop: the client, a lead in the first stage, a planned first step.

    ``visitor_id`` and ``touch`` (the current visit's campaign, referrer and landing page) come
    from a visitor who accepted tracking; the lead then keeps its first and last touch.
    """
    now = now or timezone.now()
    kind = WebFormKind(kind)
    client = _client_for_form(name=name, email=email, phone=phone)
    manager = lead_manager_for(kind=kind, client=client, product=product)
    submission = WebFormSubmission.objects.create(
        kind=kind,
        client=client,
        name=name[:200],
        email=email,
        phone=phone,
        message=message,
        product=product,
    )
    if manager is None:
        return submission  # no sales staff yet: the client and the form are kept
    if client.manager_id is None:
        client_assign_manager(actor=None, client=client, manager=manager)
    code = "wholesale" if kind == WebFormKind.QUOTE else "retail"
    pipeline = (
        Pipeline.objects.filter(code=code, is_active=True).first()
        or Pipeline.objects.filter(is_active=True).order_by("order", "pk").first()
    )
    title = kind.label if product is None else f"{kind.label}: {product.name}"
    if pipeline is not None:
        submission.deal = deal_create(
            actor=None,
            client=client,
            pipeline=pipeline,
            title=str(title)[:200],
            manager=manager,
            description=message,
            source=LEAD_SOURCE,
            now=now,
        )
        submission.save(update_fields=["deal"])
        if visitor_id or touch:
            deal_touch_record(deal=submission.deal, visitor_id=visitor_id, current=touch, now=now)
    subject = {
        WebFormKind.CALLBACK: _("Call back %(name)s"),
        WebFormKind.QUOTE: _("Send a wholesale quote to %(name)s"),
        WebFormKind.QUESTION: _("Answer the product question of %(name)s"),
        WebFormKind.CONTACT: _("Answer the message of %(name)s"),
    }[kind] % {"name": client.name}
    activity_plan(
        actor=manager,
        client=client,
        kind=FIRST_STEP[kind],
        subject=subject[:200],
        due_at=now + settings.TRACKING_LEAD_ANSWER_WITHIN,
        owner=manager,
        deal=submission.deal,
    )
    return submission
