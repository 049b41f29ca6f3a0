"""Forms of the return pages in the back office; they parse input, the returns services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kramar.catalog.models import Warehouse
from kramar.returns.enums import ReturnStatus
from kramar.returns.selectors import return_warehouses


class ReturnQueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *ReturnStatus.choices]
    )


class ReturnAcceptForm(forms.Form):
    warehouse = forms.ModelChoiceField(
        label=_("Goods go back to"), queryset=Warehouse.objects.none(), empty_label=None
    )
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["warehouse"]).queryset = return_warehouses()


class ReturnRejectForm(forms.Form):
    # Not required here: the service refuses an empty reason with its own message.
    reason = forms.CharField(label=_("Why it is rejected"), max_length=1000, required=False)


class ReturnRefundedForm(forms.Form):
    note = forms.CharField(label=_("Transfer reference"), max_length=300, required=False)
