"""Roles are code: each role's group holds exactly what roles.py declares (M3, M15)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from kramar.accounts.enums import Role
from kramar.accounts.services import role_grants, roles_sync


def group_permissions(role: Role) -> set[str]:
    group = Group.objects.get(name=role.value)
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_every_role_group_holds_exactly_its_declared_permissions(role):
    """The union of every app's roles.py, no more and no less."""
    assert group_permissions(role) == role_grants()[role]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "may", "may_not"),
    [
        (Role.ADMINISTRATOR, {"accounts.manage_staff", "accounts.view_all_departments"}, set()),
        (
            Role.COMPANY_HEAD,
            {"accounts.view_all_departments", "accounts.view_user"},
            {"accounts.manage_staff", "accounts.change_user"},
        ),
        (
            Role.HEAD_OF_SALES,
            {"accounts.view_own_departments", "accounts.view_user"},
            {"accounts.view_all_departments", "accounts.manage_staff"},
        ),
        (
            Role.SALES_MANAGER,
            {"accounts.access_office"},
            {"accounts.view_user", "accounts.view_own_departments", "accounts.manage_staff"},
        ),
        (
            Role.MARKETING,
            {"accounts.access_office"},
            {"accounts.view_user", "accounts.manage_staff"},
        ),
        (Role.AFTER_SALES, {"accounts.access_office"}, {"accounts.view_user"}),
        (Role.ACCOUNTANT, {"accounts.access_office"}, {"accounts.view_user"}),
    ],
)
def test_role_permissions_give_each_role_its_rights_and_no_more(make_staff, role, may, may_not):
    user = make_staff(role)
    assert all(user.has_perm(perm) for perm in may), may
    assert not any(user.has_perm(perm) for perm in may_not), may_not


@pytest.mark.django_db
def test_customers_hold_no_permission_at_all(customer):
    assert customer.get_all_permissions() == set()
    assert not customer.is_staff


@pytest.mark.django_db
def test_roles_sync_is_idempotent_and_removes_permissions_added_by_hand():
    group = Group.objects.get(name=Role.SALES_MANAGER.value)
    group.permissions.add(Permission.objects.get(codename="manage_staff"))
    first = roles_sync()
    second = roles_sync()
    assert first == second
    assert group_permissions(Role.SALES_MANAGER) == role_grants()[Role.SALES_MANAGER]
    assert Group.objects.filter(name__in=[r.value for r in Role]).count() == len(Role)


@pytest.mark.django_db
def test_roles_command_reports_each_role(capsys):
    call_command("kramar_roles")
    out = capsys.readouterr().out
    for role in Role:
        assert role.value in out


def test_role_grants_collect_every_apps_roles_module():
    grants = role_grants()
    assert "accounts.access_office" in grants[Role.SALES_MANAGER]
    assert "clients.change_client" in grants[Role.SALES_MANAGER]
    assert "clients.change_client" not in grants[Role.ACCOUNTANT]
