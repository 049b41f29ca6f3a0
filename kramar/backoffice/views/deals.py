"""Deal and activity pages: the pipeline board, the deal card, "my day" (M2, M12, M13)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kramar.accounts.models import User
from kramar.backoffice.deals_forms import (
    CompleteForm,
    DealForm,
    LoseForm,
    MoveForm,
    PlanForm,
    PlanTemplateForm,
)
from kramar.backoffice.decorators import office_view
from kramar.backoffice.views.clients import HtmxHttpRequest
from kramar.clients.selectors import client_get
from kramar.core.errors import ApplicationError
from kramar.crm import selectors, services
from kramar.crm.enums import DealStatus, StageKind
from kramar.crm.models import ActivityOutcome, Pipeline
from kramar.tracking.selectors import deal_touch

BOARD_LIMIT_PER_STAGE = 100


def _viewer(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@office_view("crm.view_deal")
def board(request: HttpRequest) -> HttpResponse:
    """The pipeline board: the open deals of one pipeline, a column per open stage."""
    viewer = _viewer(request)
    pipelines = list(Pipeline.objects.filter(is_active=True))
    code = request.GET.get("pipeline") or (pipelines[0].code if pipelines else "")
    pipeline = next((p for p in pipelines if p.code == code), pipelines[0] if pipelines else None)
    columns = []
    if pipeline is not None:
        deals = selectors.deal_list(viewer=viewer, pipeline=pipeline, status=DealStatus.OPEN)
        by_stage: dict[int, list[object]] = {}
        for deal in deals.order_by("stage_entered_at"):
            by_stage.setdefault(deal.stage_id, []).append(deal)
        now = timezone.now()
        for stage in pipeline.stages.filter(kind=StageKind.OPEN).order_by("order"):
            cards = [
                {
                    "deal": deal,
                    "days": (now - deal.stage_entered_at).days,  # type: ignore[attr-defined]
                    "rotting": bool(stage.target_days)
                    and (now - deal.stage_entered_at).days > stage.target_days,  # type: ignore[attr-defined]
                }
                for deal in by_stage.get(stage.pk, [])[:BOARD_LIMIT_PER_STAGE]
            ]
            columns.append(
                {"stage": stage, "cards": cards, "count": len(by_stage.get(stage.pk, []))}
            )
    context = {"pipelines": pipelines, "pipeline": pipeline, "columns": columns}
    return render(request, "backoffice/deals/board.html", context)


@office_view("crm.add_deal")
@require_http_methods(["GET", "POST"])
def deal_create(request: HttpRequest, client_id: int) -> HttpResponse:
    viewer = _viewer(request)
    client = client_get(viewer=viewer, pk=client_id)
    form = DealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            deal = services.deal_create(
                actor=viewer, client=client, manager=viewer, **form.cleaned_data
            )
        except ApplicationError as error:
            form.add_error(error.extra.get("field"), str(error.message))
        else:
            return redirect("backoffice:deal-detail", deal_id=deal.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "backoffice/deals/form.html", {"form": form, "client": client}, status=status
    )


@office_view("crm.view_deal")
def deal_detail(request: HttpRequest, deal_id: int) -> HttpResponse:
    viewer = _viewer(request)
    deal = selectors.deal_get(viewer=viewer, pk=deal_id)
    activities = deal.activities.select_related("owner", "outcome", "stage").order_by(
        "completed_at", "due_at", "id"
    )
    context = {
        "deal": deal,
        "stages": deal.pipeline.stages.order_by("order"),
        "criteria": selectors.exit_criteria_state(deal=deal),
        "history": deal.stage_changes.select_related("from_stage", "to_stage", "changed_by"),
        "done": [a for a in activities if a.completed_at],
        "planned": [a for a in activities if not a.completed_at],
        "move_form": MoveForm(deal=deal),
        "lose_form": LoseForm(),
        "plan_form": PlanForm(
            initial={"deal": deal.pk}, deals=deal.client.deals.filter(pk=deal.pk)
        ),
        "may_override": viewer.has_perm("crm.override_exit_criteria"),
        "needs_next_step": selectors.deal_needs_next_step(deal=deal),
        "site_touch": deal_touch(deal=deal),
        **_activity_context(),
    }
    return render(request, "backoffice/deals/detail.html", context)


@office_view("crm.change_deal")
@require_POST
def deal_move(request: HtmxHttpRequest, deal_id: int) -> HttpResponse:
    viewer = _viewer(request)
    deal = selectors.deal_get(viewer=viewer, pk=deal_id)
    form = MoveForm(request.POST, deal=deal)
    if not form.is_valid():
        messages.error(request, _("Choose a stage of this pipeline."))
    else:
        try:
            services.deal_move_stage(
                actor=viewer,
                deal=deal,
                to_stage=form.cleaned_data["stage"],
                override_reason=form.cleaned_data["override_reason"],
            )
        except ApplicationError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The deal moved on."))
    if request.htmx:  # the board: it reloads itself and shows the message there
        return HttpResponse(status=204)
    return redirect("backoffice:deal-detail", deal_id=deal.pk)


@office_view("crm.change_deal")
@require_POST
def deal_lose(request: HttpRequest, deal_id: int) -> HttpResponse:
    viewer = _viewer(request)
    deal = selectors.deal_get(viewer=viewer, pk=deal_id)
    form = LoseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the deal was lost."))
    else:
        try:
            services.deal_mark_lost(
                actor=viewer,
                deal=deal,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ApplicationError as error:
            messages.error(request, str(error.message))
    return redirect("backoffice:deal-detail", deal_id=deal.pk)


@office_view("crm.add_activity")
@require_POST
def activity_plan(request: HttpRequest, client_id: int) -> HttpResponse:
    viewer = _viewer(request)
    client = client_get(viewer=viewer, pk=client_id)
    deals = selectors.deal_list(viewer=viewer, client=client)
    form = PlanForm(request.POST, deals=deals)
    if not form.is_valid():
        messages.error(request, _("The plan needs a kind and what is to be done."))
    else:
        try:
            services.activity_plan(actor=viewer, client=client, **form.cleaned_data)
        except ApplicationError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Planned."))
    target = _safe_next(request)
    return redirect(target) if target else redirect("backoffice:client-detail", client_id=client.pk)


@office_view("crm.change_activity")
@require_POST
def activity_complete(request: HttpRequest, activity_id: int) -> HttpResponse:
    viewer = _viewer(request)
    activity = selectors.activity_get(viewer=viewer, pk=activity_id)
    form = CompleteForm(request.POST, kind=activity.kind)
    if not form.is_valid():
        messages.error(request, _("Choose a result that fits this kind of work."))
    else:
        try:
            services.activity_complete(
                actor=viewer,
                activity=activity,
                outcome=form.cleaned_data["outcome"],
                result=form.cleaned_data["result"],
            )
        except ApplicationError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Done: “%(subject)s”.") % {"subject": activity.subject})
            if activity.deal is not None and selectors.deal_needs_next_step(deal=activity.deal):
                # The last planned work of an open deal is done: ask for the next step now.
                messages.warning(request, _("The deal has no next step: plan it now."))
                return redirect("backoffice:deal-detail", deal_id=activity.deal.pk)
    return redirect(_safe_next(request) or "backoffice:my-day")


@office_view("crm.view_activity")
def my_day(request: HttpRequest) -> HttpResponse:
    day = selectors.my_day(viewer=_viewer(request))
    context = {
        "overdue": day["overdue"],
        "today": day["today"],
        "stalled": selectors.deals_without_next_step(viewer=_viewer(request))[:50],
        **_activity_context(),
    }
    return render(request, "backoffice/deals/my_day.html", context)


def _activity_context() -> dict[str, object]:
    """What the activity rows need: the time now (overdue marks) and the possible results."""
    return {"now": timezone.now(), "outcomes": list(ActivityOutcome.objects.all())}


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next", "")
    return target if target.startswith("/office/") and "//" not in target else None


@office_view("crm.add_activity")
@require_POST
def plan_template_apply(request: HttpRequest, client_id: int) -> HttpResponse:
    """Plan a ready template's steps for the client (and one of its deals) in one step (M13)."""
    viewer = _viewer(request)
    client = client_get(viewer=viewer, pk=client_id)
    form = PlanTemplateForm(request.POST, deals=selectors.deal_list(viewer=viewer, client=client))
    if not form.is_valid():
        messages.error(request, _("Choose a plan template."))
    else:
        try:
            planned = services.plan_template_apply(
                actor=viewer,
                client=client,
                template=form.cleaned_data["template"],
                deal=form.cleaned_data["deal"],
            )
        except ApplicationError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("%(n)d steps planned.") % {"n": len(planned)})
    target = _safe_next(request)
    return redirect(target) if target else redirect("backoffice:client-detail", client_id=client.pk)
