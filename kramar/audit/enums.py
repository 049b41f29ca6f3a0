from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    DELETE = "delete", _("deleted")
    SOFT_DELETE = "soft_delete", _("moved to the recycle bin")
    RESTORE = "restore", _("restored")
    REVERT = "revert", _("change reverted")
    SIGN_IN = "sign_in", _("signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("failed to sign in")
    SIGN_IN_CODE_FAILED = "sign_in_code_failed", _("entered a wrong sign-in code")
    SIGN_OUT = "sign_out", _("signed out")
    EXPORT = "export", _("data exported")
    ERASE = "erase", _("data erased")


class AuditSource(models.TextChoices):
    PAGE = "page", _("page")
    API = "api", _("API")
    WORKER = "worker", _("background job")
    COMMAND = "command", _("command")
    SYSTEM = "system", _("system")


class AuditErrorCode(models.TextChoices):
    APPEND_ONLY = "audit.append_only"
    NOT_REVERTIBLE = "audit.not_revertible"
    CHANGED_SINCE = "audit.changed_since"
    NOT_FOUND = "audit.not_found"
