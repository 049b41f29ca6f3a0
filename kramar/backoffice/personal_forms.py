from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


class PersonalOfferForm(forms.Form):
    percent = forms.DecimalField(
        label=_("Discount, %"), required=False, min_value=Decimal(0), max_value=Decimal(100),
        decimal_places=2, max_digits=5,
    )  # fmt: skip
    message = forms.CharField(label=_("Message to the client"), required=False, max_length=300)
    valid_until = forms.DateField(
        label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    withdraw = forms.BooleanField(label=_("Withdraw the offer"), required=False)
