"""Forms of the mail pages; they parse input, the mail services decide (M8)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kramar.clients.models import Client
from kramar.crm.models import Deal
from kramar.mail.enums import BODY_MAX_LENGTH, SUBJECT_MAX_LENGTH
from kramar.mail.models import MailTemplate


class TemplatePickForm(forms.Form):
    """The template picker above the letter: choosing one fills the subject and the text."""

    template = forms.ModelChoiceField(
        label=_("Template"), queryset=MailTemplate.objects.none(), required=False
    )

    def __init__(self, *args: Any, templates: QuerySet[MailTemplate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["template"]).queryset = templates


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe); the mail services check the
    limits of count and size, so the refusal reads the same on the page and in the API."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ComposeForm(forms.Form):
    to = forms.ChoiceField(label=_("To"))
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX_LENGTH)
    body = forms.CharField(
        label=_("Text"), max_length=BODY_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 12})
    )
    deal = forms.ModelChoiceField(label=_("Deal"), queryset=Deal.objects.none(), required=False)
    reply_to = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    attachments = MultipleFileField(label=_("Files"), required=False)

    def __init__(self, *args: Any, client: Client, deals: QuerySet[Deal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        emails = [email.email for email in client.emails.all()]
        cast(forms.ChoiceField, self.fields["to"]).choices = [(e, e) for e in emails]
        cast(forms.ModelChoiceField, self.fields["deal"]).queryset = deals


class QuarantineFileForm(forms.Form):
    """Filing a quarantined letter: the client (chosen on the page from those one sees) and,
    optionally, one of the client's deals."""

    client = forms.ModelChoiceField(
        label=_("Client"), queryset=Client.objects.none(), widget=forms.HiddenInput
    )
    deal = forms.ModelChoiceField(label=_("Deal"), queryset=Deal.objects.none(), required=False)

    def __init__(
        self, *args: Any, clients: QuerySet[Client], deals: QuerySet[Deal], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["client"]).queryset = clients
        cast(forms.ModelChoiceField, self.fields["deal"]).queryset = deals
