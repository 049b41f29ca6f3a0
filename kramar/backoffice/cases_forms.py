"""Forms of the service case pages; they parse input, the cases services decide (M14)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kramar.accounts.models import User
from kramar.cases.enums import CaseKind, CasePriority, CaseStatus
from kramar.cases.selectors import case_owner_candidates

# "Open" is the queue's default: the cases the service still owes an answer.
ALL_STATUSES = "all"


class CaseForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CaseKind.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=CasePriority.choices, initial=CasePriority.NORMAL
    )


class AssignForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["owner"])
        field.queryset = case_owner_candidates()


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[(value, label) for value, label in CaseStatus.choices if value != "resolved"],
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class ResolveForm(forms.Form):
    # Not required here: the service refuses an empty resolution with its own clear message.
    resolution = forms.CharField(
        label=_("How it was resolved"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Open")), (ALL_STATUSES, _("All")), *CaseStatus.choices],
    )
    mine = forms.BooleanField(label=_("Mine"), required=False)
    overdue = forms.BooleanField(label=_("Overdue"), required=False)
