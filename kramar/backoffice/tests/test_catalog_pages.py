"""The catalogue pages: products, variants, stock, pictures, groups, CSV (issue 3, item 1)."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from PIL import Image

from kramar.accounts.enums import Role
from kramar.catalog.enums import ImportStatus
from kramar.catalog.models import (
    Product,
    ProductGroup,
    ProductImage,
    ProductImport,
    Stock,
    Variant,
)
from kramar.catalog.services import product_image_add, stock_set
from kramar.catalog.tests.factories import (
    first_variant,
    make_attribute,
    make_group,
    make_product,
    make_warehouse,
)
from kramar.clients.tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def shop_manager(make_staff):
    return make_staff(Role.SHOP_MANAGER)


@pytest.fixture
def product():
    return make_product("Стілець Арко", group=make_group("Стільці", parent=make_group("Меблі")))


def picture(name="photo.png"):
    out = io.BytesIO()
    Image.new("RGB", (600, 400), (30, 120, 200)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def product_post(group, variants, *, existing=0, **fields):
    """Return the POST data of the product form with these variants' rows."""
    data = {
        "name": "Стіл Лофт",
        "group": group.pk,
        "brand": "",
        "supplier": "",
        "vat_rate": "20",
        "is_active": "on",
        "description": "",
        "variants-TOTAL_FORMS": len(variants),
        "variants-INITIAL_FORMS": existing,
        "variants-MIN_NUM_FORMS": 0,
        "variants-MAX_NUM_FORMS": 1000,
        **fields,
    }
    for index, row in enumerate(variants):
        row = {"is_active": "on", **row}
        for name, value in row.items():
            if value is not None:
                data[f"variants-{index}-{name}"] = value
    return data


# --- Who may do what ------------------------------------------------------------------------------


def test_anonymous_visitors_go_to_sign_in(product):
    for url in ("/office/catalog/", f"/office/catalog/products/{product.pk}/",
                "/office/catalog/groups/", "/office/catalog/imports/",
                "/office/catalog/export.csv"):  # fmt: skip
        response = HttpClient().get(url)
        assert response.status_code == 302
        assert "/office/login/" in response["Location"]


def test_customers_are_refused_every_catalogue_page(client_for, customer, product):
    client = client_for(customer)
    for url in ("/office/catalog/", f"/office/catalog/products/{product.pk}/",
                f"/office/catalog/products/{product.pk}/stock/", "/office/catalog/groups/",
                "/office/catalog/imports/"):  # fmt: skip
        assert client.get(url).status_code == 403
    assert (
        client.post("/office/catalog/groups/new/", {"name": "X", "position": 0}).status_code == 403
    )
    assert not ProductGroup.objects.filter(name="X").exists()


def test_a_sales_manager_reads_the_catalogue_but_changes_nothing(
    client_for, sales_manager, product
):
    client = client_for(sales_manager)
    variant = first_variant(product)
    group = product.group
    image = product_image_add(product=product, image=picture())
    for url in ("/office/catalog/", f"/office/catalog/products/{product.pk}/",
                f"/office/catalog/products/{product.pk}/stock/",
                f"/office/catalog/products/{product.pk}/images/", "/office/catalog/groups/",
                f"/office/catalog/groups/{group.pk}/"):  # fmt: skip
        assert client.get(url).status_code == 200, url
    page = client.get(f"/office/catalog/products/{product.pk}/")
    assert page.context["editable"] is False
    assert 'data-testid="read-only"' in page.content.decode()

    refused = [
        ("/office/catalog/products/new/", product_post(group, [{"sku": "N-1", "price": "5"}])),
        (
            f"/office/catalog/products/{product.pk}/",
            product_post(
                group,
                [{"variant": variant.pk, "sku": variant.sku, "price": "1"}],
                existing=1,
                name="Змінено",
            ),
        ),
        (f"/office/catalog/products/{product.pk}/stock/",
         {f"q-{variant.pk}-{make_warehouse().pk}": "99"}),
        (f"/office/catalog/products/{product.pk}/images/", {"image": picture(), "alt": "x"}),
        (f"/office/catalog/products/{product.pk}/images/{image.pk}/", {"action": "delete"}),
        ("/office/catalog/groups/new/", {"name": "Нова", "position": 0}),
        (f"/office/catalog/groups/{group.pk}/", {"name": "Змінено", "position": 0}),
        (f"/office/catalog/groups/{group.pk}/move/", {"parent": ""}),
        (f"/office/catalog/groups/{group.pk}/visibility/", {"is_active": "0"}),
        ("/office/catalog/imports/", {"file": SimpleUploadedFile("a.csv", b"sku,product\nA,B")}),
    ]  # fmt: skip
    for url, data in refused:
        assert client.post(url, data).status_code == 403, url
    assert client.get("/office/catalog/products/new/").status_code == 403
    assert client.get("/office/catalog/imports/").status_code == 403
    assert client.get("/office/catalog/export.csv").status_code == 403

    product.refresh_from_db()
    group.refresh_from_db()
    variant.refresh_from_db()
    assert (product.name, variant.price, group.name) == (
        "Стілець Арко",
        Decimal("100.00"),
        "Стільці",
    )
    assert group.is_active and group.parent is not None
    assert Product.objects.count() == 1 and ProductGroup.objects.count() == 2
    assert Stock.objects.get(variant=variant).quantity == 10
    assert list(ProductImage.objects.all()) == [image]
    assert not ProductImport.objects.exists()


