"""The client pages: the same selectors and services as the API (M11, M12, M14)."""

import pytest
from django.test import Client as HttpClient

from kramar.accounts.enums import Role
from kramar.clients.enums import TimelineKind
from kramar.clients.models import Client
from kramar.clients.tests.factories import ClientFactory, CompanyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_staff):
    return make_staff(Role.SALES_MANAGER)


def test_the_list_shows_a_manager_only_their_clients(client_for, manager):
    mine = ClientFactory(manager=manager, first_name="Марко", last_name="Вовк")
    theirs = ClientFactory(first_name="Чужий", last_name="Клієнт")
    page = client_for(manager).get("/office/clients/")
    assert page.status_code == 200
    html = page.content.decode()
    assert mine.name in html
    assert theirs.name not in html


def test_search_through_htmx_returns_only_the_rows(client_for, manager):
    ClientFactory(manager=manager, first_name="Марко", last_name="Вовк")
    ClientFactory(manager=manager, first_name="Ганна", last_name="Ліс")
    response = client_for(manager).get(
        "/office/clients/?search=вовк", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="client-rows"
    )
    html = response.content.decode()
    assert "Марко Вовк" in html and "Ганна Ліс" not in html
    assert "<html" not in html  # a fragment, not a page


def test_the_list_costs_a_bounded_number_of_queries(
    client_for, manager, django_assert_max_num_queries
):
    for _ in range(40):
        ClientFactory(manager=manager, tags=["опт"], phones=["0671234567"])
    client = client_for(manager)
    with django_assert_max_num_queries(20):
        assert client.get("/office/clients/").status_code == 200


def test_a_manager_creates_a_person_and_lands_on_the_card(client_for, manager):
    response = client_for(manager).post(
        "/office/clients/new/",
        {
            "kind": "person",
            "first_name": "Зоя",
            "last_name": "Гай",
            "email": "zoya@x.test",
            "phone": "0671112233",
            "source": "phone",
            "tags": "нові, роздріб",
            "is_customer": "on",
        },
    )
    client = Client.objects.get(name="Зоя Гай")
    assert response.status_code == 302
    assert response["Location"] == f"/office/clients/{client.pk}/"
    assert client.manager == manager
    assert client.phones.get().number == "+380671112233"


