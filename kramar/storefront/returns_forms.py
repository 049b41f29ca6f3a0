"""The shop's return form: how many of each delivered item go back, why, in the customer's own
words. It parses input; the returns services decide (and check everything again)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kramar.returns.enums import ReturnReason
from kramar.returns.selectors import ReturnableLine


class ReturnForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why do you return the goods?"), choices=ReturnReason.choices,
        widget=forms.RadioSelect,
    )  # fmt: skip
    comment = forms.CharField(
        label=_("In your own words"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What is wrong, or anything we should know."),
    )  # fmt: skip

    def __init__(self, *args: Any, lines: list[ReturnableLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.returnable = lines
        for found in lines:
            line = found.line
            self.fields[f"line_{line.pk}"] = forms.IntegerField(
                label=f"{line.product_name} {line.variant_name}".strip(),
                min_value=0, max_value=found.left, initial=0, required=False,
                help_text=_("up to %(left)d") % {"left": found.left},
            )  # fmt: skip

    def line_fields(self) -> list[tuple[ReturnableLine, forms.BoundField]]:
        return [(found, self[f"line_{found.line.pk}"]) for found in self.returnable]

    def wanted(self) -> dict[int, int]:
        """Return {order line id: units} of the lines with a quantity chosen."""
        data = self.cleaned_data
        return {
            found.line.pk: data[f"line_{found.line.pk}"]
            for found in self.returnable
            if data.get(f"line_{found.line.pk}")
        }
