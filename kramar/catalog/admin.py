"""The catalogue in Django's admin (administrators only): reference data such as attributes and
warehouses. Products, prices and stock are kept through the back office and the services."""

from django.contrib import admin
from django.http import HttpRequest

from kramar.catalog.models import Attribute, AttributeValue, SearchRecord, Warehouse


class AttributeValueInline(admin.TabularInline):
    model = AttributeValue
    extra = 0
    fields = ["value", "slug", "position"]


@admin.register(Attribute)
class AttributeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_facet", "position"]
    inlines = [AttributeValueInline]


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "region", "is_active", "position"]


@admin.register(SearchRecord)
class SearchRecordAdmin(admin.ModelAdmin):
    list_display = ["query", "results", "user", "searched_at"]
    search_fields = ["normalized"]
    date_hierarchy = "searched_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
