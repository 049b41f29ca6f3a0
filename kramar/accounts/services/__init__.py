"""Writes of the accounts app: people, departments, roles and API tokens."""

from __future__ import annotations

import hashlib
import hmac
import importlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kramar.accounts.enums import AccountsErrorCode, DepartmentKind, Role
from kramar.accounts.models import ApiToken, Department, User
from kramar.core.errors import ApplicationError, NotFoundError

MAX_ACTIVE_TOKENS_PER_USER = 20
EMAIL_MAX_LENGTH = 254
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)


# --- Roles ------------------------------------------------------------------------------------


def role_grants() -> dict[Role, set[str]]:
    """Collect ``GRANTS`` from the ``roles`` module of every installed Kramar app."""
    grants: dict[Role, set[str]] = {role: set() for role in Role}
    for app_config in apps.get_app_configs():
        if not app_config.name.startswith("kramar."):
            continue
        try:
            module = importlib.import_module(f"{app_config.name}.roles")
        except ModuleNotFoundError as error:
            if error.name != f"{app_config.name}.roles":
                raise
            continue
        for role, permissions in module.GRANTS.items():
            grants[Role(role)].update(permissions)
    return grants


@transaction.atomic
def roles_sync(*, using: str = "default") -> dict[Role, int]:
    """Make every role's group hold exactly the permissions its grants declare.

    Idempotent: run after every migrate (accounts.apps) and by ``manage.py kramar_roles``.
    Returns the number of permissions of each role.
    """
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    grants = role_grants()
    wanted = {perm for perms in grants.values() for perm in perms}
    found = {
        f"{perm.content_type.app_label}.{perm.codename}": perm
        for perm in Permission.objects.using(using).select_related("content_type")
    }
    missing = sorted(wanted - found.keys())
    if missing:
        raise ApplicationError(
            "accounts.unknown_permission",
            f"roles.py grants permissions that do not exist: {', '.join(missing)}",
        )
    counts: dict[Role, int] = {}
    for role, perms in grants.items():
        group, _created = Group.objects.using(using).get_or_create(name=role.value)
        group.permissions.set([found[perm] for perm in perms])
        counts[role] = len(perms)
    return counts


def _groups_for(roles: Iterable[Role]) -> list[Group]:
    names = sorted({Role(role).value for role in roles})
    groups = list(Group.objects.filter(name__in=names))
    if len(groups) != len(names):
        roles_sync()
        groups = list(Group.objects.filter(name__in=names))
    return groups


# --- People -----------------------------------------------------------------------------------


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        if len(email) > EMAIL_MAX_LENGTH:
            raise ValidationError("too long")
        validate_email(email)
    except ValidationError:
        raise ApplicationError(
            AccountsErrorCode.INVALID_EMAIL,
            _("Enter a valid e-mail address."),
            extra={"field": "email"},
        ) from None
    if User.objects.filter(email__iexact=email).exists():
        raise ApplicationError(
            AccountsErrorCode.EMAIL_TAKEN,
            _("A user with this e-mail already exists."),
            extra={"field": "email"},
            status=409,
        )
    return email


def _set_password(user: User, password: str | None) -> None:
    if password is None:
        user.set_unusable_password()
        return
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise ApplicationError(
            AccountsErrorCode.WEAK_PASSWORD,
            " ".join(error.messages),
            extra={"field": "password"},
        ) from None
    user.set_password(password)


def _check_roles_fit_department(roles: set[Role], department: Department | None) -> None:
    needs_sales = {Role.HEAD_OF_SALES, Role.SALES_MANAGER} & roles
    if needs_sales and (department is None or department.kind != DepartmentKind.SALES):
        raise ApplicationError(
            AccountsErrorCode.ROLE_NEEDS_SALES_DEPARTMENT,
            _("A head of sales or a sales manager must belong to a sales department."),
            extra={"field": "department", "roles": sorted(r.value for r in needs_sales)},
        )


@transaction.atomic
def staff_create(
    *,
    email: str,
    full_name: str,
    roles: Iterable[Role],
    department: Department | None = None,
    password: str | None = None,
    phone: str = "",
    language: str = "uk",
) -> User:
    """Create a staff member with roles; a head of sales becomes a head of their department."""
    role_set = {Role(role) for role in roles}
    _check_roles_fit_department(role_set, department)
    user = User(
        email=_clean_email(email),
        full_name=full_name.strip(),
        phone=phone,
        department=department,
        language=language,
        is_staff=True,
        is_superuser=False,
    )
    _set_password(user, password)
    try:
        user.save()
    except IntegrityError:
        raise ApplicationError(
            AccountsErrorCode.EMAIL_TAKEN,
            _("A user with this e-mail already exists."),
            extra={"field": "email"},
            status=409,
        ) from None
    user.groups.set(_groups_for(role_set))
    if Role.HEAD_OF_SALES in role_set and department is not None:
        department.heads.add(user)
    return user


