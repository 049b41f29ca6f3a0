"""Saved client views: named filter sets per person, in the office and the API (issue 4, M4)."""

import pytest

from kramar.accounts.enums import Role
from kramar.clients import services
from kramar.clients.models import Region, SavedView
from kramar.clients.selectors import client_list, saved_views_of
from kramar.clients.tests.factories import ClientFactory
from kramar.core.errors import ApplicationError

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def manager(make_staff):
    return make_staff(Role.SALES_MANAGER)


def test_a_saved_view_keeps_the_filters_and_replays_the_same_list(manager):
    kyiv = Region.objects.get(code="kyiv-city")
    wanted = ClientFactory(manager=manager, region=kyiv, tags=["опт"])
    ClientFactory(manager=manager, region=kyiv)  # no tag
    ClientFactory(manager=manager, tags=["опт"])  # elsewhere
    view = services.saved_view_save(
        owner=manager,
        name="  Опт   у Києві ",
        filters={"region_id": str(kyiv.pk), "tag": "опт", "search": "", "kind": None},
    )
    assert view.name == "Опт у Києві"
    assert view.filters == {"region_id": kyiv.pk, "tag": "опт"}
    assert list(client_list(viewer=manager, **view.filters)) == [wanted]


def test_saving_under_the_same_name_replaces_the_filters(manager):
    first = services.saved_view_save(owner=manager, name="Мовчуни", filters={"silent_days": 90})
    again = services.saved_view_save(owner=manager, name="Мовчуни", filters={"silent_days": 30})
    assert again.pk == first.pk
    assert SavedView.objects.get(pk=first.pk).filters == {"silent_days": 30}


@pytest.mark.parametrize(
    ("filters", "bad"),
    [
        ({"colour": "red"}, "colour"),
        ({"kind": "robot"}, "kind"),
        ({"ordering": "-salary"}, "ordering"),
        ({"silent_days": -1}, "silent_days"),
        ({"silent_days": "soon"}, "silent_days"),
        ({"region_id": 0}, "region_id"),
        ({"region_id": 999_999}, "region_id"),
        ({"search": "x" * 201}, "search"),
        ({"manager_id": True}, "manager_id"),
    ],
)
def test_a_view_with_a_bad_filter_is_refused_and_nothing_is_kept(manager, filters, bad):
    with pytest.raises(ApplicationError) as refused:
        services.saved_view_save(owner=manager, name="Погане", filters=filters)
    assert refused.value.code == "clients.view_bad_filter"
    assert refused.value.extra["filter"] == bad
    assert not SavedView.objects.exists()


def test_a_view_needs_a_name(manager):
    with pytest.raises(ApplicationError) as refused:
        services.saved_view_save(owner=manager, name="   ", filters={})
    assert refused.value.code == "clients.view_name_required"


def test_views_are_personal(manager, make_staff):
    other = make_staff(Role.SALES_MANAGER)
    services.saved_view_save(owner=other, name="Чуже", filters={"tag": "vip"})
    mine = services.saved_view_save(owner=manager, name="Моє", filters={"tag": "опт"})
    assert list(saved_views_of(viewer=manager)) == [mine]


# --- The office ---------------------------------------------------------------------------------


def test_the_office_saves_the_current_filters_and_lists_the_view(client_for, manager):
    kyiv = Region.objects.get(code="kyiv-city")
    ClientFactory(manager=manager, region=kyiv, first_name="Київський", last_name="Клієнт")
    ClientFactory(manager=manager, first_name="Інший", last_name="Клієнт")
    office = client_for(manager)
    query = f"region={kyiv.pk}&ordering=-created"
    response = office.post("/office/clients/views/", {"name": "Київ", "query": query})
    assert response.status_code == 302
    view = SavedView.objects.get(owner=manager)
    assert view.filters == {"region_id": kyiv.pk, "ordering": "-created"}
    page = office.get("/office/clients/")
    html = page.content.decode()
    assert "Київ" in html
    link = f'href="?ordering=-created&amp;region={kyiv.pk}"'
    assert link in html
    applied = office.get(f"/office/clients/?region={kyiv.pk}&ordering=-created")
    rows = [client.name for client in applied.context["page"]]
    assert rows == ["Київський Клієнт"]
    assert 'aria-current="page">Київ<' in applied.content.decode()


def test_the_office_refuses_invalid_filters_without_keeping_a_view(client_for, manager):
    office = client_for(manager)
    office.post("/office/clients/views/", {"name": "Погане", "query": "silent_days=-5"})
    office.post("/office/clients/views/", {"name": "", "query": "tag=vip"})
    assert not SavedView.objects.exists()


def test_one_may_delete_only_ones_own_view(client_for, manager, make_staff):
    other = make_staff(Role.SALES_MANAGER)
    theirs = services.saved_view_save(owner=other, name="Чуже", filters={})
    mine = services.saved_view_save(owner=manager, name="Моє", filters={})
    office = client_for(manager)
    assert office.post(f"/office/clients/views/{theirs.pk}/delete/").status_code == 404
    assert office.post(f"/office/clients/views/{mine.pk}/delete/").status_code == 302
    assert list(SavedView.objects.all()) == [theirs]


def test_the_htmx_rows_carry_the_filters_for_the_save_form(client_for, manager):
    response = client_for(manager).get(
        "/office/clients/?tag=vip", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="client-rows"
    )
    html = response.content.decode()
    assert 'id="save-view-query" hx-swap-oob="true"' in html
    assert 'value="tag=vip"' in html


# --- The API ------------------------------------------------------------------------------------


def test_the_api_keeps_lists_and_deletes_views(client_for, manager):
    api = client_for(manager)
    created = api.post(
        "/api/client-views",
        {"name": "VIP", "filters": {"tag": "vip", "role": "customer"}},
        content_type=JSON,
    )
    assert created.status_code == 200, created.content
    body = created.json()
    assert body["filters"] == {"tag": "vip", "role": "customer"}
    assert [view["name"] for view in api.get("/api/client-views").json()] == ["VIP"]
    assert api.delete(f"/api/client-views/{body['id']}").status_code == 204
    assert api.get("/api/client-views").json() == []
    assert api.delete(f"/api/client-views/{body['id']}").status_code == 404


def test_the_api_refuses_a_bad_filter_with_a_problem(client_for, manager):
    api = client_for(manager)
    response = api.post(
        "/api/client-views",
        {"name": "VIP", "filters": {"region_id": 999_999}},
        content_type=JSON,
    )
    assert response.status_code == 400
    assert response.json()["code"] == "clients.view_bad_filter"
    assert not SavedView.objects.exists()


def test_customers_have_no_client_views(client_for, customer):
    assert client_for(customer).get("/api/client-views").status_code == 403
