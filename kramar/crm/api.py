"""The CRM part of the JSON API: deals through their stages and the work with clients (M1, M2).

The same services, selectors and rules as the pages; no business rule lives here.
"""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from kramar.accounts.models import User
from kramar.accounts.permissions import require_permission
from kramar.clients.schemas import RefOut
from kramar.clients.selectors import client_get
from kramar.core.errors import ApplicationError, CoreErrorCode
from kramar.core.pagination import PageNumberPagination
from kramar.core.schemas import AUTHENTICATED, Id, problems
from kramar.crm import selectors, services
from kramar.crm.enums import ApprovalStatus, DealStatus
from kramar.crm.models import (
    ActivityOutcome,
    Deal,
    LostReason,
    Pipeline,
    PlanTemplate,
    Stage,
)
from kramar.crm.schemas import (
    ActivityIn,
    ActivityOut,
    ActivityOutcomeOut,
    ApprovalOut,
    CompleteIn,
    CompletionOut,
    DealFields,
    DealIn,
    DealListOut,
    DealOut,
    DecideIn,
    DiscountIn,
    DiscountOut,
    LoseIn,
    MoveIn,
    MyDayOut,
    PipelineOut,
    PlanTemplateApplyIn,
    PlanTemplateOut,
    ReassignIn,
)

router = Router(tags=["crm"])
VIEW_DEAL = "crm.view_deal"
CHANGE_DEAL = "crm.change_deal"
VIEW_ACTIVITY = "crm.view_activity"


class DealFilters(Schema):
    pipeline_id: Id | None = None
    status: DealStatus | None = None
    manager_id: Id | None = None
    client_id: Id | None = None


class ApprovalFilters(Schema):
    status: ApprovalStatus | None = None


class ActivityFilters(Schema):
    client_id: Id | None = None
    deal_id: Id | None = None
    owner_id: Id | None = None
    open: bool = False
    overdue: bool = False


def _known[M: Model](records: QuerySet[M], pk: int, field: str) -> M:
    """Return the record that the input's ``field`` names, or refuse the input (400)."""
    record = records.filter(pk=pk).first()
    if record is None:
        raise ApplicationError(
            CoreErrorCode.VALIDATION,
            _("There is no such record: %(field)s.") % {"field": field},
            extra={"field": field},
        )
    return record


def _staff(pk: int, field: str) -> User:
    return _known(User.objects.filter(is_staff=True, is_active=True), pk, field)


def _visible(request: HttpRequest, deal_id: Id, permission: str = VIEW_DEAL) -> tuple[User, Deal]:
    user = require_permission(request, permission)
    return user, selectors.deal_get(viewer=user, pk=deal_id)


def _fresh(user: User, deal: Deal) -> Deal:
    return selectors.deal_get(viewer=user, pk=deal.pk)


# --- Set-up --------------------------------------------------------------------------------------


@router.get(
    "/pipelines",
    response={200: list[PipelineOut], **problems(*AUTHENTICATED)},
    summary="Sales pipelines with their stages in order",
)
def pipeline_list(request: HttpRequest) -> Any:
    user = require_permission(request, VIEW_DEAL)
    return list(selectors.pipeline_list(viewer=user))


@router.get(
    "/lost-reasons",
    response={200: list[RefOut], **problems(*AUTHENTICATED)},
    summary="Why a deal may be lost",
)
def lost_reason_list(request: HttpRequest) -> Any:
    require_permission(request, VIEW_DEAL)
    return list(LostReason.objects.filter(is_active=True))


@router.get(
    "/activity-outcomes",
    response={200: list[ActivityOutcomeOut], **problems(*AUTHENTICATED)},
    summary="The results a piece of work may end with",
)
def activity_outcome_list(request: HttpRequest) -> Any:
    require_permission(request, VIEW_ACTIVITY)
    return list(ActivityOutcome.objects.all())


# --- Deals ---------------------------------------------------------------------------------------


