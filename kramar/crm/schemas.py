from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from django.utils import timezone
from ninja import Field, Schema

from kramar.clients.schemas import ClientRefOut, PersonRefOut, RefOut
from kramar.core.schemas import ApiDatetime, Id
from kramar.crm.enums import ActivityKind, LeadChannel
from kramar.crm.selectors import exit_criteria_state

# PostgreSQL refuses a NUL character in text; refuse it at the door (422), not as a 500.
NO_NUL = r"^[^\x00]*$"

# Money: a Decimal with kopiykas at most, never a float.
Amount = Annotated[
    Decimal,
    Field(
        ge=0,
        max_digits=14,
        decimal_places=2,
        description='At most 2 places after the point; a string such as "1250.50" stays exact.',
    ),
]


# --- Set-up: pipelines, stages, reasons, outcomes -------------------------------------------------


class ExitCriterionOut(Schema):
    id: int
    kind: str
    description: str


class StageOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    order: int
    expected_result: str
    target_days: int | None
    probability: int
    exit_criteria: list[ExitCriterionOut]

    @staticmethod
    def resolve_exit_criteria(obj: Any) -> list[Any]:
        return list(obj.exit_criteria.all())


class PipelineOut(Schema):
    id: int
    code: str
    name: str
    stages: list[StageOut]

    @staticmethod
    def resolve_stages(obj: Any) -> list[Any]:
        return list(obj.stages.all())


class OutcomeRefOut(Schema):
    id: int
    code: str
    name: str


class ActivityOutcomeOut(OutcomeRefOut):
    activity_kind: str = Field(..., description="The kind of work it fits; empty: every kind.")
    is_positive: bool


# --- Deals ---------------------------------------------------------------------------------------


class StageRefOut(Schema):
    id: int
    code: str
    name: str
    kind: str


class DealListOut(Schema):
    id: int
    title: str
    client: ClientRefOut
    pipeline_id: int
    stage: StageRefOut
    status: str
    manager: PersonRefOut
    amount: Decimal
    discount_percent: Decimal
    currency: str
    expected_close_date: date | None
    probability: int | None
    stage_entered_at: datetime
    closed_at: datetime | None
    created_at: datetime


class StageChangeOut(Schema):
    from_stage_id: int | None
    to_stage_id: int
    changed_at: datetime
    changed_by_id: int | None
    seconds_in_from_stage: int
    override_reason: str


class CriterionStateOut(Schema):
    id: int
    kind: str
    description: str
    met: bool


class DealOut(DealListOut):
    department_id: int | None
    description: str
    source: str
    lost_reason: RefOut | None
    lost_at_stage: StageRefOut | None
    lost_note: str
    created_by_id: int | None
    updated_at: datetime
    stage_history: list[StageChangeOut]
    exit_criteria: list[CriterionStateOut] = Field(
        ..., description="What must be done before the deal may leave its current stage."
    )

    @staticmethod
    def resolve_stage_history(obj: Any) -> list[Any]:
        return list(obj.stage_changes.all())

    @staticmethod
    def resolve_exit_criteria(obj: Any) -> list[dict[str, Any]]:
        return [
            {
                "id": state.criterion.pk,
                "kind": state.criterion.kind,
                "description": state.criterion.description,
                "met": state.met,
            }
            for state in exit_criteria_state(deal=obj)
        ]


class DealIn(Schema):
    client_id: Id
    pipeline_id: Id
    title: str = Field(..., min_length=1, max_length=200, pattern=NO_NUL)
    amount: Amount = Decimal("0")
    expected_close_date: date | None = None
    probability: int | None = Field(None, ge=0, le=100)
    description: str = Field("", max_length=10_000, pattern=NO_NUL)
    manager_id: Id | None = Field(
        None, description="Responsible manager; yourself when omitted. Another needs the right."
    )


class DealFields(Schema):
    """A deal's own fields to change; only those sent change."""

    title: str | None = Field(None, min_length=1, max_length=200, pattern=NO_NUL)
    amount: Amount | None = None
    expected_close_date: date | None = None
    probability: int | None = Field(None, ge=0, le=100)
    description: str | None = Field(None, max_length=10_000, pattern=NO_NUL)
    source: str | None = Field(None, max_length=40, pattern=NO_NUL)
    manager_id: Id | None = Field(
        None, description="Hand the deal to another manager: heads of sales only (M15)."
    )


class DiscountIn(Schema):
    percent: Decimal = Field(..., ge=0, le=100, max_digits=5, decimal_places=2)
    note: str = Field("", max_length=500, pattern=NO_NUL, description="Why, for the head.")


class ApprovalOut(Schema):
    id: int
    kind: str
    status: str
    client: ClientRefOut
    deal_id: int | None
    value: Decimal
    previous_value: Decimal | None
    note: str
    requested_by: PersonRefOut
    created_at: datetime
    decided_by: PersonRefOut | None
    decided_at: datetime | None
    decision_note: str


class DiscountOut(Schema):
    applied: bool = Field(..., description="True: the deal has the discount now.")
    deal: DealListOut
    approval_request: ApprovalOut | None = Field(
        None, description="Set when the discount waits for a head of sales."
    )


class DecideIn(Schema):
    approve: bool
    note: str = Field("", max_length=500, pattern=NO_NUL)


class ReassignIn(Schema):
    manager_id: Id


class MoveIn(Schema):
    stage_id: Id
    override_reason: str = Field(
        "",
        max_length=500,
        pattern=NO_NUL,
        description="Why the exit criteria may be passed over (heads of sales only).",
    )


