"""The shop's web forms (contact, call-back, wholesale quote, product question): input only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kramar.clients.services.records import normalize_phone
from kramar.core.errors import ApplicationError
from kramar.tracking.enums import WebFormKind
from kramar.tracking.guard import HONEYPOT_FIELD

MESSAGE_MAX = 4000


class WebForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"), required=False, max_length=254)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    message = forms.CharField(
        label=_("Message"), required=False, max_length=MESSAGE_MAX, widget=forms.Textarea
    )
    # The honeypot (tracking.guard): off-screen and out of the tab order, so people leave it
    # empty and form-filling robots do not; a filled one is thanked and dropped.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get(HONEYPOT_FIELD, "").strip())

    def __init__(self, *args: Any, kind: WebFormKind, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == WebFormKind.CALLBACK:
            self.fields["phone"].required = True
            self.fields["message"].label = _("When and about what to call (optional)")
        elif kind == WebFormKind.QUOTE:
            self.fields["message"].required = True
            self.fields["message"].label = _("Goods and quantities")
        else:
            self.fields["message"].required = True

    def clean_name(self) -> str:
        name = " ".join("".join(ch for ch in self.cleaned_data["name"] if ch.isprintable()).split())
        if not name:
            raise ValidationError(_("Tell us your name."))
        return name

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if not phone:
            return ""
        try:
            return normalize_phone(phone)
        except ApplicationError as error:
            raise ValidationError(str(error.message)) from error

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("email") and not data.get("phone"):
            raise ValidationError(_("Leave an e-mail or a phone number so that we can answer."))
        return data
