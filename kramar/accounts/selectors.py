"""Reads of the accounts app; row-level visibility of people lives here."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from kramar.accounts import totp
from kramar.accounts.enums import Role
from kramar.accounts.models import ApiToken, Department, RecoveryCode, TotpDevice, User


def is_active_staff(user: object) -> bool:
    """Return whether ``user`` is a signed-in, active staff member (never a customer)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and getattr(user, "is_staff", False)
    )


def user_roles(user: User) -> set[Role]:
    """Return the roles a user holds (none for customers and anonymous visitors)."""
    if not getattr(user, "is_authenticated", False) or not user.is_staff:
        return set()
    names = {group.name for group in user.groups.all()}
    return {role for role in Role if role.value in names}


def is_administrator(user: User) -> bool:
    return bool(
        user.is_active
        and user.is_staff
        and (user.is_superuser or Role.ADMINISTRATOR in user_roles(user))
    )


def departments_visible_to(*, viewer: User) -> QuerySet[Department]:
    """Return the departments whose work the viewer may see (M15).

    The company head and administrators see all; a head of sales sees the departments they head;
    every other staff member sees their own department; customers see none.
    """
    departments = Department.objects.all()
    if not is_active_staff(viewer):
        return departments.none()
    if viewer.is_superuser or viewer.has_perm("accounts.view_all_departments"):
        return departments
    headed = departments.filter(heads=viewer)
    if viewer.has_perm("accounts.view_own_departments"):
        return (headed | departments.filter(members=viewer)).distinct()
    return departments.filter(members=viewer)


def staff_list(*, viewer: User) -> QuerySet[User]:
    """Return the staff members the viewer may see, with their department and roles."""
    staff = User.objects.filter(is_staff=True).select_related("department")
    staff = staff.prefetch_related("groups").order_by("department__name", "full_name")
    if not is_active_staff(viewer):
        return staff.none()
    if viewer.is_superuser or viewer.has_perm("accounts.view_all_departments"):
        return staff
    return staff.filter(department__in=departments_visible_to(viewer=viewer))


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """Return the user's own tokens, newest first (revoked ones too, for the record)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at")


# --- The second factor ------------------------------------------------------------------------


def totp_device_of(*, user: User) -> TotpDevice | None:
    """Return the person's authenticator app, confirmed or still being set up, or None."""
    return TotpDevice.objects.filter(user=user).first()


def totp_enrolment_secret(*, user: User) -> str | None:
    """Return the secret of a set-up not yet confirmed (shown until its first code), else None.

    Once confirmed, the secret is never shown again: this returns None.
    """
    device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=True).first()
    return totp.decrypt_secret(device.secret) if device is not None else None


def recovery_codes_left(*, user: User) -> int:
    return RecoveryCode.objects.filter(
        device__user=user, device__confirmed_at__isnull=False, used_at__isnull=True
    ).count()


def totp_required_for(user: User) -> bool:
    """Return whether the person's role obliges them to sign in with codes and they do not yet.

    ``STAFF_TOTP_REQUIRED_ROLES`` names the roles; empty (the default) obliges nobody.
    """
    required = settings.STAFF_TOTP_REQUIRED_ROLES
    if not required or user.totp_enabled or not is_active_staff(user):
        return False
    if user.is_superuser and Role.ADMINISTRATOR.value in required:
        return True  # a superuser is an administrator whatever their groups
    return user.groups.filter(name__in=required).exists()
