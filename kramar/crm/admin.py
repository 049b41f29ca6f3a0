"""The CRM's set-up for administrators: pipelines and stages with their exit criteria, lost
reasons, activity outcomes and plan templates. Deals and activities change only through the
services (the office and the API), never here; so do lead rules (/office/lead-rules/, which
checks the rule and the role), shown here read-only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kramar.crm.models import (
    ActivityOutcome,
    ExitCriterion,
    LeadRule,
    LostReason,
    Pipeline,
    PlanTemplate,
    PlanTemplateStep,
    Stage,
)


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0
    fields = ["order", "code", "name", "kind", "expected_result", "target_days", "probability"]
    show_change_link = True


@admin.register(Pipeline)
class PipelineAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_active", "order"]
    inlines = [StageInline]


class ExitCriterionInline(admin.TabularInline):
    model = ExitCriterion
    extra = 0


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["name", "pipeline", "order", "kind", "target_days", "probability"]
    list_filter = ["pipeline", "kind"]
    inlines = [ExitCriterionInline]


@admin.register(LostReason)
class LostReasonAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_active", "order"]


@admin.register(ActivityOutcome)
class ActivityOutcomeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "activity_kind", "is_positive", "order"]
    list_filter = ["activity_kind", "is_positive"]


class PlanTemplateStepInline(admin.TabularInline):
    model = PlanTemplateStep
    extra = 1


@admin.register(PlanTemplate)
class PlanTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_active"]
    inlines = [PlanTemplateStepInline]


@admin.register(LeadRule)
class LeadRuleAdmin(admin.ModelAdmin):
    list_display = ["order", "channel", "region", "product_group", "department", "manager", "note"]
    list_filter = ["is_active", "channel"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
