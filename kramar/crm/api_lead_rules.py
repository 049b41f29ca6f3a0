"""The lead rules in the JSON API (issue 6; M6, M8, M12): the same selectors and services as the
office page at /office/lead-rules/. Heads of sales and administrators change them; the company
head reads them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from kramar.accounts.models import Department, User
from kramar.accounts.permissions import require_permission
from kramar.catalog.models import ProductGroup
from kramar.clients.models import Region
from kramar.core.errors import ApplicationError, CoreErrorCode
from kramar.core.schemas import AUTHENTICATED, Id, problems
from kramar.crm import selectors, services
from kramar.crm.models import LeadRule
from kramar.crm.schemas import (
    LeadAssignmentOut,
    LeadAssignmentQuery,
    LeadRuleIn,
    LeadRuleMoveIn,
    LeadRuleOut,
    LeadRulePatch,
)

router = Router(tags=["lead rules"])
VIEW, ADD, CHANGE, DELETE = (
    "crm.view_leadrule",
    "crm.add_leadrule",
    "crm.change_leadrule",
    "crm.delete_leadrule",
)
# Where each ``<field>_id`` of the input is looked up; the service checks what a rule may name.
RECORDS: dict[str, Callable[[], QuerySet[Any]]] = {
    "region": Region.objects.all,
    "product_group": ProductGroup.objects.all,
    "department": Department.objects.all,
    "manager": lambda: User.objects.filter(is_staff=True),
}


def _known(records: QuerySet[Any], pk: int, field: str) -> Model:
    record = records.filter(pk=pk).first()
    if record is None:
        raise ApplicationError(
            CoreErrorCode.VALIDATION,
            _("There is no such record: %(field)s.") % {"field": field},
            extra={"field": field},
        )
    return record


def _fields(given: dict[str, Any]) -> dict[str, Any]:
    """Turn the input's ids into records (an unknown id is a 400), keeping the other fields."""
    fields = {}
    for name, value in given.items():
        key = name.removesuffix("_id")
        if key in RECORDS:
            fields[key] = None if value is None else _known(RECORDS[key](), value, name)
        elif value is not None:
            fields[name] = value
    return fields


@router.get(
    "/lead-rules",
    response={200: list[LeadRuleOut], **problems(*AUTHENTICATED)},
    summary="The lead rules, in the order they are tried",
)
def lead_rule_list(request: HttpRequest) -> Any:
    user = require_permission(request, VIEW)
    return list(selectors.lead_rules_visible_to(viewer=user))


@router.get(
    "/lead-rules/assignee",
    response={200: LeadAssignmentOut, **problems(*AUTHENTICATED, 400)},
    summary="Who would get a new lead of this channel, region and product group now, and why",
)
def lead_rule_assignee(request: HttpRequest, query: Query[LeadAssignmentQuery]) -> Any:
    require_permission(request, VIEW)
    lead = _fields(query.model_dump(exclude={"channel"}))
    return services.lead_assignment(channel=query.channel, **lead)


@router.post(
    "/lead-rules",
    response={201: LeadRuleOut, **problems(*AUTHENTICATED, 400)},
    summary="Add a rule at the end of the order",
)
def lead_rule_create(request: HttpRequest, payload: LeadRuleIn) -> Status:
    user = require_permission(request, ADD)
    rule = services.lead_rule_create(actor=user, **_fields(payload.model_dump()))
    return Status(201, selectors.lead_rule_get(viewer=user, pk=rule.pk))


@router.get(
    "/lead-rules/{rule_id}",
    response={200: LeadRuleOut, **problems(*AUTHENTICATED, 404)},
    summary="One lead rule",
)
def lead_rule_detail(request: HttpRequest, rule_id: Id) -> LeadRule:
    user = require_permission(request, VIEW)
    return selectors.lead_rule_get(viewer=user, pk=rule_id)


@router.patch(
    "/lead-rules/{rule_id}",
    response={200: LeadRuleOut, **problems(*AUTHENTICATED, 400, 404)},
    summary="Change a rule's conditions, target, note, or switch it off or on",
)
def lead_rule_update(request: HttpRequest, rule_id: Id, payload: LeadRulePatch) -> LeadRule:
    user = require_permission(request, CHANGE)
    rule = selectors.lead_rule_get(viewer=user, pk=rule_id)
    changes = _fields(payload.model_dump(exclude_unset=True))
    services.lead_rule_update(actor=user, rule=rule, **changes)
    return selectors.lead_rule_get(viewer=user, pk=rule_id)


@router.post(
    "/lead-rules/{rule_id}/move",
    response={200: list[LeadRuleOut], **problems(*AUTHENTICATED, 404)},
    summary="Put a rule at a position (1: tried first); return the rules in their new order",
)
def lead_rule_move(request: HttpRequest, rule_id: Id, payload: LeadRuleMoveIn) -> Any:
    user = require_permission(request, CHANGE)
    rule = selectors.lead_rule_get(viewer=user, pk=rule_id)
    services.lead_rule_move(actor=user, rule=rule, position=payload.position)
    return list(selectors.lead_rules_visible_to(viewer=user))


@router.delete(
    "/lead-rules/{rule_id}",
    response={204: None, **problems(*AUTHENTICATED, 404)},
    summary="Delete a rule (or switch it off with PATCH to keep it)",
)
def lead_rule_delete(request: HttpRequest, rule_id: Id) -> Status:
    user = require_permission(request, DELETE)
    services.lead_rule_delete(actor=user, rule=selectors.lead_rule_get(viewer=user, pk=rule_id))
    return Status(204, None)