class LoseIn(Schema):
    reason_id: Id | None = Field(None, description="One of /lost-reasons; required.")
    note: str = Field("", max_length=500, pattern=NO_NUL)


# --- Activities ----------------------------------------------------------------------------------


class ActivityOut(Schema):
    id: int
    kind: str
    subject: str
    client: ClientRefOut
    deal_id: int | None
    owner_id: int
    due_at: datetime | None
    remind_before_minutes: int | None
    completed_at: datetime | None
    outcome: OutcomeRefOut | None
    result: str
    stage_id: int | None = Field(..., description="The deal's stage when the work was done.")
    is_overdue: bool
    created_at: datetime

    @staticmethod
    def resolve_remind_before_minutes(obj: Any) -> int | None:
        if obj.remind_before is None:
            return None
        return int(obj.remind_before.total_seconds() // 60)

    @staticmethod
    def resolve_is_overdue(obj: Any) -> bool:
        return obj.completed_at is None and obj.due_at is not None and obj.due_at < timezone.now()


class ActivityIn(Schema):
    client_id: Id
    kind: ActivityKind
    subject: str = Field(..., min_length=1, max_length=200, pattern=NO_NUL)
    due_at: ApiDatetime | None = None
    deal_id: Id | None = None
    owner_id: Id | None = Field(None, description="Who does the work; yourself when omitted.")
    remind_before_minutes: int | None = Field(None, ge=0, le=525_600)


class NextStepIn(Schema):
    kind: ActivityKind
    subject: str = Field(..., min_length=1, max_length=200, pattern=NO_NUL)
    due_at: ApiDatetime | None = None
    owner_id: Id | None = Field(None, description="Who does the work; yourself when omitted.")
    remind_before_minutes: int | None = Field(None, ge=0, le=525_600)


class CompleteIn(Schema):
    outcome_id: Id | None = Field(None, description="One of /activity-outcomes; required.")
    result: str = Field("", max_length=10_000, pattern=NO_NUL)
    next_step: NextStepIn | None = Field(
        None,
        description="The next piece of work with the same client and deal, planned in the same "
        "transaction. Every open deal needs one: give it when completing the deal's last "
        "planned work.",
    )


class CompletionOut(ActivityOut):
    next_step: ActivityOut | None = Field(..., description="The work planned with it, if any.")
    deal_needs_next_step: bool = Field(
        ..., description="The deal is open and nothing is planned for it: plan the next step."
    )


class MyDayOut(Schema):
    overdue: list[ActivityOut]
    today: list[ActivityOut]
    deals_without_next_step: list[DealListOut] = Field(
        ..., description="My open deals with no planned work (at most 50)."
    )


class PlanTemplateStepOut(Schema):
    order: int
    kind: str
    subject: str
    offset_days: int
    remind_before_minutes: int | None


class PlanTemplateOut(Schema):
    id: int
    code: str
    name: str
    description: str
    steps: list[PlanTemplateStepOut]

    @staticmethod
    def resolve_steps(obj: Any) -> list[Any]:
        return list(obj.steps.all())


class PlanTemplateApplyIn(Schema):
    template_id: Id
    client_id: Id
    deal_id: Id | None = None
    owner_id: Id | None = Field(None, description="Who does the work; yourself when omitted.")
    start: ApiDatetime | None = Field(None, description="Day 0 of the plan; now when omitted.")


# --- Lead rules (who gets a new lead; M6, M8, M12) -----------------------------------------------


class NamedRefOut(Schema):
    id: int
    name: str


class LeadRuleOut(Schema):
    id: int
    order: int = Field(..., description="Rules are tried from the lowest order up.")
    channel: str = Field(..., description='A web form kind or "email"; empty: any channel.')
    region: NamedRefOut | None = Field(..., description="The client's region; null: any.")
    product_group: NamedRefOut | None = Field(
        ..., description="The product's group or a group above it; null: any."
    )
    department: RefOut | None = Field(
        ..., description="Its least loaded sales manager gets the lead."
    )
    manager: PersonRefOut | None = Field(..., description="This person gets the lead.")
    is_active: bool
    note: str


class LeadRuleIn(Schema):
    channel: str = Field("", max_length=20, description='A web form kind or "email"; "": any.')
    region_id: Id | None = None
    product_group_id: Id | None = None
    department_id: Id | None = Field(None, description="A sales department, or:")
    manager_id: Id | None = Field(None, description="a sales manager or a head of sales.")
    is_active: bool = True
    note: str = Field("", max_length=200, pattern=NO_NUL)


class LeadRulePatch(Schema):
    """Only the fields sent change; null clears a condition or a target."""

    channel: str | None = Field(None, max_length=20)
    region_id: Id | None = None
    product_group_id: Id | None = None
    department_id: Id | None = None
    manager_id: Id | None = None
    is_active: bool | None = None
    note: str | None = Field(None, max_length=200, pattern=NO_NUL)


class LeadRuleMoveIn(Schema):
    position: int = Field(..., ge=1, le=1_000_000, description="1: tried first.")


class LeadAssignmentQuery(Schema):
    channel: LeadChannel
    region_id: Id | None = None
    product_group_id: Id | None = None


class LeadAssignmentOut(Schema):
    manager: PersonRefOut | None
    by: str = Field(..., description="client_manager, rule_manager, rule_department, …")
    explanation: str
    rule: LeadRuleOut | None

    @staticmethod
    def resolve_explanation(obj: Any) -> str:
        return str(obj.by.label)
