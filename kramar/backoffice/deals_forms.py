"""Forms of the deal and activity pages; they parse input, the CRM services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kramar.crm.enums import ActivityKind
from kramar.crm.models import ActivityOutcome, Deal, LostReason, Pipeline, PlanTemplate, Stage


class DealForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    pipeline = forms.ModelChoiceField(
        label=_("Pipeline"), queryset=Pipeline.objects.filter(is_active=True)
    )
    amount = forms.DecimalField(
        label=_("Amount, UAH"), min_value=0, max_digits=14, decimal_places=2, initial=0
    )
    expected_close_date = forms.DateField(
        label=_("Expected close date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MoveForm(forms.Form):
    stage = forms.ModelChoiceField(label=_("Move to"), queryset=Stage.objects.none())
    override_reason = forms.CharField(
        label=_("Why the exit criteria may be skipped"), max_length=500, required=False
    )

    def __init__(self, *args: Any, deal: Deal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["stage"])
        field.queryset = deal.pipeline.stages.exclude(pk=deal.stage_id).exclude(kind="lost")


class LoseForm(forms.Form):
    reason = forms.ModelChoiceField(
        label=_("Why was it lost?"), queryset=LostReason.objects.filter(is_active=True)
    )
    note = forms.CharField(label=_("In words"), max_length=500, required=False)


class PlanForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    subject = forms.CharField(label=_("What is to be done"), max_length=200)
    due_at = forms.DateTimeField(
        label=_("Due"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    deal = forms.ModelChoiceField(label=_("Deal"), queryset=Deal.objects.none(), required=False)

    def __init__(self, *args: Any, deals: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["deal"])
        field.queryset = deals if deals is not None else Deal.objects.none()


class CompleteForm(forms.Form):
    outcome = forms.ModelChoiceField(
        label=_("Result"), queryset=ActivityOutcome.objects.all(), required=False
    )
    result = forms.CharField(label=_("What came of it"), max_length=2000, required=False)

    def __init__(self, *args: Any, kind: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind:
            field = cast(forms.ModelChoiceField, self.fields["outcome"])
            field.queryset = ActivityOutcome.objects.filter(activity_kind__in=["", kind])


class PlanTemplateForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("Plan template"), queryset=PlanTemplate.objects.filter(is_active=True)
    )
    deal = forms.ModelChoiceField(label=_("Deal"), queryset=Deal.objects.none(), required=False)

    def __init__(self, *args: Any, deals: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["deal"])
        field.queryset = deals if deals is not None else Deal.objects.none()
