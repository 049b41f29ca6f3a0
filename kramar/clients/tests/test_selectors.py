"""Who sees which clients, and the lists that stay cheap at 3000 clients a manager (M3, M4, M15)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kramar.accounts.enums import DepartmentKind, Role
from kramar.accounts.tests.factories import DepartmentFactory
from kramar.clients.enums import TimelineKind
from kramar.clients.selectors import (
    client_duplicates,
    client_get,
    client_list,
    client_timeline,
    clients_visible_to,
)
from kramar.clients.services import client_merge, client_set_co_owners, timeline_record
from kramar.clients.tests.factories import ClientFactory, CompanyFactory
from kramar.core.errors import NotFoundError

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_staff, sales_department):
    """Two sales departments, their heads and managers, and a client of each manager."""
    lviv = DepartmentFactory(code="sales-lviv", kind=DepartmentKind.SALES)
    people = {
        "kyiv_head": make_staff(Role.HEAD_OF_SALES, department=sales_department),
        "kyiv_manager": make_staff(Role.SALES_MANAGER, department=sales_department),
        "kyiv_colleague": make_staff(Role.SALES_MANAGER, department=sales_department),
        "lviv_manager": make_staff(Role.SALES_MANAGER, department=lviv),
        "company_head": make_staff(Role.COMPANY_HEAD),
        "marketing": make_staff(Role.MARKETING),
        "accountant": make_staff(Role.ACCOUNTANT),
    }
    clients = {
        "kyiv": ClientFactory(manager=people["kyiv_manager"]),
        "kyiv_colleague": ClientFactory(manager=people["kyiv_colleague"]),
        "lviv": ClientFactory(manager=people["lviv_manager"]),
        "nobody": ClientFactory(),
    }
    return people, clients


@pytest.mark.parametrize(
    ("viewer", "sees"),
    [
        ("kyiv_manager", {"kyiv"}),
        ("kyiv_head", {"kyiv", "kyiv_colleague"}),
        ("lviv_manager", {"lviv"}),
        ("company_head", {"kyiv", "kyiv_colleague", "lviv", "nobody"}),
        ("marketing", {"kyiv", "kyiv_colleague", "lviv", "nobody"}),
        ("accountant", {"kyiv", "kyiv_colleague", "lviv", "nobody"}),
    ],
)
def test_each_role_sees_exactly_its_clients_m3_m15(world, viewer, sees):
    people, clients = world
    visible = set(clients_visible_to(viewer=people[viewer]))
    assert visible == {clients[name] for name in sees}


def test_customers_see_no_client(world, customer):
    assert not clients_visible_to(viewer=customer).exists()


def test_a_co_owner_sees_the_shared_client(world):
    people, clients = world
    client_set_co_owners(actor=None, client=clients["lviv"], co_owners=[people["kyiv_manager"]])
    assert clients["lviv"] in set(clients_visible_to(viewer=people["kyiv_manager"]))


def test_an_invisible_client_is_not_found_rather_than_forbidden(world):
    people, clients = world
    with pytest.raises(NotFoundError):
        client_get(viewer=people["kyiv_manager"], pk=clients["lviv"].pk)
    with pytest.raises(NotFoundError):
        client_timeline(viewer=people["kyiv_manager"], client=clients["lviv"])


def test_merged_duplicates_disappear_from_every_list(world):
    people, clients = world
    client_merge(actor=None, source=clients["nobody"], target=clients["kyiv"])
    assert clients["nobody"] not in set(clients_visible_to(viewer=people["company_head"]))


def test_search_finds_by_name_email_phone_and_code(make_staff):
    head = make_staff(Role.COMPANY_HEAD)
    olena = ClientFactory(
        first_name="Олена", last_name="Шевчук", emails=["olena@shop.test"], phones=["0671234567"]
    )
    firm = CompanyFactory(name="Агро Плюс", registration_code="12345678")
    assert list(client_list(viewer=head, search="шевчук")) == [olena]
    assert list(client_list(viewer=head, search="olena@shop")) == [olena]
    assert list(client_list(viewer=head, search="067 123 45")) == [olena]
    assert list(client_list(viewer=head, search="12345678")) == [firm]


def test_silent_clients_filter_finds_those_without_contact_m17(make_staff):
    head = make_staff(Role.COMPANY_HEAD)
    recent, silent, never = ClientFactory(), ClientFactory(), ClientFactory()
    timeline_record(client=recent, kind=TimelineKind.CALL, summary="Дзвінок")
    timeline_record(
        client=silent,
        kind=TimelineKind.CALL,
        summary="Давно",
        occurred_at=timezone.now() - timedelta(days=90),
    )
    assert set(client_list(viewer=head, silent_days=30)) == {silent, never}


def test_the_client_list_costs_the_same_queries_for_10_or_40_clients(
    make_staff, django_assert_max_num_queries
):
    manager = make_staff(Role.SALES_MANAGER)

    def render(count):
        rows = list(client_list(viewer=manager))
        assert len(rows) == count
        return [
            (
                c.name,
                c.manager and c.manager.email,
                c.department and c.department.name,
                [t.name for t in c.tags.all()],
                [e.email for e in c.emails.all()],
                [p.number for p in c.phones.all()],
                c.company and c.company.name,
            )
            for c in rows
        ]

    for _ in range(10):
        ClientFactory(manager=manager, tags=["опт"], phones=["0671234567"])
    with django_assert_max_num_queries(8) as few:
        render(10)
    for _ in range(30):
        ClientFactory(manager=manager, tags=["опт"], phones=["0671234567"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        render(40)


def test_duplicates_are_found_by_email_phone_or_name(make_staff):
    head = make_staff(Role.COMPANY_HEAD)
    client = ClientFactory(
        first_name="Іван", last_name="Бондар", emails=["ivan@x.test"], phones=["0501112233"]
    )
    by_email = ClientFactory(emails=["ivan@x.test"])
    by_phone = ClientFactory(phones=["+380501112233"], emails=[])
    by_name = ClientFactory(first_name="іван", last_name="бондар", emails=[])
    ClientFactory()  # unrelated
    assert set(client_duplicates(viewer=head, client=client)) == {by_email, by_phone, by_name}
