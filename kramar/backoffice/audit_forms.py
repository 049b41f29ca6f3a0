"""Filters of the audit trail page (M3)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kramar.audit.enums import AuditAction, AuditSource
from kramar.audit.selectors import audited_model_labels


class AuditFilterForm(forms.Form):
    model = forms.ChoiceField(label=_("Record type"), required=False)
    object_id = forms.CharField(label=_("Record"), required=False, max_length=64)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", "—"), *AuditAction.choices]
    )
    source = forms.ChoiceField(
        label=_("From"), required=False, choices=[("", "—"), *AuditSource.choices]
    )
    actor = forms.IntegerField(label=_("Who (id)"), required=False, min_value=1)
    since = forms.DateField(
        label=_("From date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model = self.fields["model"]
        assert isinstance(model, forms.ChoiceField)  # noqa: S101 - declared above
        model.choices = [("", "—")] + [(m, m) for m in audited_model_labels()]