@transaction.atomic
def staff_set_roles(*, user: User, roles: Iterable[Role]) -> User:
    """Replace a staff member's roles; headship follows the head-of-sales role."""
    role_set = {Role(role) for role in roles}
    if not user.is_staff:
        raise ApplicationError(AccountsErrorCode.NOT_STAFF, _("Only staff members have roles."))
    _check_roles_fit_department(role_set, user.department)
    user.groups.set(_groups_for(role_set))
    if Role.HEAD_OF_SALES in role_set and user.department is not None:
        user.department.heads.add(user)
    elif Role.HEAD_OF_SALES not in role_set:
        user.headed_departments.clear()
    return user


@transaction.atomic
def customer_register(
    *, email: str, password: str | None, full_name: str = "", phone: str = "", language: str = "uk"
) -> User:
    """Create a shop customer: a user with no staff access and no roles."""
    user = User(
        email=_clean_email(email),
        full_name=full_name.strip(),
        phone=phone,
        language=language,
        is_staff=False,
    )
    _set_password(user, password)
    user.save()
    return user


@transaction.atomic
def department_create(*, code: str, name: str, kind: DepartmentKind) -> Department:
    if Department.objects.filter(code=code).exists():
        raise ApplicationError(
            AccountsErrorCode.DEPARTMENT_CODE_TAKEN,
            _("A department with this code already exists."),
            extra={"field": "code"},
            status=409,
        )
    return Department.objects.create(code=code, name=name, kind=DepartmentKind(kind))


# --- API tokens -------------------------------------------------------------------------------


def _token_hash(raw: str) -> str:
    # Tokens carry 256 random bits, so a plain SHA-256 is enough (a slow hash protects guessable
    # secrets such as passwords); the database never holds a usable token.
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, user: User, name: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Issue a personal API token; the raw value is returned once and never stored."""
    if not (user.is_active and user.is_staff and user.has_perm("accounts.use_api_tokens")):
        raise ApplicationError(
            AccountsErrorCode.NOT_STAFF,
            _("Only staff members may hold API tokens."),
            status=403,
        )
    name = name.strip()
    if not name:
        raise ApplicationError(
            "validation_error", _("Give the token a name."), extra={"field": "name"}
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise ApplicationError(
            "validation_error",
            _("The expiry time must be in the future."),
            extra={"field": "expires_at"},
        )
    active = ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True)
    if any(token.name == name for token in active):
        raise ApplicationError(
            AccountsErrorCode.TOKEN_NAME_TAKEN,
            _("You already have an active token with this name."),
            extra={"field": "name"},
            status=409,
        )
    if len(active) >= MAX_ACTIVE_TOKENS_PER_USER:
        raise ApplicationError(
            AccountsErrorCode.TOKEN_LIMIT,
            _("Revoke an old token first: at most %(n)d may be active.")
            % {"n": MAX_ACTIVE_TOKENS_PER_USER},
        )
    prefix = secrets.token_hex(4)
    raw = f"{settings.API_TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user, name=name, prefix=prefix, token_hash=_token_hash(raw), expires_at=expires_at
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens; revoking twice is harmless."""
    token = ApiToken.objects.select_for_update().filter(user=user, pk=token_id).first()
    if token is None:
        raise NotFoundError(AccountsErrorCode.TOKEN_NOT_FOUND, _("No such token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(*, raw: str, now: datetime | None = None) -> User | None:
    """Return the active staff member a raw token belongs to, or None for any bad token."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != settings.API_TOKEN_PREFIX:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.token_hash, _token_hash(raw)):
        return None
    now = now or timezone.now()
    user = token.user
    if not (token.is_usable(now=now) and user.is_active and user.is_staff):
        return None
    if not user.has_perm("accounts.use_api_tokens"):
        return None
    if token.last_used_at is None or now - token.last_used_at > TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    """Remember the language a person chose, so that their next sign-in opens in it."""
    if language not in dict(settings.LANGUAGES):
        raise ApplicationError(
            "validation_error",
            _("Unknown language."),
            extra={"field": "language", "allowed": [code for code, _name in settings.LANGUAGES]},
        )
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


# The staff second factor lives in its own module; importing it here keeps one place to look.
from kramar.accounts.services.totp import (  # noqa: E402
    recovery_codes_renew,
    second_factor_check,
    totp_disable,
    totp_enrol_begin,
    totp_enrol_confirm,
    totp_reset,
)

__all__ = [
    "api_token_authenticate",
    "api_token_create",
    "api_token_revoke",
    "customer_register",
    "department_create",
    "recovery_codes_renew",
    "role_grants",
    "roles_sync",
    "second_factor_check",
    "staff_create",
    "staff_set_roles",
    "totp_disable",
    "totp_enrol_begin",
    "totp_enrol_confirm",
    "totp_reset",
    "user_set_language",
]
