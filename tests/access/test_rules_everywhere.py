"""The record rules hold wherever records show (M3): exports, search, the board and its counts,
the calendar, filters that name someone else's records."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kramar.accounts.enums import DepartmentKind, Role
from kramar.accounts.tests.factories import DepartmentFactory
from kramar.clients.tests.factories import ClientFactory
from kramar.crm.models import Pipeline
from kramar.crm.services import activity_plan, deal_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_staff):
    elsewhere = DepartmentFactory(code="sales-lviv", kind=DepartmentKind.SALES)
    return {
        "manager": make_staff(Role.SALES_MANAGER),
        "colleague": make_staff(Role.SALES_MANAGER),
        "stranger": make_staff(Role.SALES_MANAGER, department=elsewhere),
        "head": make_staff(Role.HEAD_OF_SALES),
    }


@pytest.fixture
def books(people):
    """Each salesperson has a client called Вишня with a deal and a call tomorrow."""
    wholesale = Pipeline.objects.get(code="wholesale")
    made = {}
    for who in ("manager", "colleague", "stranger"):
        person = people[who]
        client = ClientFactory(manager=person, first_name="Вишня", last_name=who)
        deal = deal_create(
            actor=person,
            client=client,
            pipeline=wholesale,
            title=f"Угода {who}",
            manager=person,
            amount=Decimal("1000"),
        )
        activity_plan(
            actor=person,
            client=client,
            kind="call",
            subject=f"Дзвінок {who}",
            due_at=timezone.now() + timedelta(hours=2),
            deal=deal,
        )
        made[who] = (client, deal)
    return made


def _exported(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_a_csv_export_holds_only_the_clients_the_reader_sees(client_for, people, books):
    rows = _exported(client_for(people["manager"]).get("/office/clients/export.csv"))
    assert [int(r["id"]) for r in rows] == [books["manager"][0].pk]
    rows = _exported(client_for(people["head"]).get("/office/clients/export.csv?search=Вишня"))
    assert sorted(int(r["id"]) for r in rows) == sorted(
        [books["manager"][0].pk, books["colleague"][0].pk]
    )


def test_a_csv_export_of_the_client_list_is_recorded_in_the_trail(client_for, people, books):
    from kramar.audit.models import AuditEntry

    _exported(client_for(people["head"]).get("/office/clients/export.csv?search=Вишня"))
    row = AuditEntry.objects.get(action="export", model="clients.client", object_id="")
    assert row.actor_id == people["head"].pk
    assert row.changes["rows"] == [None, 2] and "search=" in row.changes["filters"][1]


def test_an_export_cell_cannot_become_a_spreadsheet_formula(client_for, people):
    ClientFactory(manager=people["manager"], first_name="=HYPERLINK(1)", last_name="")
    rows = _exported(client_for(people["manager"]).get("/office/clients/export.csv"))
    assert rows[0]["name"].startswith("'=")


def test_search_finds_only_visible_clients(client_for, people, books):
    found = client_for(people["manager"]).get("/api/clients?search=Вишня").json()["items"]
    assert [row["id"] for row in found] == [books["manager"][0].pk]
    page = client_for(people["manager"]).get("/office/clients/?search=Вишня")
    assert [c.pk for c in page.context["page"]] == [books["manager"][0].pk]


def test_a_filter_naming_someone_elses_records_finds_nothing(client_for, people, books):
    stranger = people["stranger"].pk
    api = client_for(people["manager"])
    assert api.get(f"/api/deals?manager_id={stranger}").json()["items"] == []
    assert api.get(f"/api/clients?manager_id={stranger}").json()["items"] == []
    assert api.get(f"/api/activities?client_id={books['stranger'][0].pk}").json()["items"] == []


def test_the_board_and_its_counts_show_a_managers_own_figures(client_for, people, books):
    def board(person):
        page = client_for(person).get("/office/deals/?pipeline=wholesale")
        return {
            deal.pk
            for column in page.context["columns"]
            for deal in (card["deal"] for card in column["cards"])
        }, sum(column["count"] for column in page.context["columns"])

    assert board(people["manager"]) == ({books["manager"][1].pk}, 1)
    head_deals, head_count = board(people["head"])
    assert head_deals == {books["manager"][1].pk, books["colleague"][1].pk} and head_count == 2


def test_the_calendar_shows_only_work_the_viewer_may_see(client_for, people, books):
    page = client_for(people["manager"]).get("/office/calendar/").content.decode()
    assert "Дзвінок manager" in page
    assert "Дзвінок colleague" not in page and "Дзвінок stranger" not in page


def test_a_managers_debtor_report_shows_only_their_own_figures(people, books):
    from decimal import Decimal

    from kramar.billing.selectors import debtors_report, debtors_totals
    from kramar.billing.tests.factories import issued_invoice

    for who, amount in (("manager", "100.00"), ("colleague", "250.00"), ("stranger", "400.00")):
        issued_invoice(client=books[who][0], amount=amount)

    def total(person):
        return debtors_totals(debtors_report(viewer=person)).open_debt

    assert total(people["manager"]) == Decimal("100.00")
    assert total(people["head"]) == Decimal("350.00")
    assert {row.key for row in debtors_report(viewer=people["manager"])} == {people["manager"].pk}