def test_the_catalogue_is_in_the_navigation_of_the_staff_only(client_for, sales_manager):
    page = client_for(sales_manager).get("/office/")
    assert "/office/catalog/" in {item["url"] for item in page.context["office_navigation"]}


# --- The product list -----------------------------------------------------------------------------


def test_the_list_searches_by_name_or_sku_and_filters(client_for, shop_manager):
    chairs = make_group("Стільці", parent=make_group("Меблі"))
    lamps = make_group("Лампи")
    supplier = CompanyFactory(is_supplier=True, name="ТОВ «Постач»")
    chair = make_product("Стілець Арко", group=chairs, supplier=supplier)
    lamp = make_product("Лампа Світанок", group=lamps, stock=0)
    hidden = make_product("Стілець старий", group=chairs, is_active=False)
    client = client_for(shop_manager)

    def names(query):
        page = client.get(f"/office/catalog/?{query}")
        assert page.status_code == 200
        return {product.name for product, _path in page.context["rows"]}

    assert names("") == {chair.name, lamp.name, hidden.name}
    assert names("search=СТІЛЕЦЬ арко") == {chair.name}
    assert names(f"search={first_variant(lamp).sku}") == {lamp.name}
    assert names(f"group={chairs.parent_id}") == {chair.name, hidden.name}  # the subtree
    assert names("status=hidden") == {hidden.name}
    assert names("status=active") == {chair.name, lamp.name}
    assert names(f"supplier={supplier.pk}") == {chair.name}
    assert names("out_of_stock=on") == {lamp.name}
    html = client.get("/office/catalog/").content.decode()
    assert "Меблі / Стільці" in html
    assert "100,00 ₴" in html  # the office speaks Ukrainian by default


def test_search_through_htmx_returns_only_the_rows(client_for, shop_manager):
    make_product("Стілець Арко")
    response = client_for(shop_manager).get(
        "/office/catalog/?search=арко", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="product-rows"
    )
    html = response.content.decode()
    assert "Стілець Арко" in html and "<html" not in html


def test_the_list_costs_the_same_queries_for_5_products_as_for_50(client_for, shop_manager):
    supplier = CompanyFactory(is_supplier=True)
    groups = [make_group(f"Група {n}", parent=make_group()) for n in range(3)]
    client = client_for(shop_manager)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/office/catalog/").status_code == 200
        return len(captured)

    for number in range(5):
        make_product(group=groups[number % 3], supplier=supplier, variants=2)
    few = queries()
    for number in range(45):
        make_product(group=groups[number % 3], supplier=supplier, variants=2)
    assert queries() == few
    assert few <= 12


def test_pages_of_50_keep_the_filters(client_for, shop_manager):
    group = make_group("Зошити")
    for number in range(55):
        make_product(f"Зошит {number:02d}", group=group, stock=None)
    page = client_for(shop_manager).get(f"/office/catalog/?group={group.pk}&page=2")
    assert len(page.context["rows"]) == 5
    assert f"group={group.pk}&amp;page=1" in page.content.decode()


# --- A product and its variants -------------------------------------------------------------------


