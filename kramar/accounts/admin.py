from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from kramar.accounts.models import ApiToken, Department, User


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    filter_horizontal = ["heads"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "department", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_active", "department", "groups"]
    search_fields = ["email", "full_name", "phone"]
    list_select_related = ["department"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "phone", "language")}),
        (_("Work"), {"fields": ("is_staff", "department", "groups")}),
        (_("Access"), {"fields": ("is_active", "is_superuser", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    filter_horizontal = ["groups", "user_permissions"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["user"]
    readonly_fields = ["user", "name", "prefix", "token_hash", "created_at", "last_used_at"]
    search_fields = ["name", "prefix", "user__email"]

    def has_add_permission(self, request):
        return False  # tokens are issued through the office or the API, which show the secret once
