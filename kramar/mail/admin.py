from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from kramar.core.errors import ApplicationError
from kramar.mail.models import MailAttachment, MailboxCursor, MailMessage, MailTemplate
from kramar.mail.services import placeholders_check


class MailTemplateForm(forms.ModelForm):
    class Meta:
        model = MailTemplate
        fields = ["name", "subject", "body", "is_active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for field in ("subject", "body"):
            try:
                placeholders_check(data.get(field) or "", field=field)
            except ApplicationError as error:
                self.add_error(field, ValidationError(str(error.message)))
        return data


@admin.register(MailTemplate)
class MailTemplateAdmin(admin.ModelAdmin):
    form = MailTemplateForm
    list_display = ["name", "subject", "is_active"]


class AttachmentInline(admin.TabularInline):
    model = MailAttachment
    extra = 0
    can_delete = False
    readonly_fields = ("filename", "content_type", "size")
    fields = ("filename", "content_type", "size")


@admin.register(MailMessage)
class MailMessageAdmin(admin.ModelAdmin):
    """Read-only: letters are written by the services; quarantined ones are looked at here."""

    list_display = ["occurred_at", "direction", "status", "from_address", "subject", "client"]
    list_filter = ["direction", "status", "mailbox"]
    search_fields = ["subject", "from_address", "message_id"]
    raw_id_fields = ["client", "deal", "sent_by"]
    inlines = [AttachmentInline]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(MailboxCursor)
class MailboxCursorAdmin(admin.ModelAdmin):
    list_display = ["mailbox", "uidvalidity", "last_uid", "last_fetch_at", "last_error"]
