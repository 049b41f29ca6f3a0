"""Who sees which departments and staff (M3, M15)."""

import pytest

from kramar.accounts.enums import DepartmentKind, Role
from kramar.accounts.selectors import departments_visible_to, staff_list, user_roles
from kramar.accounts.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_sales_departments(sales_department):
    other = DepartmentFactory(code="sales-lviv", name="Sales Lviv", kind=DepartmentKind.SALES)
    return sales_department, other


def test_company_head_sees_every_department_m15(make_staff, two_sales_departments):
    head = make_staff(Role.COMPANY_HEAD)
    assert set(two_sales_departments) <= set(departments_visible_to(viewer=head))


def test_head_of_sales_sees_only_the_departments_they_head_m15(make_staff, two_sales_departments):
    kyiv, lviv = two_sales_departments
    head = make_staff(Role.HEAD_OF_SALES, department=kyiv)
    kyiv_manager = make_staff(Role.SALES_MANAGER, department=kyiv)
    lviv_manager = make_staff(Role.SALES_MANAGER, department=lviv)
    assert list(departments_visible_to(viewer=head)) == [kyiv]
    visible = set(staff_list(viewer=head))
    assert {head, kyiv_manager} <= visible
    assert lviv_manager not in visible


def test_a_head_of_several_departments_sees_each_of_them(make_staff, two_sales_departments):
    kyiv, lviv = two_sales_departments
    head = make_staff(Role.HEAD_OF_SALES, department=kyiv)
    lviv.heads.add(head)
    assert set(departments_visible_to(viewer=head)) == {kyiv, lviv}


def test_a_sales_manager_sees_only_their_own_department(make_staff, two_sales_departments):
    kyiv, _lviv = two_sales_departments
    manager = make_staff(Role.SALES_MANAGER, department=kyiv)
    assert list(departments_visible_to(viewer=manager)) == [kyiv]


def test_customers_see_no_department_and_no_staff(customer, sales_manager):
    assert not departments_visible_to(viewer=customer).exists()
    assert not staff_list(viewer=customer).exists()
    assert user_roles(customer) == set()


def test_staff_list_does_not_query_per_row(make_staff, django_assert_max_num_queries):
    head = make_staff(Role.COMPANY_HEAD)
    for _ in range(10):
        make_staff(Role.SALES_MANAGER)
    with django_assert_max_num_queries(6):
        rows = [
            (m.department.name if m.department else "", [g.name for g in m.groups.all()])
            for m in staff_list(viewer=head)
        ]
    assert len(rows) == 11
