"""Forms of the shop's pages; they parse input, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from kramar.cart.enums import MAX_LINE_QUANTITY
from kramar.clients.models import Region
from kramar.orders.enums import PaymentMethod
from kramar.orders.models import DeliveryMethod


class AddToCartForm(forms.Form):
    variant_id = forms.IntegerField(min_value=1, max_value=2**62)
    quantity = forms.IntegerField(
        label=_("Quantity"), min_value=1, max_value=MAX_LINE_QUANTITY, initial=1
    )


class QuantityForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=0, max_value=MAX_LINE_QUANTITY)


class ShopAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The e-mail or the password is wrong."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("E-mail")
        self.fields["username"].widget.attrs.update({"autocomplete": "email", "type": "email"})


class SignUpForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class CheckoutForm(forms.Form):
    """The checkout: who, where, how to pay. The services check it all again."""

    checkout_key = forms.CharField(widget=forms.HiddenInput, min_length=16, max_length=64)
    full_name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    phone = forms.CharField(label=_("Phone"), max_length=40)
    delivery_method = forms.ModelChoiceField(
        label=_("Delivery"), queryset=DeliveryMethod.objects.filter(is_active=True),
        widget=forms.RadioSelect, empty_label=None,
    )  # fmt: skip
    region = forms.ModelChoiceField(label=_("Region (oblast)"), queryset=Region.objects.all())
    city = forms.CharField(label=_("City or village"), max_length=100)
    address = forms.CharField(
        label=_("Address"), max_length=255, required=False, help_text=_("For the courier.")
    )
    post_branch = forms.CharField(
        label=_("Post office branch number"), max_length=10, required=False
    )
    payment_method = forms.ChoiceField(
        label=_("Payment"), choices=PaymentMethod.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    create_account = forms.BooleanField(label=_("Create an account for next time"), required=False)
    password = forms.CharField(
        label=_("Password for the account"), required=False, strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )  # fmt: skip

    def __init__(self, *args: Any, offered: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if offered is not None:
            payment = self.fields["payment_method"]
            payment.choices = [c for c in PaymentMethod.choices if c[0] in offered]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("create_account") and not data.get("password"):
            self.add_error("password", _("Choose a password for the account."))
        return data