def test_a_shop_manager_creates_a_product_with_variants(client_for, shop_manager):
    make_attribute("size", "Розмір")
    supplier = CompanyFactory(is_supplier=True)
    group = make_group("Футболки")
    data = product_post(
        group,
        [
            {
                "sku": "F-S",
                "name": "S",
                "price": "1 299,50",
                "cost": "700",
                "attributes": "Розмір=S",
            },
            {"sku": "F-M", "name": "M", "price": "1349.5", "old_price": "1 500"},
            {},  # a blank row is left out
        ],
        name="Футболка Поло",
        supplier=supplier.pk,
        slug="polo",
    )
    response = client_for(shop_manager).post("/office/catalog/products/new/", data)
    product = Product.objects.get(slug="polo")
    assert response.status_code == 302
    assert response["Location"] == f"/office/catalog/products/{product.pk}/"
    assert product.supplier == supplier and product.price_from == Decimal("1299.50")
    small, medium = product.variants.order_by("position")
    assert (small.sku, small.cost, medium.old_price) == (
        "F-S",
        Decimal("700.00"),
        Decimal("1500.00"),
    )
    assert [v.value for v in small.values.all()] == ["S"]


def test_only_suppliers_are_offered_as_suppliers_m5(client_for, shop_manager):
    supplier = CompanyFactory(is_supplier=True)
    customer_company = CompanyFactory(is_supplier=False)
    client = client_for(shop_manager)
    form = client.get("/office/catalog/products/new/").context["form"]
    assert list(form.fields["supplier"].queryset) == [supplier]
    data = product_post(make_group(), [{"sku": "X-1", "price": "5"}], supplier=customer_company.pk)
    response = client.post("/office/catalog/products/new/", data)
    assert response.status_code == 400
    assert response.context["form"].errors["supplier"]
    assert not Product.objects.exists()


def test_a_refused_variant_shows_on_its_row_and_nothing_is_written(client_for, shop_manager):
    taken = first_variant(make_product())
    group = make_group("Столи")
    data = product_post(
        group,
        [{"sku": "NEW-1", "price": "10"}, {"sku": taken.sku, "price": "12"}],
        name="Стіл новий",
    )
    response = client_for(shop_manager).post("/office/catalog/products/new/", data)
    assert response.status_code == 400
    rows = response.context["variants"].forms
    assert rows[1].errors["sku"] and not rows[0].errors
    assert not Product.objects.filter(name="Стіл новий").exists()
    assert not Variant.objects.filter(sku="NEW-1").exists()


def test_a_taken_address_is_shown_on_its_field(client_for, shop_manager):
    make_product("Стіл", slug="stil")
    data = product_post(make_group(), [{"sku": "S-9", "price": "10"}], slug="stil")
    response = client_for(shop_manager).post("/office/catalog/products/new/", data)
    assert response.status_code == 400
    assert response.context["form"].errors["slug"]
    assert not Variant.objects.filter(sku="S-9").exists()


def test_bad_input_is_shown_on_the_form(client_for, shop_manager):
    data = product_post(
        make_group(),
        [{"sku": "A", "price": "дорого", "attributes": "Вага=5"}],
    )
    response = client_for(shop_manager).post("/office/catalog/products/new/", data)
    assert response.status_code == 400
    row = response.context["variants"].forms[0]
    assert row.errors["price"] and row.errors["attributes"]
    nothing = product_post(make_group(), [{}])
    response = client_for(shop_manager).post("/office/catalog/products/new/", nothing)
    assert response.context["variants"].non_form_errors()


def test_editing_changes_the_product_its_variants_and_adds_one(client_for, shop_manager):
    product = make_product("Стілець", variants=2)
    first, second = product.variants.order_by("position")
    data = product_post(
        product.group,
        [
            {"variant": first.pk, "sku": first.sku, "price": "150", "name": "дуб"},
            {"variant": second.pk, "sku": "RENAMED", "price": "160", "is_active": None},
            {"sku": "ADDED", "price": "170"},
        ],
        existing=2,
        name="Стілець новий",
    )
    response = client_for(shop_manager).post(f"/office/catalog/products/{product.pk}/", data)
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.name == "Стілець новий" and product.price_from == Decimal("150.00")
    second.refresh_from_db()
    assert (second.sku, second.is_active) == ("RENAMED", False)
    assert product.variants.filter(sku="ADDED", position=2).exists()


def test_a_refused_edit_leaves_the_product_as_it_was(client_for, shop_manager):
    product = make_product("Стілець", variants=2)
    first, second = product.variants.order_by("position")
    data = product_post(
        product.group,
        [
            {"variant": first.pk, "sku": first.sku, "price": "150"},
            {"variant": second.pk, "sku": second.sku, "price": "0"},
        ],
        existing=2,
        name="Стілець новий",
    )
    response = client_for(shop_manager).post(f"/office/catalog/products/{product.pk}/", data)
    assert response.status_code == 400
    assert response.context["variants"].forms[1].errors["price"]
    product.refresh_from_db()
    first.refresh_from_db()
    assert product.name == "Стілець" and first.price == Decimal("100.00")