@router.get(
    "/deals",
    response={200: list[DealListOut], **problems(*AUTHENTICATED, 400, 404)},
    summary="Deals I may see, filtered, newest first",
)
@paginate(PageNumberPagination)
def deal_list(request: HttpRequest, filters: Query[DealFilters], **kwargs: Any) -> Any:
    user = require_permission(request, VIEW_DEAL)
    pipeline_id, client_id = filters.pipeline_id, filters.client_id
    pipeline = _known(Pipeline.objects.all(), pipeline_id, "pipeline_id") if pipeline_id else None
    return selectors.deal_list(
        viewer=user,
        pipeline=pipeline,
        status=filters.status or "",
        manager_id=filters.manager_id,
        client=client_get(viewer=user, pk=client_id) if client_id else None,
    )


@router.post(
    "/deals",
    response={201: DealOut, **problems(*AUTHENTICATED, 400, 404)},
    summary="Open a deal in the first stage of a pipeline",
)
def deal_create(request: HttpRequest, payload: DealIn) -> Status:
    user = require_permission(request, "crm.add_deal")
    client = client_get(viewer=user, pk=payload.client_id)
    pipeline = _known(Pipeline.objects.filter(is_active=True), payload.pipeline_id, "pipeline_id")
    manager = user
    if payload.manager_id is not None and payload.manager_id != user.pk:
        require_permission(request, "crm.reassign_deal")
        manager = _staff(payload.manager_id, "manager_id")
    deal = services.deal_create(
        actor=user,
        client=client,
        pipeline=pipeline,
        title=payload.title,
        manager=manager,
        amount=payload.amount,
        expected_close_date=payload.expected_close_date,
        probability=payload.probability,
        description=payload.description,
    )
    # Rendered as created rather than read back: whoever opens a deal for a colleague outside
    # their own departments still gets what they made.
    return Status(201, deal)


@router.get(
    "/deals/{deal_id}",
    response={200: DealOut, **problems(*AUTHENTICATED, 404)},
    summary="One deal, its stage history and what its stage still needs",
)
def deal_detail(request: HttpRequest, deal_id: Id) -> Deal:
    return _visible(request, deal_id)[1]


@router.patch(
    "/deals/{deal_id}",
    response={200: DealOut, **problems(*AUTHENTICATED, 400, 404)},
    summary="Change a deal's own fields (its manager: heads of sales only)",
)
def deal_update(request: HttpRequest, deal_id: Id, payload: DealFields) -> Deal:
    user, deal = _visible(request, deal_id, CHANGE_DEAL)
    changes = payload.model_dump(exclude_unset=True)
    manager_id = changes.pop("manager_id", None)
    if any(value is None for key, value in changes.items() if key in {"title", "amount"}):
        raise ApplicationError(
            CoreErrorCode.VALIDATION, _("A title and an amount cannot be empty.")
        )
    with transaction.atomic():
        if changes:
            services.deal_update(actor=user, deal=deal, **changes)
        if manager_id is not None and manager_id != deal.manager_id:
            manager = _staff(manager_id, "manager_id")
            services.deal_reassign(actor=user, deal=deal, manager=manager)
    return _fresh(user, deal)


@router.post(
    "/deals/{deal_id}/reassign",
    response={200: DealOut, **problems(*AUTHENTICATED, 400, 404)},
    summary="Hand a deal to another manager (heads of sales)",
)
def deal_reassign(request: HttpRequest, deal_id: Id, payload: ReassignIn) -> Deal:
    user, deal = _visible(request, deal_id, "crm.reassign_deal")
    manager = _staff(payload.manager_id, "manager_id")
    services.deal_reassign(actor=user, deal=deal, manager=manager)
    return _fresh(user, deal)


@router.delete(
    "/deals/{deal_id}",
    response={204: None, **problems(*AUTHENTICATED, 404)},
    summary="Move a deal to the recycle bin",
)
def deal_delete(request: HttpRequest, deal_id: Id) -> Status:
    user, deal = _visible(request, deal_id, "crm.delete_deal")
    services.deal_delete(actor=user, deal=deal)
    return Status(204, None)


@router.get(
    "/recycle-bin/deals",
    response={200: list[DealListOut], **problems(*AUTHENTICATED)},
    summary="Deleted deals I may restore",
)
@paginate(PageNumberPagination)
def deal_bin(request: HttpRequest, **kwargs: Any) -> Any:
    user = require_permission(request, "crm.restore_deal")
    return selectors.deals_in_recycle_bin(viewer=user).select_related("stage", "pipeline")


