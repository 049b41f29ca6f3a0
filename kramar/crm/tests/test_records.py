"""A deal's own fields, reassignment and the recycle bin: rules checked in the services
themselves, whatever calls them (M3, M15)."""

from decimal import Decimal

import pytest

from kramar.accounts.enums import DepartmentKind, Role
from kramar.accounts.tests.factories import DepartmentFactory
from kramar.audit.enums import AuditAction
from kramar.audit.models import AuditEntry
from kramar.clients.services import client_set_co_owners
from kramar.core.errors import NotFoundError, PermissionDeniedError
from kramar.crm.models import Deal
from kramar.crm.selectors import activities_visible_to, deal_list, deals_visible_to
from kramar.crm.services import (
    activity_plan,
    deal_delete,
    deal_reassign,
    deal_restore,
    deal_update,
)

pytestmark = pytest.mark.django_db


def test_a_manager_changes_their_deals_amount_and_the_trail_keeps_both_values(manager, deal):
    deal_update(actor=manager, deal=deal, amount=Decimal("175000"), probability=60)
    deal.refresh_from_db()
    assert (deal.amount, deal.probability) == (Decimal("175000.00"), 60)
    row = AuditEntry.objects.filter(model="crm.deal", object_id=str(deal.pk)).latest("id")
    assert row.changes["amount"] == ["150000.00", "175000.00"]
    assert row.changes["probability"] == [None, 60]


def test_a_manager_may_not_hand_their_deal_to_someone_else_m15(manager, make_staff, deal):
    colleague = make_staff(Role.SALES_MANAGER)
    with pytest.raises(PermissionDeniedError) as refused:
        deal_update(actor=manager, deal=deal, manager=colleague)
    assert refused.value.code == "crm.field_needs_head_of_sales"
    with pytest.raises(PermissionDeniedError):
        deal_reassign(actor=manager, deal=deal, manager=colleague)
    deal.refresh_from_db()
    assert deal.manager_id == manager.pk


def test_the_head_of_sales_reassigns_within_their_departments_only(make_staff, manager, deal):
    head = make_staff(Role.HEAD_OF_SALES)
    colleague = make_staff(Role.SALES_MANAGER)
    deal_reassign(actor=head, deal=deal, manager=colleague)
    deal.refresh_from_db()
    assert deal.manager_id == colleague.pk
    elsewhere = DepartmentFactory(code="sales-lviv", kind=DepartmentKind.SALES)
    stranger = make_staff(Role.SALES_MANAGER, department=elsewhere)
    with pytest.raises(PermissionDeniedError) as refused:
        deal_reassign(actor=head, deal=deal, manager=stranger)
    assert refused.value.code == "crm.manager_outside_departments"


def test_another_managers_deal_is_not_found_even_to_the_services(make_staff, deal):
    other = make_staff(Role.SALES_MANAGER)
    with pytest.raises(NotFoundError):
        deal_update(actor=other, deal=deal, title="чужа")
    with pytest.raises(NotFoundError):
        deal_delete(actor=other, deal=deal)
    deal.refresh_from_db()
    assert deal.title == "Поставка 200 стільців" and deal.deleted_at is None


def test_the_company_head_reads_but_does_not_change_others_deals_m15(make_staff, deal):
    company_head = make_staff(Role.COMPANY_HEAD)
    assert deals_visible_to(viewer=company_head).filter(pk=deal.pk).exists()
    with pytest.raises(PermissionDeniedError):
        deal_update(actor=company_head, deal=deal, title="змінено")
    deal.refresh_from_db()
    assert deal.title == "Поставка 200 стільців"


def test_a_co_owner_of_the_client_sees_its_deals(make_staff, manager, own_client, deal):
    colleague = make_staff(Role.SALES_MANAGER)
    assert not deals_visible_to(viewer=colleague).filter(pk=deal.pk).exists()
    client_set_co_owners(actor=manager, client=own_client, co_owners=[colleague])
    assert deals_visible_to(viewer=colleague).filter(pk=deal.pk).exists()


def test_a_deleted_deal_leaves_every_list_and_the_head_restores_it(make_staff, manager, deal):
    head = make_staff(Role.HEAD_OF_SALES)
    call = activity_plan(
        actor=manager,
        kind="call",
        subject="Передзвонити",
        client=deal.client,
        deal=deal,
        owner=manager,
        due_at=deal.created_at,
    )
    deal_delete(actor=manager, deal=deal)
    assert not deal_list(viewer=manager).exists()
    assert not deal_list(viewer=head).exists()
    assert not activities_visible_to(viewer=manager).filter(pk=call.pk).exists()
    with pytest.raises(NotFoundError):
        deal_restore(actor=manager, deal=deal)  # a manager does not restore
    deal_restore(actor=head, deal=deal)
    assert list(deal_list(viewer=manager)) == [deal]
    assert activities_visible_to(viewer=manager).filter(pk=call.pk).exists()
    actions = list(
        AuditEntry.objects.filter(model="crm.deal", object_id=str(deal.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == [AuditAction.SOFT_DELETE, AuditAction.RESTORE]
    assert Deal.objects.filter(pk=deal.pk, deleted_at__isnull=True).exists()


def test_a_head_of_another_department_cannot_restore(make_staff, manager, deal):
    elsewhere = DepartmentFactory(code="sales-odesa", kind=DepartmentKind.SALES)
    other_head = make_staff(Role.HEAD_OF_SALES, department=elsewhere)
    deal_delete(actor=manager, deal=deal)
    with pytest.raises(NotFoundError):
        deal_restore(actor=other_head, deal=deal)