def test_a_variant_of_another_product_cannot_be_slipped_in(client_for, shop_manager):
    product, other = make_product(), make_product()
    foreign = first_variant(other)
    data = product_post(
        product.group,
        [{"variant": foreign.pk, "sku": foreign.sku, "price": "1"}],
        existing=1,
    )
    response = client_for(shop_manager).post(f"/office/catalog/products/{product.pk}/", data)
    assert response.status_code == 400
    foreign.refresh_from_db()
    assert foreign.price == Decimal("100.00")


# --- Stock and pictures ---------------------------------------------------------------------------


def test_stock_is_counted_per_warehouse(client_for, shop_manager, product):
    variant = first_variant(product)
    main, lviv = make_warehouse(), make_warehouse("lviv")
    response = client_for(shop_manager).post(
        f"/office/catalog/products/{product.pk}/stock/",
        {f"q-{variant.pk}-{main.pk}": "12", f"q-{variant.pk}-{lviv.pk}": "3"},
    )
    assert response.status_code == 302
    held = {s.warehouse.code: s.quantity for s in Stock.objects.filter(variant=variant)}
    assert held == {"main": 12, "lviv": 3}


def test_a_count_below_what_orders_were_promised_is_refused_with_its_reason(
    client_for, shop_manager, product
):
    variant = first_variant(product)
    main, lviv = make_warehouse(), make_warehouse("lviv")
    Stock.objects.filter(variant=variant, warehouse=main).update(allocated=4)
    response = client_for(shop_manager).post(
        f"/office/catalog/products/{product.pk}/stock/",
        {f"q-{variant.pk}-{main.pk}": "2", f"q-{variant.pk}-{lviv.pk}": "7"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "4" in html and 'aria-invalid="true"' in html
    assert Stock.objects.get(variant=variant, warehouse=main).quantity == 10
    assert not Stock.objects.filter(warehouse=lviv).exists()  # all or nothing
    bad = client_for(shop_manager).post(
        f"/office/catalog/products/{product.pk}/stock/", {f"q-{variant.pk}-{lviv.pk}": "-1"}
    )
    assert bad.status_code == 400 and not Stock.objects.filter(warehouse=lviv).exists()


def test_pictures_are_uploaded_described_reordered_and_deleted(client_for, shop_manager, product):
    client = client_for(shop_manager)
    url = f"/office/catalog/products/{product.pk}/images/"
    for name in ("a.png", "b.png"):
        assert client.post(url, {"image": picture(name), "alt": name}).status_code == 302
    first, second = product.images.order_by("position")
    assert first.thumbnail.name.endswith(".webp")
    assert client.get(url).status_code == 200
    client.post(f"{url}{second.pk}/", {"action": "up"})
    assert list(product.images.order_by("position")) == [second, first]
    client.post(f"{url}{first.pk}/", {"action": "alt", "alt": "Вид збоку"})
    first.refresh_from_db()
    assert first.alt == "Вид збоку"
    client.post(f"{url}{first.pk}/", {"action": "delete"})
    assert list(product.images.all()) == [second]


def test_a_file_that_is_not_a_picture_is_shown_as_an_error(client_for, shop_manager, product):
    response = client_for(shop_manager).post(
        f"/office/catalog/products/{product.pk}/images/",
        {"image": SimpleUploadedFile("x.png", b"not a picture")},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["image"]
    assert not product.images.exists()


def test_a_picture_of_another_product_is_not_found(client_for, shop_manager, product):
    image = product_image_add(product=make_product(), image=picture())
    response = client_for(shop_manager).post(
        f"/office/catalog/products/{product.pk}/images/{image.pk}/", {"action": "delete"}
    )
    assert response.status_code == 404
    assert ProductImage.objects.filter(pk=image.pk).exists()


# --- Groups ---------------------------------------------------------------------------------------


def test_the_group_tree_is_indented_and_groups_are_created(client_for, shop_manager):
    furniture = make_group("Меблі")
    make_group("Стільці", parent=furniture)
    client = client_for(shop_manager)
    response = client.post(
        "/office/catalog/groups/new/",
        {"name": "Табурети", "parent": furniture.pk, "position": 1, "is_active": "on"},
    )
    assert response.status_code == 302
    stools = ProductGroup.objects.get(name="Табурети")
    assert stools.parent == furniture and stools.depth == 1
    page = client.get("/office/catalog/groups/")
    assert [g.name for g in page.context["groups"]] == ["Меблі", "Стільці", "Табурети"]
    assert 'data-depth="1"' in page.content.decode()


def test_a_group_is_renamed_hidden_and_moved_but_never_under_itself(client_for, shop_manager):
    top = make_group("Меблі")
    child = make_group("Стільці", parent=top)
    kitchen = make_group("Кухня")
    client = client_for(shop_manager)
    client.post(
        f"/office/catalog/groups/{child.pk}/",
        {"name": "Стільці та табурети", "description": "Для дому", "position": 2},
    )
    child.refresh_from_db()
    assert (child.name, child.description, child.is_active) == (
        "Стільці та табурети",
        "Для дому",
        False,
    )
    client.post(f"/office/catalog/groups/{child.pk}/visibility/", {"is_active": "1"})
    child.refresh_from_db()
    assert child.is_active
    refused = client.post(f"/office/catalog/groups/{top.pk}/move/", {"parent": child.pk})
    assert refused.status_code == 400
    assert refused.context["move_form"].errors["parent"]
    top.refresh_from_db()
    assert top.parent is None
    client.post(f"/office/catalog/groups/{child.pk}/move/", {"parent": kitchen.pk})
    child.refresh_from_db()
    assert child.parent == kitchen and child.path == f"{kitchen.pk}.{child.pk}."


# --- CSV ------------------------------------------------------------------------------------------


def test_the_export_streams_a_row_per_variant_of_the_filtered_products(client_for, shop_manager):
    chairs = make_group("Стільці")
    make_product("Стілець", group=chairs, variants=2)
    make_product("Лампа", group=make_group("Лампи"))
    response = client_for(shop_manager).get(f"/office/catalog/export.csv?group={chairs.pk}")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode().strip().splitlines()
    assert lines[0].startswith("sku,product,slug,group,")
    assert len(lines) == 3 and all(",Стілець," in line for line in lines[1:])
    spreadsheet = client_for(shop_manager).get("/office/catalog/export.csv?flavour=spreadsheet")
    text = b"".join(spreadsheet.streaming_content).decode()
    assert text.startswith("\ufeffsku;product;") and ";100,00;" in text


def test_an_upload_is_imported_by_the_worker_and_the_page_polls_until_done(
    client_for, shop_manager, settings, django_capture_on_commit_callbacks
):
    make_warehouse("kyiv")
    client = client_for(shop_manager)
    text = "\n".join(
        [
            "sku;product;group;price;stock",
            "U-1;Ручка;Канцелярія;12,50;kyiv=4",
            "U-2;Ручка;Папір;-1;",
        ]
    )
    upload = SimpleUploadedFile("pens.csv", text.encode())
    response = client.post("/office/catalog/imports/", {"file": upload})  # the worker waits
    job = ProductImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/office/catalog/imports/{job.pk}/"
    assert job.created_by == shop_manager and job.total_rows == 2

    waiting = client.get(f"/office/catalog/imports/{job.pk}/", HTTP_HX_REQUEST="true")
    html = waiting.content.decode()
    assert 'hx-trigger="every 1s"' in html and "<html" not in html

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/office/catalog/imports/", {"file": SimpleUploadedFile("p.csv", text.encode())}
        )
    done = ProductImport.objects.latest("pk")
    assert done.status == ImportStatus.DONE
    page = client.get(f"/office/catalog/imports/{done.pk}/", HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert "hx-trigger" not in html  # the polling stops
    assert 'data-testid="import-errors"' in html and "price" in html
    assert Variant.objects.get(sku="U-1").price == Decimal("12.50")
    assert client.get("/office/catalog/imports/").status_code == 200


def test_an_unreadable_upload_is_refused_on_the_form(client_for, shop_manager):
    response = client_for(shop_manager).post(
        "/office/catalog/imports/",
        {"file": SimpleUploadedFile("x.csv", b"name;colour\nA;B")},
    )
    assert response.status_code == 400
    assert "sku" in str(response.context["form"].errors["file"])
    assert not ProductImport.objects.exists()


def test_stock_of_a_variant_follows_the_import(client_for, shop_manager, product):
    """The import and the stock page meet in stock_set: what one writes the other shows."""
    variant = first_variant(product)
    stock_set(variant=variant, warehouse=make_warehouse("kyiv"), quantity=3)
    page = client_for(shop_manager).get(f"/office/catalog/products/{product.pk}/stock/")
    assert f'name="q-{variant.pk}-' in page.content.decode()
    assert 'value="3"' in page.content.decode()
