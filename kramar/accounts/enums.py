from django.db import models
from django.utils.translation import gettext_lazy as _


class DepartmentKind(models.TextChoices):
    MANAGEMENT = "management", _("Management")
    SALES = "sales", _("Sales")
    MARKETING = "marketing", _("Marketing")
    SERVICE = "service", _("After-sales service")
    ACCOUNTING = "accounting", _("Accounting")
    SHOP = "shop", _("Shop and warehouse")


class Role(models.TextChoices):
    """The staff roles (M3, M15). Each is a Django group of the same name; see roles.py."""

    COMPANY_HEAD = "company_head", _("Company head")
    HEAD_OF_SALES = "head_of_sales", _("Head of sales")
    SALES_MANAGER = "sales_manager", _("Sales manager")
    MARKETING = "marketing", _("Marketing")
    AFTER_SALES = "after_sales", _("After-sales service")
    ACCOUNTANT = "accountant", _("Accountant")
    SHOP_MANAGER = "shop_manager", _("Shop manager")
    ADMINISTRATOR = "administrator", _("Administrator")


class AccountsErrorCode(models.TextChoices):
    EMAIL_TAKEN = "accounts.email_taken"
    INVALID_EMAIL = "accounts.invalid_email"
    WEAK_PASSWORD = "accounts.weak_password"  # nosec B105
    ROLE_NEEDS_SALES_DEPARTMENT = "accounts.role_needs_sales_department"
    NOT_STAFF = "accounts.not_staff"
    TOKEN_NAME_TAKEN = "accounts.token_name_taken"  # nosec B105
    TOKEN_NOT_FOUND = "accounts.token_not_found"  # nosec B105
    TOKEN_LIMIT = "accounts.token_limit"  # nosec B105
    DEPARTMENT_CODE_TAKEN = "accounts.department_code_taken"
    TOTP_ALREADY_ENABLED = "accounts.totp_already_enabled"
    TOTP_NOT_ENABLED = "accounts.totp_not_enabled"
    TOTP_NOT_STARTED = "accounts.totp_not_started"
    CODE_WRONG = "accounts.code_wrong"
    CODE_REUSED = "accounts.code_reused"
    CODE_LOCKED = "accounts.code_locked"


class SecondFactor(models.TextChoices):
    """What stood in for the authenticator app at a sign-in, a disable or a renewal."""

    TOTP = "totp", _("code from the authenticator app")
    RECOVERY_CODE = "recovery_code", _("recovery code")