def test_a_bad_phone_shows_on_the_form_and_writes_nothing(client_for, manager):
    response = client_for(manager).post(
        "/office/clients/new/",
        {"kind": "person", "first_name": "Зоя", "phone": "12", "source": "manual"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["phone"]
    assert not Client.objects.exists()


def test_a_company_needs_its_name(client_for, manager):
    response = client_for(manager).post(
        "/office/clients/new/", {"kind": "company", "source": "manual"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["name"]


def test_roles_without_the_right_cannot_create(client_for, make_staff):
    response = client_for(make_staff(Role.ACCOUNTANT)).post(
        "/office/clients/new/", {"kind": "company", "name": "X", "source": "manual"}
    )
    assert response.status_code == 403
    assert not Client.objects.exists()


def test_the_card_shows_the_shared_history_and_contacts(client_for, manager):
    company = CompanyFactory(manager=manager, name="ТОВ Світанок")
    contact = ClientFactory(manager=manager, company=company, job_title="Бухгалтер")
    page = client_for(manager).get(f"/office/clients/{company.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert contact.name in html
    assert str(TimelineKind.CLIENT_CREATED.label) in html or "Клієнта створено" in html


def test_an_invisible_card_is_the_sites_404(client_for, manager):
    stranger = ClientFactory()
    response = client_for(manager).get(f"/office/clients/{stranger.pk}/")
    assert response.status_code == 404


def test_after_sales_service_adds_a_note_to_a_managers_client_m14(client_for, make_staff, manager):
    client = ClientFactory(manager=manager)
    service = make_staff(Role.AFTER_SALES)
    response = client_for(service).post(
        f"/office/clients/{client.pk}/notes/",
        {"text": "Скарга вирішена"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Скарга вирішена" in response.content.decode()
    entry = client.timeline.get(kind=TimelineKind.NOTE)
    assert entry.actor == service


def test_accountants_read_cards_but_cannot_add_notes(client_for, make_staff, manager):
    client = ClientFactory(manager=manager)
    accountant = make_staff(Role.ACCOUNTANT)
    assert client_for(accountant).get(f"/office/clients/{client.pk}/").status_code == 200
    response = client_for(accountant).post(f"/office/clients/{client.pk}/notes/", {"text": "x"})
    assert response.status_code == 403
    assert not client.timeline.filter(kind=TimelineKind.NOTE).exists()


def test_anonymous_visitors_go_to_sign_in():
    response = HttpClient().get("/office/clients/")
    assert response.status_code == 302
    assert "/office/login/" in response["Location"]


def test_a_head_merges_a_duplicate_from_the_card_and_a_manager_may_not(client_for, make_staff):
    manager = make_staff(Role.SALES_MANAGER)
    head = make_staff(Role.HEAD_OF_SALES)
    keep = ClientFactory(manager=manager, emails=["same@x.test"])
    duplicate = ClientFactory(manager=manager, emails=["same@x.test"])
    page = client_for(head).get(f"/office/clients/{keep.pk}/")
    assert list(page.context["duplicates"]) == [duplicate]
    denied = client_for(manager).post(
        f"/office/clients/{keep.pk}/merge/", {"duplicate": duplicate.pk}
    )
    assert denied.status_code == 403
    client_for(head).post(f"/office/clients/{keep.pk}/merge/", {"duplicate": duplicate.pk})
    duplicate.refresh_from_db()
    assert duplicate.merged_into == keep


def test_a_head_hands_chosen_clients_to_another_manager_m15(client_for, make_staff):
    head = make_staff(Role.HEAD_OF_SALES)
    leaving, taking = make_staff(Role.SALES_MANAGER), make_staff(Role.SALES_MANAGER)
    moved = [ClientFactory(manager=leaving) for _ in range(3)]
    stays = ClientFactory(manager=leaving)
    page = client_for(head).get("/office/clients/")
    assert "reassign_form" in page.context
    client_for(head).post(
        "/office/clients/reassign/",
        {"clients": [c.pk for c in moved], "manager": taking.pk},
    )
    assert set(Client.objects.filter(manager=taking)) == set(moved)
    stays.refresh_from_db()
    assert stays.manager == leaving
    assert all(c.timeline.filter(kind="manager_assigned").exists() for c in moved)


def test_a_manager_cannot_reassign_and_invisible_clients_are_refused(client_for, make_staff):
    manager = make_staff(Role.SALES_MANAGER)
    mine = ClientFactory(manager=manager)
    assert (
        client_for(manager)
        .post("/office/clients/reassign/", {"clients": [mine.pk], "manager": manager.pk})
        .status_code
        == 403
    )
    head = make_staff(Role.HEAD_OF_SALES)
    elsewhere = ClientFactory()  # no manager, no department: not the head's
    client_for(head).post(
        "/office/clients/reassign/", {"clients": [elsewhere.pk], "manager": manager.pk}
    )
    elsewhere.refresh_from_db()
    assert elsewhere.manager is None


def _fill_card(manager, company, size):
    """Give a company ``size`` contacts, deals, planned calls, notes and a look-alike."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from kramar.clients.services import timeline_record
    from kramar.crm.enums import ActivityKind
    from kramar.crm.models import Pipeline
    from kramar.crm.services import activity_plan, deal_create

    wholesale = Pipeline.objects.get(code="wholesale")
    for number in range(size):
        ClientFactory(manager=manager, company=company, tags=["опт", f"t{number}"])
        deal = deal_create(
            actor=manager, client=company, pipeline=wholesale, title=f"Угода {number}",
            manager=manager, amount=Decimal("1000.00"),
        )  # fmt: skip
        activity_plan(
            actor=manager, client=company, deal=deal, kind=ActivityKind.CALL,
            subject=f"Дзвінок {number}", due_at=timezone.now() + timedelta(days=number),
        )  # fmt: skip
        timeline_record(client=company, kind=TimelineKind.NOTE, summary=f"Нотатка {number}")
        CompanyFactory(manager=manager, name=f"{company.name}", emails=[f"dup{number}@x.test"])


def test_the_card_costs_the_same_queries_however_much_it_shows(
    client_for, manager, django_assert_max_num_queries
):
    """The card's query count does not grow with its contacts, deals, plan and history (M4)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small = CompanyFactory(manager=manager, name="ТОВ Мала")
    big = CompanyFactory(manager=manager, name="ТОВ Велика")
    _fill_card(manager, small, 1)
    _fill_card(manager, big, 25)
    office = client_for(manager)
    office.get(f"/office/clients/{small.pk}/")  # warm the session and caches
    counts = []
    for company in (small, big):
        with CaptureQueriesContext(connection) as queries:
            page = office.get(f"/office/clients/{company.pk}/")
        assert page.status_code == 200
        counts.append(len(queries))
    html = page.content.decode()
    assert "Угода 24" in html and "Дзвінок 24" in html and "Нотатка 24" in html
    assert counts[0] == counts[1], counts
    # The card lists the client's letters (M8), its invoices, debt, credit and limit (issue 7),
    # its personal offer (issue 6, M7), and its visits to the site, folded and live, with its
    # first/last touch (issue 6): still a fixed number however much it shows.
    assert counts[1] <= 33, counts
