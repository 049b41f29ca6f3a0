"""Returns, to look at (administrators only): they are written by the services."""

from django.contrib import admin

from kramar.returns.models import GoodsReturn, ReturnLine


class ReturnLineInline(admin.TabularInline):
    model = ReturnLine
    extra = 0
    can_delete = False
    readonly_fields = ["order_line", "quantity", "amount"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(GoodsReturn)
class GoodsReturnAdmin(admin.ModelAdmin):
    list_display = ["number", "order", "status", "reason", "refund_amount", "requested_at"]
    list_filter = ["status", "reason", "refund_method"]
    search_fields = ["number", "order__number"]
    inlines = [ReturnLineInline]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
