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


class ComposeForm(forms.Form):
    to = forms.ChoiceField(label=_("To"))
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX_LENGTH)
    body = forms.CharField(
        label=_("Text"), max_length=BODY_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 12})
    )
    deal = forms.ModelChoiceField(label=_("Deal"), queryset=Deal.objects.none(), required=False)
    reply_to = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, client: Client, deals: QuerySet[Deal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        emails = [email.email for email in client.emails.all()]
        cast(forms.ChoiceField, self.fields["to"]).choices = [(e, e) for e in emails]
        cast(forms.ModelChoiceField, self.fields["deal"]).queryset = deals
