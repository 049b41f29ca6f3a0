"""Forms of the billing pages in the back office; they parse input, billing's services decide."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kramar.billing.enums import InvoiceStatus, PaymentTerms
from kramar.billing.services import LineIn

LINE_ROWS = 5
VAT_CHOICES = [("20", "20%"), ("14", "14%"), ("7", "7%"), ("0", "0%")]


class InvoiceFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *InvoiceStatus.choices]
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


class InvoiceForm(forms.Form):
    """An invoice by hand: terms and up to five lines (empty rows are skipped)."""

    terms = forms.ChoiceField(label=_("Payment terms"), choices=PaymentTerms.choices)
    days = forms.IntegerField(label=_("Days (custom terms)"), required=False, min_value=0,
                              max_value=365)  # fmt: skip
    language = forms.ChoiceField(
        label=_("Language"), choices=[("uk", _("Ukrainian")), ("en", _("English"))]
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)
    issue = forms.BooleanField(label=_("Issue now"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in range(LINE_ROWS):
            self.fields[f"description_{row}"] = forms.CharField(
                label=_("Goods / services"), required=False, max_length=255
            )
            self.fields[f"quantity_{row}"] = forms.DecimalField(
                label=_("Qty"), required=False, min_value=Decimal("0.001"), decimal_places=3,
                max_digits=12,
            )  # fmt: skip
            self.fields[f"price_{row}"] = forms.DecimalField(
                label=_("Price with VAT"), required=False, min_value=Decimal(0), decimal_places=2,
                max_digits=14,
            )  # fmt: skip
            self.fields[f"vat_{row}"] = forms.ChoiceField(label=_("VAT"), choices=VAT_CHOICES)

    def rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"{name}_{row}"] for name in ("description", "quantity", "price", "vat")]
            for row in range(LINE_ROWS)
        ]

    def lines(self) -> list[LineIn]:
        data = self.cleaned_data
        return [
            LineIn(
                description=data[f"description_{row}"],
                quantity=data[f"quantity_{row}"] or Decimal(1),
                unit_price=data[f"price_{row}"] or Decimal(0),
                vat_rate=Decimal(data[f"vat_{row}"]),
            )
            for row in range(LINE_ROWS)
            if data.get(f"description_{row}")
        ]


class DealInvoiceForm(forms.Form):
    terms = forms.ChoiceField(label=_("Payment terms"), choices=PaymentTerms.choices)
    days = forms.IntegerField(label=_("Days (custom terms)"), required=False, min_value=0,
                              max_value=365)  # fmt: skip


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why it is cancelled"), max_length=300)


class CreditNoteForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)
    amount = forms.DecimalField(
        label=_("Amount with VAT (empty: all that is left)"), required=False,
        min_value=Decimal("0.01"), decimal_places=2, max_digits=14,
    )  # fmt: skip


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), min_value=Decimal("0.01"), decimal_places=2,
                                max_digits=14)  # fmt: skip
    received_on = forms.DateField(
        label=_("Money arrived on"), initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    reference = forms.CharField(label=_("Reference"), required=False, max_length=500)
    keep_excess_as_credit = forms.BooleanField(
        label=_("Keep any excess as the client's credit"), required=False
    )


class StatementForm(forms.Form):
    file = forms.FileField(label=_("Bank statement (CSV or camt.053 XML)"))


class ResolveForm(forms.Form):
    invoice = forms.CharField(label=_("Invoice number"), required=False, max_length=24)
    client = forms.IntegerField(label=_("or client id (keep as credit)"), required=False,
                                min_value=1)  # fmt: skip
    ignore = forms.BooleanField(label=_("Not a client's money: ignore"), required=False)


class DebtorsForm(forms.Form):
    group = forms.ChoiceField(
        label=_("By"), required=False, choices=[("manager", _("Manager")), ("client", _("Client"))]
    )
    date_from = forms.DateField(label=_("Paid from"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    date_to = forms.DateField(label=_("Paid to"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip

    def period(self) -> tuple[date | None, date | None]:
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("date_from"), data.get("date_to")


class CreditLimitForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Credit limit (empty: none)"), required=False, min_value=Decimal(0),
        decimal_places=2, max_digits=14,
    )  # fmt: skip
