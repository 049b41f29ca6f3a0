from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kramar.payments.providers.sandbox import TEST_CARDS


def _luhn_ok(digits: str) -> bool:
    total = 0
    for position, digit in enumerate(reversed(digits)):
        value = int(digit) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


class SandboxCardForm(forms.Form):
    """The sandbox's card form: it takes only the test cards, like a processor in test mode."""

    number = forms.CharField(
        label=_("Card number"), max_length=23,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "cc-number",
                                      "placeholder": "4242 4242 4242 4242"}),
    )  # fmt: skip
    expiry = forms.CharField(
        label=_("Expires (MM/YY)"), max_length=7,
        widget=forms.TextInput(attrs={"autocomplete": "cc-exp", "placeholder": "12/34"}),
    )  # fmt: skip
    cvc = forms.CharField(
        label=_("CVC"), max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "cc-csc"}),
    )  # fmt: skip

    def clean_number(self) -> str:
        digits = "".join(self.cleaned_data["number"].split()).replace("-", "")
        if not digits.isdigit() or not 12 <= len(digits) <= 19 or not _luhn_ok(digits):
            raise forms.ValidationError(_("This is not a card number."))
        if digits not in TEST_CARDS:
            raise forms.ValidationError(
                _(
                    "The sandbox takes only test cards: 4242 4242 4242 4242 (paid) or "
                    "4000 0000 0000 0002 (declined)."
                )
            )
        return digits

    def clean_expiry(self) -> str:
        text = self.cleaned_data["expiry"].replace(" ", "")
        month, _slash, year = text.partition("/")
        if not (month.isdigit() and year.isdigit() and 1 <= int(month) <= 12 and len(year) == 2):
            raise forms.ValidationError(_("Give the month and year as MM/YY."))
        today = timezone.localdate()
        if (2000 + int(year), int(month)) < (today.year, today.month):
            raise forms.ValidationError(_("This card has expired."))
        return text

    def clean_cvc(self) -> str:
        cvc = self.cleaned_data["cvc"].strip()
        if not (cvc.isdigit() and len(cvc) in (3, 4)):
            raise forms.ValidationError(_("The CVC is the 3 digits on the back of the card."))
        return cvc
