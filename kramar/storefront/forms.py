"""Forms of the shop's pages; they parse input, the services decide."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from kramar.cart.enums import MAX_LINE_QUANTITY
from kramar.catalog.browse import MAX_PRICE, ProductFilters, Sort, sorts_for
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


class FacetValuesField(forms.Field):
    """The chosen facet values ("attribute:value" slugs), as many as the query string holds;
    anything else in them is dropped, never an error (a listing always answers)."""

    widget = forms.MultipleHiddenInput
    pattern = re.compile(r"^[-a-z0-9_]{1,40}(:[-a-z0-9_]{1,90})?$")
    limit = 30

    def to_python(self, value: Any) -> list[str]:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        kept = [str(v) for v in values if isinstance(v, str) and self.pattern.match(v)]
        return list(dict.fromkeys(kept))[: self.limit]


class CatalogFilterForm(forms.Form):
    """The filters and the order of a listing (a group or a search), read from the query string."""

    price_min = forms.DecimalField(
        label=_("From"), required=False, min_value=0, max_value=MAX_PRICE, decimal_places=2
    )
    price_max = forms.DecimalField(
        label=_("To"), required=False, min_value=0, max_value=MAX_PRICE, decimal_places=2
    )
    in_stock = forms.BooleanField(label=_("In stock only"), required=False)
    value = FacetValuesField(required=False)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=[])

    def __init__(self, *args: Any, searching: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sorts = sorts_for(searching=searching)
        self.fields["sort"].choices = [(s.value, s.label) for s in sorts]  # type: ignore[attr-defined]
        self.fields["sort"].initial = sorts[0].value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("price_min"), data.get("price_max")
        if low is not None and high is not None and low > high:
            self.add_error("price_max", _("The highest price is below the lowest."))
        return data

    def filters(self) -> ProductFilters:
        """Return what the valid fields ask for; an invalid field is left out, not refused."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        sort = data.get("sort")
        return ProductFilters(
            price_min=data.get("price_min"),
            price_max=data.get("price_max"),
            in_stock=bool(data.get("in_stock")),
            values=tuple(data.get("value") or ()),
            sort=Sort(sort) if sort else None,
        )
