"""Administrators keep the lead rules here; the rest is read-only for looking into a problem."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kramar.tracking.models import LeadRule, SiteSession, WebFormSubmission


@admin.register(LeadRule)
class LeadRuleAdmin(admin.ModelAdmin):
    list_display = ["order", "form_kind", "region", "product_group", "department", "manager"]
    list_editable = ["form_kind", "region", "product_group", "department", "manager"]
    list_display_links = ["order"]
    list_filter = ["is_active", "form_kind"]


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
