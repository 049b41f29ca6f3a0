"""Deals moving through the stages of pipelines, and the activities that are the work (M1, M2)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kramar.audit.capture import AuditedManager
from kramar.core.models import TimeStampedModel
from kramar.core.money import CurrencyField, MoneyField
from kramar.crm.enums import (
    ActivityKind,
    ApprovalKind,
    ApprovalStatus,
    CriterionKind,
    DealStatus,
    StageKind,
)


class Pipeline(models.Model):
    """A sales process: retail sale, wholesale (B2B), service contract (M16)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("pipeline")
        verbose_name_plural = _("pipelines")

    def __str__(self) -> str:
        return self.name


class Stage(models.Model):
    """A stage of a pipeline, with the result it must yield (M1) and its time budget."""

    pipeline = models.ForeignKey(
        Pipeline, verbose_name=_("pipeline"), related_name="stages", on_delete=models.CASCADE
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=10, choices=StageKind.choices, default="open")
    expected_result = models.CharField(_("expected result"), max_length=255, blank=True)
    target_days = models.PositiveSmallIntegerField(
        _("target days"), null=True, blank=True, help_text=_("A deal longer in the stage rots.")
    )
    probability = models.PositiveSmallIntegerField(_("win probability, %"), default=0)

    class Meta:
        ordering = ["pipeline", "order"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        constraints = [
            models.UniqueConstraint(fields=["pipeline", "code"], name="crm_stage_code_unique"),
            models.UniqueConstraint(fields=["pipeline", "order"], name="crm_stage_order_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.pipeline.name}: {self.name}" if self.pipeline_id else self.name

    @property
    def is_open(self) -> bool:
        return self.kind == StageKind.OPEN


class ExitCriterion(models.Model):
    """What must be done before a deal may leave its stage (checked by deal_move_stage)."""

    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), related_name="exit_criteria", on_delete=models.CASCADE
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CriterionKind.choices)
    activity_kind = models.CharField(
        _("activity kind"), max_length=10, choices=ActivityKind.choices, blank=True
    )
    field = models.CharField(_("deal field"), max_length=40, blank=True)
    description = models.CharField(_("description"), max_length=255)

    class Meta:
        ordering = ["stage", "id"]
        verbose_name = _("exit criterion")
        verbose_name_plural = _("exit criteria")

    def __str__(self) -> str:
        return self.description


class LostReason(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("lost reason")
        verbose_name_plural = _("lost reasons")

    def __str__(self) -> str:
        return self.name


class Deal(TimeStampedModel):
    """A deal (угода): the process of concluding and carrying out a contract with a client."""

    title = models.CharField(_("title"), max_length=200)
    client = models.ForeignKey(
        "clients.Client", verbose_name=_("client"), related_name="deals", on_delete=models.PROTECT
    )
    pipeline = models.ForeignKey(Pipeline, verbose_name=_("pipeline"), on_delete=models.PROTECT)
    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), related_name="deals", on_delete=models.PROTECT
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DealStatus.choices, default=DealStatus.OPEN
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        related_name="deals",
        on_delete=models.PROTECT,
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        related_name="deals",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    amount = MoneyField(_("amount"), default=0)
    discount_percent = models.DecimalField(
        _("discount, %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        help_text=_("Above CRM_DISCOUNT_APPROVAL_ABOVE a head of sales approves it."),
    )
    currency = CurrencyField(_("currency"))
    expected_close_date = models.DateField(_("expected close date"), null=True, blank=True)
    probability = models.PositiveSmallIntegerField(_("win probability, %"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=40, blank=True)
    stage_entered_at = models.DateTimeField(_("in the stage since"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    lost_reason = models.ForeignKey(
        LostReason, verbose_name=_("lost reason"), on_delete=models.PROTECT, null=True, blank=True
    )
    lost_at_stage = models.ForeignKey(
        Stage,
        verbose_name=_("lost at stage"),
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    lost_note = models.CharField(_("why lost, in words"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    deleted_at = models.DateTimeField(
        _("in the recycle bin since"), null=True, blank=True, db_index=True
    )
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moved to the recycle bin by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    objects = AuditedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        indexes = [
            models.Index(fields=["manager", "status"], name="crm_deal_manager_status_idx"),
            models.Index(fields=["department", "status"], name="crm_deal_department_status_idx"),
            models.Index(fields=["stage", "stage_entered_at"], name="crm_deal_stage_idx"),
        ]
        permissions = [
            ("view_all_deals", _("May see every deal")),
            (
                "override_exit_criteria",
                _("May move a deal past unmet exit criteria, with a reason"),
            ),
            ("reassign_deal", _("May change a deal's manager")),
            ("restore_deal", _("May restore deals from the recycle bin")),
        ]

    def __str__(self) -> str:
        return self.title


class DealStageChange(models.Model):
    """One move of a deal between stages, with the time spent in the stage it left (M16).

    The manager and department are those at the moment of the move, so the indicators of M16
    and M17 never depend on later reassignments.
    """

    deal = models.ForeignKey(
        Deal, verbose_name=_("deal"), related_name="stage_changes", on_delete=models.CASCADE
    )
    from_stage = models.ForeignKey(
        Stage, verbose_name=_("from"), related_name="+", on_delete=models.PROTECT, null=True
    )
    to_stage = models.ForeignKey(
        Stage, verbose_name=_("to"), related_name="+", on_delete=models.PROTECT
    )
    changed_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
    )
    seconds_in_from_stage = models.PositiveBigIntegerField(
        _("seconds in the stage left"), default=0
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT, null=True
    )
    department = models.ForeignKey(
        "accounts.Department", related_name="+", on_delete=models.PROTECT, null=True
    )
    override_reason = models.CharField(
        _("why the exit criteria were overridden"), max_length=500, blank=True
    )

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")

    def __str__(self) -> str:
        return f"{self.deal}: {self.from_stage} → {self.to_stage}"


class ActivityOutcome(models.Model):
    """A result an activity can end with (M1), e.g. "reached, agreed a meeting"."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    activity_kind = models.CharField(
        _("for activities of kind"),
        max_length=10,
        choices=ActivityKind.choices,
        blank=True,
        help_text=_("Empty: fits every kind."),
    )
    is_positive = models.BooleanField(_("moves the work forward"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("activity outcome")
        verbose_name_plural = _("activity outcomes")

    def __str__(self) -> str:
        return self.name


class Activity(TimeStampedModel):
    """A piece of work with a client: planned with a due time, done with a recorded result.

    ``stage`` is the stage the deal was in when the work was done (M2), stamped by the service.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=ActivityKind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        related_name="activities",
        on_delete=models.PROTECT,
    )
    deal = models.ForeignKey(
        Deal,
        verbose_name=_("deal"),
        related_name="activities",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        related_name="activities",
        on_delete=models.PROTECT,
    )
    department = models.ForeignKey(
        "accounts.Department", related_name="+", on_delete=models.PROTECT, null=True, blank=True
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True, db_index=True)
    remind_before = models.DurationField(_("remind before"), null=True, blank=True)
    completed_at = models.DateTimeField(_("done at"), null=True, blank=True)
    outcome = models.ForeignKey(
        ActivityOutcome, verbose_name=_("outcome"), on_delete=models.PROTECT, null=True, blank=True
    )
    result = models.TextField(_("result"), blank=True)
    stage = models.ForeignKey(
        Stage,
        verbose_name=_("deal stage when done"),
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.SET_NULL, null=True, blank=True
    )

    objects = AuditedManager()

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(
                fields=["owner", "completed_at", "due_at"], name="crm_activity_owner_due_idx"
            ),
            models.Index(fields=["client", "completed_at"], name="crm_activity_client_idx"),
            models.Index(fields=["deal", "completed_at"], name="crm_activity_deal_idx"),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_done(self) -> bool:
        return self.completed_at is not None


class PlanTemplate(models.Model):
    """A ready interaction plan, e.g. "new wholesale client: call in 1 day, meeting in 7, offer
    in 14", applied to a client or a deal in one step (M13, M14)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=255, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("plan template")
        verbose_name_plural = _("plan templates")

    def __str__(self) -> str:
        return self.name


class PlanTemplateStep(models.Model):
    template = models.ForeignKey(
        PlanTemplate, verbose_name=_("template"), related_name="steps", on_delete=models.CASCADE
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=ActivityKind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    offset_days = models.PositiveSmallIntegerField(_("days after the start"), default=0)
    remind_before_minutes = models.PositiveIntegerField(
        _("remind before, minutes"), null=True, blank=True
    )

    class Meta:
        ordering = ["template", "order", "offset_days"]
        verbose_name = _("plan template step")
        verbose_name_plural = _("plan template steps")

    def __str__(self) -> str:
        return f"+{self.offset_days} {self.subject}"


class ApprovalRequest(TimeStampedModel):
    """A change above a limit that waits for a head's decision (a discount, a credit limit).

    The change is applied only when the head approves; the request, the decision and who took
    it stay on record (and in the audit trail).
    """

    kind = models.CharField(_("kind"), max_length=20, choices=ApprovalKind.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ApprovalStatus.choices,
        default=ApprovalStatus.PENDING,
        db_index=True,
    )
    client = models.ForeignKey(
        "clients.Client", verbose_name=_("client"), related_name="+", on_delete=models.PROTECT
    )
    deal = models.ForeignKey(
        Deal,
        verbose_name=_("deal"),
        related_name="approval_requests",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Its heads decide."),
    )
    value = models.DecimalField(_("asked for"), max_digits=14, decimal_places=2)
    previous_value = models.DecimalField(
        _("before"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    note = models.CharField(_("why"), max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        related_name="+",
        on_delete=models.PROTECT,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision, in words"), max_length=500, blank=True)

    objects = AuditedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        indexes = [models.Index(fields=["department", "status"], name="crm_approval_dept_idx")]
        permissions = [
            ("decide_approvalrequest", _("May approve or refuse changes above the limits")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value} ({self.get_status_display()})"


# The lead routing rules live in their own module (this one is long); Django finds them here.
from kramar.crm.models.assignment import LeadRule as LeadRule  # noqa: E402
