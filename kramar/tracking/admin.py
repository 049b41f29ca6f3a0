"""Read-only views of what the site recorded, for looking into a problem (lead rules: crm)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kramar.tracking.models import SiteSession, WebFormSubmission


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WebFormSubmission)
class WebFormSubmissionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "name", "email", "phone", "client", "deal"]
    list_filter = ["kind"]


@admin.register(SiteSession)
class SiteSessionAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "client", "source", "medium", "campaign", "pages"]
    list_filter = ["source"]
