"""Service case pages: the queue by SLA, the case card and its forms, opening a case from the
client card (M14)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kramar.accounts.enums import Role
from kramar.cases.enums import CasePriority, CaseStatus
from kramar.cases.models import ServiceCase
from kramar.cases.services import case_assign
from kramar.cases.tests.factories import open_case
from kramar.clients.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def service(make_staff):
    return make_staff(Role.AFTER_SALES)


def test_the_queue_renders_30_cases_in_a_bounded_number_of_queries(
    client_for, service, django_assert_max_num_queries
):
    clients = [ClientFactory() for _ in range(5)]
    for index in range(30):
        case = open_case(actor=service, client=clients[index % 5])
        if index % 2:
            case_assign(actor=service, case=case, owner=service)
    browser = client_for(service)
    with django_assert_max_num_queries(10):
        page = browser.get("/office/cases/")
    assert page.status_code == 200
    assert len(page.context["page"]) == 30


def test_an_overdue_case_is_marked_in_the_queue(client_for, service):
    late = open_case(
        actor=service, priority=CasePriority.URGENT, now=timezone.now() - timedelta(hours=5)
    )
    fresh = open_case(actor=service, priority=CasePriority.LOW)
    html = client_for(service).get("/office/cases/").content.decode()
    row = html[html.index(f'data-testid="case-{late.pk}"') - 80 :][:200]
    assert "overdue" in row
    fresh_row = html[html.index(f'data-testid="case-{fresh.pk}"') - 80 :][:200]
    assert "overdue" not in fresh_row


def test_the_queue_filters_overdue_cases(client_for, service):
    late = open_case(
        actor=service, priority=CasePriority.URGENT, now=timezone.now() - timedelta(hours=5)
    )
    open_case(actor=service)
    page = client_for(service).get("/office/cases/?overdue=on")
    assert list(page.context["page"]) == [late]


def test_a_manager_opens_a_case_from_the_client_card_m14(client_for, sales_manager):
    client = ClientFactory(manager=sales_manager)
    browser = client_for(sales_manager)
    card = browser.get(f"/office/clients/{client.pk}/").content.decode()
    assert f"/office/clients/{client.pk}/cases/new/" in card
    response = browser.post(
        f"/office/clients/{client.pk}/cases/new/",
        {"kind": "warranty", "subject": "Не вмикається", "priority": "high"},
    )
    case = ServiceCase.objects.get()
    assert response.status_code == 302
    assert (case.client, case.priority, case.created_by) == (client, "high", sales_manager)
    assert case.number in browser.get(f"/office/clients/{client.pk}/").content.decode()


def test_a_case_of_a_client_the_manager_cannot_see_is_404(client_for, sales_manager, service):
    case = open_case(actor=service)
    assert client_for(sales_manager).get(f"/office/cases/{case.pk}/").status_code == 404


def test_a_customer_is_refused_the_queue(client_for, customer):
    assert client_for(customer).get("/office/cases/").status_code == 403


def test_resolving_on_the_card_without_a_resolution_says_why_and_changes_nothing(
    client_for, service
):
    case = open_case(actor=service)
    page = client_for(service).post(
        f"/office/cases/{case.pk}/resolve/", {"resolution": ""}, follow=True
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW
    assert [m.level_tag for m in page.context["messages"]] == ["error"]


def test_the_service_works_a_case_on_its_card(client_for, service, make_staff):
    colleague = make_staff(Role.AFTER_SALES)
    case = open_case(actor=service)
    browser = client_for(service)
    browser.post(f"/office/cases/{case.pk}/assign/", {"owner": colleague.pk})
    browser.post(f"/office/cases/{case.pk}/status/", {"status": "in_progress"})
    browser.post(f"/office/cases/{case.pk}/resolve/", {"resolution": "Замінили товар"})
    case.refresh_from_db()
    assert (case.owner, case.status, case.resolution) == (colleague, "resolved", "Замінили товар")
    page = browser.get(f"/office/cases/{case.pk}/")
    assert len(page.context["events"]) == 4
