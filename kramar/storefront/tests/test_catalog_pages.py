"""The shop's catalogue pages (issue 3, M6, M10): a group with facets, search, a product.

Texts are checked through the context and data attributes, not the words on the page: the
integrator translates the new strings later, and a test should not break on a translation.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext

from kramar.catalog.models import Attribute, ProductGroup, SearchRecord
from kramar.catalog.services import (
    VariantData,
    attribute_value,
    product_create,
    product_update,
    stock_set,
)
from kramar.catalog.tests.factories import make_group, make_product, make_warehouse
from kramar.clients.tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [card.name for card in response.context["cards"]]


@pytest.fixture
def colour():
    return Attribute.objects.create(code="colour", name="Колір")


def make_shirt(name, group, colours, *, price="500.00", stock=5, **fields):
    """Make a product with one variant per colour, each with ``stock`` units."""
    attribute = Attribute.objects.get(code="colour")
    product = product_create(
        group=group,
        name=name,
        variants=[
            VariantData(
                sku=f"{name}-{c}"[:60],
                price=Decimal(price),
                name=c,
                values=[attribute_value(attribute=attribute, value=c)],
            )
            for c in colours
        ],
        **fields,
    )
    for variant in product.variants.all():
        stock_set(variant=variant, warehouse=make_warehouse(), quantity=stock)
    return product


@pytest.fixture
def clothes(colour):
    top = make_group("Одяг")
    shirts = make_group("Сорочки", parent=top)
    jackets = make_group("Куртки", parent=top)
    make_shirt("Сорочка біла", shirts, ["білий"], price="700.00")
    make_shirt("Сорочка чорна", shirts, ["чорний", "білий"], price="900.00", stock=0)
    make_shirt("Куртка чорна", jackets, ["чорний"], price="3000.00")
    return {"top": top, "shirts": shirts, "jackets": jackets}


# --- A group's page -----------------------------------------------------------------------------


def test_a_group_shows_the_goods_of_its_whole_subtree_with_breadcrumbs_and_subgroups(clothes):
    response = Browser().get("/c/odiah/")
    assert response.status_code == 200
    assert set(names(response)) == {"Сорочка біла", "Сорочка чорна", "Куртка чорна"}
    assert [g.name for g in response.context["subgroups"]] == ["Куртки", "Сорочки"]
    shirts = Browser().get("/c/sorochky/")
    assert [g.name for g in shirts.context["ancestors"]] == ["Одяг"]
    html = shirts.content.decode()
    assert 'aria-current="page"' in html and 'href="/c/odiah/"' in html


def test_facets_count_the_goods_in_view(clothes):
    facets = Browser().get("/c/odiah/").context["facets"]
    assert (facets.price_low, facets.price_high) == (Decimal("700.00"), Decimal("3000.00"))
    assert facets.in_stock == 2
    [colours] = facets.attributes
    assert {v.label: v.count for v in colours.values} == {"білий": 2, "чорний": 2}


def test_choosing_a_value_narrows_the_goods_but_its_own_facet_still_counts_the_others(clothes):
    response = Browser().get("/c/odiah/?value=colour:chornyi")
    assert set(names(response)) == {"Сорочка чорна", "Куртка чорна"}
    [colours] = response.context["facets"].attributes
    counts = {v.label: (v.count, v.chosen) for v in colours.values}
    assert counts == {"білий": (2, False), "чорний": (2, True)}
    assert response.context["facets"].in_stock == 1


def test_values_of_one_attribute_are_alternatives(clothes):
    response = Browser().get("/c/odiah/?value=colour:chornyi&value=colour:bilyi")
    assert len(names(response)) == 3


def test_in_stock_only_and_a_price_range_narrow_the_goods(clothes):
    assert set(names(Browser().get("/c/odiah/?in_stock=on"))) == {"Сорочка біла", "Куртка чорна"}
    narrowed = Browser().get("/c/odiah/?price_min=800&price_max=3000")
    assert set(names(narrowed)) == {"Сорочка чорна", "Куртка чорна"}


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("price", ["Сорочка біла", "Сорочка чорна", "Куртка чорна"]),
        ("-price", ["Куртка чорна", "Сорочка чорна", "Сорочка біла"]),
        ("name", ["Куртка чорна", "Сорочка біла", "Сорочка чорна"]),
        ("newest", ["Куртка чорна", "Сорочка чорна", "Сорочка біла"]),
    ],
)
def test_the_goods_are_sorted_as_asked(clothes, sort, expected):
    assert names(Browser().get(f"/c/odiah/?sort={sort}")) == expected


@pytest.mark.parametrize(
    "query",
    [
        "price_min=abc&price_max=-5",
        "price_min=NaN&price_max=Infinity",
        "price_min=1e400",
        "price_min=3000&price_max=10",
        "sort=bogus",
        "sort=relevance",
        "in_stock=maybe",
        "value=%00&value=colour:&value=" + "x" * 500,
        "page=-1",
        "page=abc",
        "page=99999999999999999999999999",
        "q=%00",
    ],
)
def test_bad_filters_are_ignored_and_the_page_still_answers(clothes, query):
    response = Browser().get(f"/c/odiah/?{query}")
    assert response.status_code == 200
    assert response.context["cards"]


def test_a_price_range_upside_down_says_so_next_to_the_prices(clothes):
    response = Browser().get("/c/odiah/?price_min=3000&price_max=10")
    assert response.context["form"].errors["price_max"]
    assert 'aria-invalid="true"' in response.content.decode()


def test_an_unknown_value_leaves_nothing_rather_than_everything(clothes):
    response = Browser().get("/c/odiah/?value=colour:zelenyi")
    assert response.status_code == 200
    assert names(response) == []


def test_pages_hold_24_goods(colour):
    group = make_group("Ковдри")
    for number in range(30):
        make_product(f"Ковдра {number:02d}", group=group)
    first = Browser().get("/c/kovdry/?sort=name")
    assert len(names(first)) == 24
    second = Browser().get("/c/kovdry/?sort=name&page=2")
    assert names(second) == [f"Ковдра {n:02d}" for n in range(24, 30)]
    assert Browser().get("/c/kovdry/?page=999").context["page"].number == 2


def test_htmx_gets_the_results_alone_and_the_address_follows(clothes):
    response = Browser().get(
        "/c/odiah/?sort=price", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="catalog-results"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'data-testid="product-grid"' in html
    full = Browser().get("/c/odiah/").content.decode()
    assert 'hx-push-url="true"' in full and 'id="catalog-results"' in full
    # Without JavaScript the same form submits as a plain GET.
    assert 'method="get" action="/c/odiah/"' in full


def test_a_group_page_costs_the_same_queries_for_few_goods_and_for_many(colour):
    group = make_group("Сорочки")
    make_shirt("Сорочка 0", group, ["білий", "чорний"])

    def queries(url):
        browser = Browser()
        browser.get(url)  # the session and the first connection
        with CaptureQueriesContext(connection) as counted:
            assert browser.get(url).status_code == 200
        return len(counted)

    url = "/c/sorochky/?value=colour:bilyi&in_stock=on"
    few = queries(url)
    for number in range(1, 40):
        make_shirt(f"Сорочка {number}", group, ["білий", "чорний"])
    assert queries(url) == few
    assert few <= 14


def test_facets_are_kept_for_a_while_when_caching_is_on(clothes, settings):
    settings.KRAMAR_FACETS_CACHE_SECONDS = 60
    from django.core.cache import cache

    cache.clear()
    browser = Browser()
    browser.get("/c/odiah/")
    with CaptureQueriesContext(connection) as counted:
        browser.get("/c/odiah/")
    assert not any("GROUP BY" in q["sql"] for q in counted)
    cache.clear()


def test_hidden_goods_and_groups_are_never_shown(clothes):
    jacket = make_shirt("Куртка знята", clothes["jackets"], ["білий"])
    product_update(product=jacket, is_active=False)
    ProductGroup.objects.filter(pk=clothes["shirts"].pk).update(is_active=False)
    response = Browser().get("/c/odiah/")
    assert names(response) == ["Куртка чорна"]
    assert [g.name for g in response.context["subgroups"]] == ["Куртки"]
    assert Browser().get("/c/sorochky/").status_code == 404
    assert Browser().get(f"/p/{jacket.slug}/").status_code == 404
    assert Browser().get("/search/?q=сорочка").context["listing"].total == 0


def test_an_unknown_group_is_404():
    assert Browser().get("/c/nema-takoi/").status_code == 404


# --- Search -------------------------------------------------------------------------------------


def test_search_lists_the_best_match_first_with_the_same_facets(clothes):
    response = Browser().get("/search/?q=сорочки")
    assert response.status_code == 200
    assert set(names(response)) == {"Сорочка біла", "Сорочка чорна"}
    assert response.context["listing"].sort == "relevance"
    assert response.context["facets"].attributes


def test_a_fresh_search_is_recorded_but_not_its_pages_or_filters(clothes, customer, client_for):
    browser = client_for(customer)
    browser.get("/search/?q=Сорочки")
    browser.get("/search/?q=Сорочки&sort=price")
    browser.get("/search/?q=Сорочки", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="catalog-results")
    record = SearchRecord.objects.get()
    assert (record.query, record.normalized, record.results) == ("Сорочки", "сорочки", 2)
    assert record.user == customer
    assert record.session_key == browser.session.session_key


def test_a_search_with_a_typo_says_it_shows_similar_words(clothes):
    response = Browser().get("/search/?q=сорчка")
    assert set(names(response)) == {"Сорочка біла", "Сорочка чорна"}
    assert 'data-testid="search-mode"' in response.content.decode()


@pytest.mark.parametrize("query", ["", "   ", "!!!", "%00", "а", "x" * 1000])
def test_an_empty_or_junk_search_gets_a_helpful_page(clothes, query):
    response = Browser().get(f"/search/?q={query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="search-help"' in html or 'data-testid="search-nothing"' in html
    assert 'href="/c/odiah/"' in html  # somewhere to go from here


def test_suggestions_offer_goods_and_groups_as_one_types(clothes):
    response = Browser().get("/search/suggest/?q=сороч")
    html = response.content.decode()
    assert "Сорочка біла" in html and 'href="/c/sorochky/"' in html
    assert not SearchRecord.objects.exists()
    assert Browser().get("/search/suggest/?q=").content.strip() == b""


# --- A product ----------------------------------------------------------------------------------


@pytest.fixture
def coat(colour):
    group = make_group("Пальта", parent=make_group("Верхній одяг"))
    attribute = Attribute.objects.get(code="colour")
    product = product_create(
        group=group,
        name="Пальто Говерла",
        description="Тепле пальто.\n\nДля зими.",
        supplier=CompanyFactory(name="ТОВ «Секретний постачальник»", is_supplier=True),
        variants=[
            VariantData(
                sku=f"PG-{c}",
                price=Decimal("4000.00"),
                old_price=Decimal("4800.00"),
                name="",
                values=[attribute_value(attribute=attribute, value=c)],
            )
            for c in ("чорний", "сірий", "синій")
        ],
    )
    black, grey, blue = product.variants.order_by("position")
    warehouse = make_warehouse()
    stock_set(variant=black, warehouse=warehouse, quantity=40)
    stock_set(variant=grey, warehouse=warehouse, quantity=3)
    stock_set(variant=blue, warehouse=warehouse, quantity=0)
    return product


def test_a_product_page_shows_what_a_buyer_needs(coat):
    response = Browser().get(f"/p/{coat.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Пальто Говерла" in html and "<del>" in html and "4800,00" in html
    assert response.context["vat"] == Decimal("666.67")
    assert [a.name for a in response.context["ancestors"]] == ["Верхній одяг", "Пальта"]
    offers = response.context["offers"]
    availability = {o.variant.sku: (o.availability, o.available) for o in offers}
    assert availability == {
        "PG-чорний": ("in_stock", 40),
        "PG-сірий": ("few_left", 3),
        "PG-синій": ("out_of_stock", 0),
    }
    assert 'data-availability="few_left"' in html and 'data-availability="out_of_stock"' in html
    assert html.count('type="radio" ') == 3
    assert "<p>Для зими.</p>" in html


def test_the_supplier_is_never_shown_to_customers(coat):
    html = Browser().get(f"/p/{coat.slug}/").content.decode()
    assert "Секретний постачальник" not in html


def test_the_add_to_cart_form_works_with_htmx_and_without(coat):
    html = Browser().get(f"/p/{coat.slug}/").content.decode()
    assert 'action="/cart/add/"' in html and 'hx-post="/cart/add/"' in html
    assert 'hx-target="#kr-cart-status"' in html
    grey = coat.variants.get(sku="PG-сірий")
    browser = Browser()
    plain = browser.post(
        "/cart/add/", {"variant_id": grey.pk, "quantity": 1, "next": f"/p/{coat.slug}/"}
    )
    assert plain.status_code == 302 and plain["Location"] == f"/p/{coat.slug}/"
    htmx = browser.post(
        "/cart/add/", {"variant_id": grey.pk, "quantity": 1}, HTTP_HX_REQUEST="true"
    )
    assert 'hx-swap-oob="true"' in htmx.content.decode()


def test_an_out_of_stock_variant_cannot_be_chosen(coat):
    html = Browser().get(f"/p/{coat.slug}/").content.decode()
    blue = coat.variants.get(sku="PG-синій")
    assert f'value="{blue.pk}" disabled' in html


def test_a_hidden_product_or_one_in_a_hidden_group_is_404(coat):
    assert Browser().get(f"/p/{coat.slug}/").status_code == 200
    ProductGroup.objects.filter(pk=coat.group.parent_id).update(is_active=False)
    assert Browser().get(f"/p/{coat.slug}/").status_code == 404
    assert Browser().get("/p/nema-takoho/").status_code == 404