@router.post(
    "/deals/{deal_id}/restore",
    response={200: DealOut, **problems(*AUTHENTICATED, 404)},
    summary="Bring a deal back from the recycle bin",
)
def deal_restore(request: HttpRequest, deal_id: Id) -> Deal:
    user = require_permission(request, "crm.restore_deal")
    deal = selectors.deal_in_recycle_bin_get(viewer=user, pk=deal_id)
    services.deal_restore(actor=user, deal=deal)
    return _fresh(user, deal)


@router.post(
    "/deals/{deal_id}/discount",
    response={200: DiscountOut, 202: DiscountOut, **problems(*AUTHENTICATED, 400, 404)},
    summary="Give a deal a discount; above the limit it waits for a head of sales (202)",
)
def deal_discount(request: HttpRequest, deal_id: Id, payload: DiscountIn) -> Status:
    user, deal = _visible(request, deal_id, CHANGE_DEAL)
    asked = services.deal_set_discount(
        actor=user, deal=deal, percent=payload.percent, note=payload.note
    )
    fresh = _fresh(user, deal)
    if asked is None:
        return Status(200, {"applied": True, "deal": fresh, "approval_request": None})
    return Status(202, {"applied": False, "deal": fresh, "approval_request": asked})


@router.get(
    "/approvals",
    response={200: list[ApprovalOut], **problems(*AUTHENTICATED)},
    summary="Approval requests I asked for or decide, newest first",
)
@paginate(PageNumberPagination)
def approval_list(request: HttpRequest, filters: Query[ApprovalFilters], **kwargs: Any) -> Any:
    user = require_permission(request, "crm.view_approvalrequest")
    requests = selectors.approvals_visible_to(viewer=user)
    if filters.status:
        requests = requests.filter(status=filters.status)
    return requests


@router.post(
    "/approvals/{approval_id}/decide",
    response={200: ApprovalOut, **problems(*AUTHENTICATED, 404, 409)},
    summary="Approve (the change is made) or refuse a request (heads of sales)",
)
def approval_decide(request: HttpRequest, approval_id: Id, payload: DecideIn) -> Any:
    user = require_permission(request, "crm.decide_approvalrequest")
    found = selectors.approval_get(viewer=user, pk=approval_id)
    return services.approval_decide(
        actor=user, request=found, approve=payload.approve, note=payload.note
    )


@router.post(
    "/deals/{deal_id}/move",
    response={200: DealOut, **problems(*AUTHENTICATED, 400, 404)},
    summary="Move a deal to another stage once the exit criteria are met",
)
def deal_move(request: HttpRequest, deal_id: Id, payload: MoveIn) -> Deal:
    user, deal = _visible(request, deal_id, CHANGE_DEAL)
    stage = _known(Stage.objects.all(), payload.stage_id, "stage_id")
    services.deal_move_stage(
        actor=user, deal=deal, to_stage=stage, override_reason=payload.override_reason
    )
    return _fresh(user, deal)


@router.post(
    "/deals/{deal_id}/lose",
    response={200: DealOut, **problems(*AUTHENTICATED, 400, 404)},
    summary="Close a deal as lost, saying why",
)
def deal_lose(request: HttpRequest, deal_id: Id, payload: LoseIn) -> Deal:
    user, deal = _visible(request, deal_id, CHANGE_DEAL)
    reason = (
        _known(LostReason.objects.filter(is_active=True), payload.reason_id, "reason_id")
        if payload.reason_id
        else None
    )
    services.deal_mark_lost(actor=user, deal=deal, reason=reason, note=payload.note)
    return _fresh(user, deal)


# --- Activities ----------------------------------------------------------------------------------


@router.get(
    "/activities",
    response={200: list[ActivityOut], **problems(*AUTHENTICATED)},
    summary="Work with clients that I may see, filtered, soonest due first",
)
@paginate(PageNumberPagination)
def activity_list(request: HttpRequest, filters: Query[ActivityFilters], **kwargs: Any) -> Any:
    user = require_permission(request, VIEW_ACTIVITY)
    return selectors.activity_list(
        viewer=user,
        client_id=filters.client_id,
        deal_id=filters.deal_id,
        owner_id=filters.owner_id,
        open_only=filters.open,
        overdue=filters.overdue,
    )


