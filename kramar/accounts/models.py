from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kramar.accounts.enums import DepartmentKind
from kramar.audit.capture import AuditedManager, AuditedQuerySet
from kramar.core.models import TimeStampedModel


class Department(TimeStampedModel):
    """A unit of the company: a sales department, marketing, after-sales service, accounting."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=DepartmentKind.choices)
    heads = models.ManyToManyField(
        "accounts.User",
        verbose_name=_("heads"),
        related_name="headed_departments",
        blank=True,
        help_text=_("Heads of sales (or of the unit) who control this department (M15)."),
    )

    objects = AuditedManager()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    """Django's hooks for ``createsuperuser``; the application creates users through services."""

    use_in_migrations = True

    def get_queryset(self) -> AuditedQuerySet[User]:
        # Role and profile changes made in bulk are audited like single saves (M3).
        return AuditedQuerySet(self.model, using=self._db)

    def get_by_natural_key(self, username: str | None) -> User:
        # E-mail sign-in ignores case: "Olena@Shop.ua" is the same person as "olena@shop.ua".
        return self.get(email__iexact=(username or "").strip())

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """Anyone who signs in: staff (``is_staff``, a department, roles) or a shop customer."""

    email = models.EmailField(_("e-mail"), max_length=254, unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    is_staff = models.BooleanField(
        _("staff"), default=False, help_text=_("May sign in to the back office.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        related_name="members",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    language = models.CharField(_("language"), max_length=8, default="uk")
    # Kept by the TOTP services together with the TotpDevice row: the session check reads it
    # from the user row it loads anyway, so a request costs no query more (docs/sign-in.md).
    totp_enabled = models.BooleanField(
        _("sign-in code required"),
        default=False,
        editable=False,
        help_text=_("Signs in with a code from an authenticator app after the password."),
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]
        permissions = [
            ("access_office", _("May use the back office")),
            ("manage_staff", _("May add staff, change their roles and departments")),
            ("view_all_departments", _("May see the work of every department (company head)")),
            ("view_own_departments", _("May see the work of the departments one heads")),
            ("use_api_tokens", _("May hold personal API tokens")),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name.split(" ")[0] if self.full_name else "") or self.email


class ApiToken(models.Model):
    """A personal API token of a staff member: only its SHA-256 is stored; revocable."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), related_name="api_tokens", on_delete=models.CASCADE
    )
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("prefix"), max_length=12, unique=True)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = AuditedManager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=models.Q(revoked_at__isnull=True),
                name="accounts_apitoken_active_name_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, *, now: Any = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class TotpDevice(models.Model):
    """A staff member's authenticator app (RFC 6238): the shared secret, encrypted at rest.

    The row exists from the start of enrolment; ``confirmed_at`` is set by the first correct
    code, and only then does sign-in ask for codes. ``last_used_step`` is the time step of the
    last accepted code, so that a code cannot be used twice (replay); ``failed_attempts`` and
    ``locked_until`` throttle guessing.
    """

    user = models.OneToOneField(
        User, verbose_name=_("user"), related_name="totp_device", on_delete=models.CASCADE
    )
    secret = models.CharField(_("secret (encrypted)"), max_length=255)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    last_used_step = models.BigIntegerField(_("last accepted time step"), null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(_("wrong codes in a row"), default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    objects = AuditedManager()

    class Meta:
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")

    def __str__(self) -> str:
        # No query for the user: the audit trail names the record with this text.
        return f"authenticator app of user #{self.user_id}"


class RecoveryCode(models.Model):
    """A one-time code that stands in for the authenticator app; only its SHA-256 is stored."""

    device = models.ForeignKey(
        TotpDevice,
        verbose_name=_("authenticator app"),
        related_name="recovery_codes",
        on_delete=models.CASCADE,
    )
    code_hash = models.CharField(_("code hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    objects = AuditedManager()

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"recovery code #{self.pk}"
