"""Payments and the webhook inbox, to look at (administrators only): written by the services."""

from django.contrib import admin

from kramar.payments.models import Payment, WebhookEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["order", "provider", "provider_payment_id", "amount", "currency", "status",
                    "created_at"]  # fmt: skip
    list_filter = ["provider", "status"]
    search_fields = ["order__number", "provider_payment_id", "provider_reference"]


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "provider", "event_type", "provider_event_id", "outcome"]
    list_filter = ["provider", "outcome"]
    search_fields = ["provider_event_id", "provider_payment_id"]
    exclude = ["body"]
    readonly_fields = ["body_text"]

    @admin.display(description="body")
    def body_text(self, event: WebhookEvent) -> str:
        return bytes(event.body).decode("utf-8", errors="replace")