@router.post(
    "/activities",
    response={201: ActivityOut, **problems(*AUTHENTICATED, 400, 404)},
    summary="Plan a piece of work with a client",
)
def activity_plan(request: HttpRequest, payload: ActivityIn) -> Status:
    user = require_permission(request, "crm.add_activity")
    client = client_get(viewer=user, pk=payload.client_id)
    deal = selectors.deal_get(viewer=user, pk=payload.deal_id) if payload.deal_id else None
    owner = _staff(payload.owner_id, "owner_id") if payload.owner_id else None
    minutes = payload.remind_before_minutes
    activity = services.activity_plan(
        actor=user,
        client=client,
        kind=payload.kind,
        subject=payload.subject,
        due_at=payload.due_at,
        owner=owner,
        deal=deal,
        remind_before=None if minutes is None else timedelta(minutes=minutes),
    )
    return Status(201, activity)


@router.get(
    "/plan-templates",
    response={200: list[PlanTemplateOut], **problems(*AUTHENTICATED)},
    summary="Ready interaction plans",
)
def plan_template_list(request: HttpRequest) -> Any:
    require_permission(request, "crm.view_activity")
    return list(PlanTemplate.objects.filter(is_active=True).prefetch_related("steps"))


@router.post(
    "/activities/from-template",
    response={201: list[ActivityOut], **problems(*AUTHENTICATED, 400, 404)},
    summary="Plan every step of a plan template for a client",
)
def plan_template_apply(request: HttpRequest, payload: PlanTemplateApplyIn) -> Status:
    user = require_permission(request, "crm.add_activity")
    client = client_get(viewer=user, pk=payload.client_id)
    deal = selectors.deal_get(viewer=user, pk=payload.deal_id) if payload.deal_id else None
    template = _known(
        PlanTemplate.objects.filter(is_active=True), payload.template_id, "template_id"
    )
    owner = _staff(payload.owner_id, "owner_id") if payload.owner_id else None
    planned = services.plan_template_apply(
        actor=user, template=template, client=client, deal=deal, owner=owner, start=payload.start
    )
    return Status(201, planned)


@router.post(
    "/activities/{activity_id}/complete",
    response={200: CompletionOut, **problems(*AUTHENTICATED, 400, 404)},
    summary="Record that the work is done and what came of it (and plan the next step)",
)
def activity_complete(request: HttpRequest, activity_id: Id, payload: CompleteIn) -> Any:
    user = require_permission(request, "crm.change_activity")
    activity = selectors.activity_get(viewer=user, pk=activity_id)
    outcome = (
        _known(ActivityOutcome.objects.all(), payload.outcome_id, "outcome_id")
        if payload.outcome_id
        else None
    )
    planned = None
    if payload.next_step is None:
        done = services.activity_complete(
            actor=user, activity=activity, outcome=outcome, result=payload.result
        )
    else:
        step = payload.next_step
        require_permission(request, "crm.add_activity")
        minutes = step.remind_before_minutes
        done, planned = services.activity_complete_with_next_step(
            actor=user,
            activity=activity,
            outcome=outcome,
            result=payload.result,
            next_step=services.NextStep(
                kind=step.kind,
                subject=step.subject,
                due_at=step.due_at,
                owner=_staff(step.owner_id, "next_step.owner_id") if step.owner_id else None,
                remind_before=None if minutes is None else timedelta(minutes=minutes),
            ),
        )
    done = selectors.activity_get(viewer=user, pk=done.pk)
    # The answer is the activity with two facts beside it (CompletionOut reads them as fields).
    done.next_step = selectors.activity_get(viewer=user, pk=planned.pk) if planned else None  # type: ignore[attr-defined]
    done.deal_needs_next_step = done.deal is not None and selectors.deal_needs_next_step(  # type: ignore[attr-defined]
        deal=done.deal
    )
    return done


@router.get(
    "/my-day",
    response={200: MyDayOut, **problems(*AUTHENTICATED)},
    summary="My overdue work and my work for today",
)
def my_day(request: HttpRequest) -> dict[str, list[Any]]:
    user = require_permission(request, VIEW_ACTIVITY)
    work: dict[str, list[Any]] = {
        part: list(activities) for part, activities in selectors.my_day(viewer=user).items()
    }
    work["deals_without_next_step"] = list(selectors.deals_without_next_step(viewer=user)[:50])
    return work
