"""The audit trail in the office (M3, M15): a record's history with revert, the whole trail for
heads and administrators, the recycle bin and the roles-by-rights page."""

from decimal import Decimal

import pytest

from kramar.accounts.enums import DepartmentKind, Role
from kramar.accounts.tests.factories import DepartmentFactory
from kramar.audit.models import AuditEntry
from kramar.clients.models import Client
from kramar.clients.tests.factories import ClientFactory
from kramar.crm.models import Deal, Pipeline
from kramar.crm.services import deal_create, deal_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_staff):
    return make_staff(Role.SALES_MANAGER)


@pytest.fixture
def deal(manager):
    return deal_create(
        actor=manager,
        client=ClientFactory(manager=manager),
        pipeline=Pipeline.objects.get(code="wholesale"),
        title="Партія ламп",
        manager=manager,
        amount=Decimal("12000"),
    )


def test_the_history_tab_shows_who_changed_which_field(client_for, manager, deal):
    changed = client_for(manager).patch(
        f"/api/deals/{deal.pk}", {"amount": "13500"}, content_type="application/json"
    )
    assert changed.status_code == 200, changed.content
    page = client_for(manager).get(f"/office/history/crm.deal/{deal.pk}/")
    assert page.status_code == 200
    amounts = [c for row in page.context["rows"] for c in row["changes"] if c["field"] == "amount"]
    assert amounts[0]["value"] == ["12000.00", "13500.00"]
    assert manager.email in page.content.decode()


def test_a_records_history_is_not_found_for_whoever_may_not_see_it(client_for, make_staff, deal):
    other = make_staff(Role.SALES_MANAGER)
    assert client_for(other).get(f"/office/history/crm.deal/{deal.pk}/").status_code == 404
    assert client_for(other).get("/office/history/accounts.user/1/").status_code == 404


def test_a_change_is_reverted_from_the_history(client_for, manager, deal):
    deal_update(actor=manager, deal=deal, title="Помилкова назва")
    row = AuditEntry.objects.filter(model="crm.deal", object_id=str(deal.pk)).latest("id")
    response = client_for(manager).post(f"/office/audit/revert/{row.pk}/", {"field": "title"})
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.title == "Партія ламп"
    revert = AuditEntry.objects.filter(model="crm.deal", object_id=str(deal.pk)).latest("id")
    assert revert.action == "revert"
    assert revert.changes["title"] == ["Помилкова назва", "Партія ламп"]
    assert revert.changes["_reverts"] == row.pk


def test_a_field_changed_again_since_is_not_reverted_blindly(client_for, manager, deal):
    deal_update(actor=manager, deal=deal, title="Друга")
    first = AuditEntry.objects.filter(model="crm.deal", object_id=str(deal.pk)).latest("id")
    deal_update(actor=manager, deal=deal, title="Третя")
    client_for(manager).post(f"/office/audit/revert/{first.pk}/", {"field": "title"})
    deal.refresh_from_db()
    assert deal.title == "Третя"


def test_the_company_head_may_not_revert_on_others_records(client_for, make_staff, manager, deal):
    deal_update(actor=manager, deal=deal, title="Друга")
    row = AuditEntry.objects.filter(model="crm.deal", object_id=str(deal.pk)).latest("id")
    company_head = make_staff(Role.COMPANY_HEAD)
    response = client_for(company_head).post(f"/office/audit/revert/{row.pk}/", {"field": "title"})
    assert response.status_code == 403
    deal.refresh_from_db()
    assert deal.title == "Друга"


def test_the_whole_trail_is_for_heads_and_administrators(client_for, make_staff, manager, deal):
    assert client_for(manager).get("/office/audit/").status_code == 403
    company_head = make_staff(Role.COMPANY_HEAD)
    page = client_for(company_head).get("/office/audit/?model=crm.deal")
    assert page.status_code == 200
    assert {row["entry"].model for row in page.context["rows"]} == {"crm.deal"}


def test_a_head_of_sales_reads_the_trail_of_their_departments_people(client_for, make_staff, deal):
    head = make_staff(Role.HEAD_OF_SALES)
    elsewhere = DepartmentFactory(code="sales-lviv", kind=DepartmentKind.SALES)
    stranger = make_staff(Role.SALES_MANAGER, department=elsewhere)
    for person in (deal.manager, stranger):
        client_for(person).post(
            "/api/clients",
            {"kind": "person", "first_name": "Ія", "last_name": person.email},
            content_type="application/json",
        )
    page = client_for(head).get("/office/audit/")
    actors = {row["entry"].actor_id for row in page.context["rows"]}
    assert deal.manager_id in actors
    assert stranger.pk not in actors


def test_deleting_from_the_card_and_restoring_from_the_bin(client_for, make_staff, manager, deal):
    head = make_staff(Role.HEAD_OF_SALES)
    client = deal.client
    assert client_for(manager).post(f"/office/deals/{deal.pk}/delete/").status_code == 302
    assert client_for(manager).get(f"/office/deals/{deal.pk}/").status_code == 404
    assert client_for(manager).get("/office/recycle-bin/").status_code == 403
    client_for(manager).post(f"/office/clients/{client.pk}/delete/")
    assert Client.objects.get(pk=client.pk).deleted_at is not None
    bin_page = client_for(head).get("/office/recycle-bin/")
    assert [c.pk for c in bin_page.context["clients"]] == [client.pk]
    client_for(head).post(f"/office/clients/{client.pk}/restore/")
    client_for(head).post(f"/office/deals/{deal.pk}/restore/")
    assert client_for(manager).get(f"/office/deals/{deal.pk}/").status_code == 200
    assert Deal.objects.get(pk=deal.pk).deleted_at is None


def test_the_roles_page_shows_every_role_against_every_right(client_for, make_staff):
    administrator = make_staff(Role.ADMINISTRATOR)
    page = client_for(administrator).get("/office/roles/")
    assert page.status_code == 200
    rows = {row["permission"]: row["cells"] for row in page.context["matrix"]}
    roles = [role.value for role in page.context["roles"]]
    reassign = dict(zip(roles, rows["crm.reassign_deal"], strict=True))
    assert reassign["head_of_sales"] and not reassign["sales_manager"]
    change = dict(zip(roles, rows["crm.change_deal"], strict=True))
    assert not change["company_head"] and change["sales_manager"]
    erase = dict(zip(roles, rows["clients.erase_client"], strict=True))
    assert erase["administrator"] and not erase["head_of_sales"]
    quarantine = dict(zip(roles, rows["mail.manage_quarantine"], strict=True))
    assert quarantine["head_of_sales"] and not quarantine["sales_manager"]
