"""Who sees which service cases (M14): the service sees all, sales sees the cases of its own
clients, customers none; the queue is ordered by SLA due time."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kramar.accounts.enums import Role
from kramar.cases.enums import CasePriority, CaseStatus
from kramar.cases.selectors import case_get, case_queue, cases_visible_to
from kramar.cases.services import case_assign, case_resolve
from kramar.cases.tests.factories import open_case
from kramar.clients.tests.factories import ClientFactory
from kramar.core.errors import NotFoundError

pytestmark = pytest.mark.django_db


@pytest.fixture
def service(make_staff):
    return make_staff(Role.AFTER_SALES)


@pytest.fixture
def own_case(service, sales_manager):
    return open_case(actor=service, client=ClientFactory(manager=sales_manager))


@pytest.fixture
def other_case(service, make_staff):
    return open_case(actor=service, client=ClientFactory(manager=make_staff(Role.SALES_MANAGER)))


def test_a_sales_manager_sees_only_the_cases_of_their_own_clients_m14(
    sales_manager, own_case, other_case
):
    assert list(cases_visible_to(viewer=sales_manager)) == [own_case]


@pytest.mark.parametrize("role", [Role.AFTER_SALES, Role.COMPANY_HEAD, Role.ADMINISTRATOR])
def test_the_service_the_head_and_administrators_see_every_case(
    make_staff, role, own_case, other_case
):
    assert set(cases_visible_to(viewer=make_staff(role))) == {own_case, other_case}


def test_a_customer_sees_no_case(customer, own_case):
    assert not cases_visible_to(viewer=customer).exists()


def test_an_invisible_case_is_not_found_m14(sales_manager, other_case):
    with pytest.raises(NotFoundError):
        case_get(viewer=sales_manager, pk=other_case.pk)


def test_a_case_comes_with_its_events_in_order(service, own_case):
    case_resolve(actor=service, case=own_case, resolution="Замінили")
    case = case_get(viewer=service, pk=own_case.pk)
    assert [e.to_status for e in case.events.all()] == ["new", "resolved"]


def test_the_queue_puts_the_case_due_soonest_first(service):
    low = open_case(actor=service, priority=CasePriority.LOW)
    urgent = open_case(actor=service, priority=CasePriority.URGENT)
    normal = open_case(actor=service, priority=CasePriority.NORMAL)
    assert list(case_queue(viewer=service)) == [urgent, normal, low]


def test_the_queue_filters_by_status_owner_and_overdue(service, make_staff):
    colleague = make_staff(Role.AFTER_SALES)
    late = open_case(
        actor=service, priority=CasePriority.URGENT, now=timezone.now() - timedelta(hours=6)
    )
    mine = case_assign(actor=service, case=open_case(actor=service), owner=service)
    theirs = case_assign(actor=service, case=open_case(actor=service), owner=colleague)
    done = case_resolve(
        actor=service,
        case=open_case(actor=service, now=timezone.now() - timedelta(days=10)),
        resolution="Ок",
    )
    assert list(case_queue(viewer=service, overdue=True)) == [late]
    assert list(case_queue(viewer=service, mine=True)) == [mine]
    assert list(case_queue(viewer=service, status=CaseStatus.RESOLVED)) == [done]
    assert set(case_queue(viewer=service, open_only=True)) == {late, mine, theirs}
