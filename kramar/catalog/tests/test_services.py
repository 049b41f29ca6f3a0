"""Catalogue services: the tree, products and variants, stock, images (issue 3)."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from kramar.catalog.models import Product, ProductGroup, Stock, Variant
from kramar.catalog.selectors import available_quantities, group_ancestors, groups_in_shop
from kramar.catalog.services import (
    VariantData,
    group_create,
    group_move,
    product_create,
    product_image_add,
    product_update,
    stock_receive,
    stock_set,
    variant_update,
)
from kramar.catalog.tests.factories import first_variant, make_group, make_product, make_warehouse
from kramar.catalog.text import fold_text, slugify_uk
from kramar.clients.tests.factories import CompanyFactory
from kramar.core.errors import ApplicationError

pytestmark = pytest.mark.django_db


def test_ukrainian_names_become_official_latin_addresses():
    assert slugify_uk("Стілець Згорани") == "stilets-zghorany"
    assert slugify_uk("Юлія їжак") == "yuliia-yizhak"
    assert slugify_uk("Подушка ортопедична") == "podushka-ortopedychna"
    assert fold_text("  ЗЕЛЕНИЙ   Чай’ ") == "зелений чай"
    assert fold_text("Café Їжак") == "cafe іжак"  # accents go, й stays


def test_groups_form_a_tree_and_move_with_their_subtree():
    furniture = group_create(name="Меблі")
    chairs = group_create(name="Стільці", parent=furniture)
    stools = group_create(name="Табурети", parent=chairs)
    assert stools.path == f"{furniture.pk}.{chairs.pk}.{stools.pk}."
    assert stools.depth == 2
    assert [g.name for g in group_ancestors(stools)] == ["Меблі", "Стільці"]
    kitchen = group_create(name="Кухня")
    group_move(group=chairs, parent=kitchen)
    stools.refresh_from_db()
    assert stools.path == f"{kitchen.pk}.{chairs.pk}.{stools.pk}."
    assert stools.depth == 2


def test_a_group_cannot_move_under_itself():
    top = make_group("Верх")
    below = make_group("Низ", parent=top)
    with pytest.raises(ApplicationError) as refused:
        group_move(group=top, parent=below)
    assert refused.value.code == "catalog.group_cycle"
    below.refresh_from_db()
    assert below.path.startswith(f"{top.pk}.")


def test_a_hidden_group_hides_its_whole_subtree_from_the_shop():
    top = make_group("Сховане")
    child = make_group("Дитина", parent=top)
    other = make_group("Видиме")
    ProductGroup.objects.filter(pk=top.pk).update(is_active=False)
    assert set(groups_in_shop()) == {other}
    assert child not in groups_in_shop()


def test_a_product_keeps_its_lowest_price_and_search_text():
    group = make_group("Футболки", parent=make_group("Одяг"))
    product = product_create(
        group=group,
        name="Футболка Карпати",
        brand="Карпати",
        variants=[
            VariantData(sku="TS-1", price="499.00", name="M"),
            VariantData(sku="TS-2", price="459", name="S"),
        ],
    )
    assert product.slug == "futbolka-karpaty"
    assert product.price_from == Decimal("459.00")
    assert "одяг" in product.search_document and "ts-2" in product.search_document
    variant_update(variant=Variant.objects.get(sku="TS-2"), is_active=False)
    product.refresh_from_db()
    assert product.price_from == Decimal("499.00")


@pytest.mark.parametrize(
    ("variants", "code"),
    [
        ([], "catalog.bad_price"),
        ([VariantData(sku="A", price="0")], "catalog.bad_price"),
        ([VariantData(sku="A", price="-5")], "catalog.bad_price"),
        ([VariantData(sku="A", price="abc")], "catalog.bad_price"),
        ([VariantData(sku="", price="10")], "catalog.sku_taken"),
        ([VariantData(sku="A", price="10"), VariantData(sku="A", price="10")], "catalog.sku_taken"),
    ],
)
def test_a_product_with_bad_variants_is_refused_whole(variants, code):
    with pytest.raises(ApplicationError) as refused:
        product_create(group=make_group(), name="Погано", variants=variants)
    assert refused.value.code == code
    assert not Product.objects.exists()
    assert not Variant.objects.exists()


def test_only_a_supplier_supplies_m5():
    customer_company = CompanyFactory(is_supplier=False)
    with pytest.raises(ApplicationError) as refused:
        make_product(supplier=customer_company)
    assert refused.value.code == "catalog.not_a_supplier"
    supplier = CompanyFactory(is_supplier=True)
    product = make_product(supplier=supplier)
    with pytest.raises(ApplicationError):
        product_update(product=product, supplier=customer_company)
    assert Product.objects.get(pk=product.pk).supplier == supplier


def test_stock_is_counted_per_warehouse_and_never_below_what_is_promised():
    product = make_product(stock=5)
    variant = first_variant(product)
    lviv = make_warehouse("lviv")
    stock_receive(variant=variant, warehouse=lviv, quantity=3)
    assert available_quantities([variant.pk]) == {variant.pk: 8}
    Stock.objects.filter(variant=variant, warehouse=lviv).update(allocated=2)
    with pytest.raises(ApplicationError) as refused:
        stock_set(variant=variant, warehouse=lviv, quantity=1)
    assert refused.value.code == "catalog.below_allocated"
    with pytest.raises(ApplicationError):
        stock_set(variant=variant, warehouse=lviv, quantity=-1)
    assert available_quantities([variant.pk]) == {variant.pk: 6}


def test_the_database_itself_refuses_to_promise_more_than_is_on_hand():
    from django.db import IntegrityError, transaction

    stock = Stock.objects.get(variant=first_variant(make_product(stock=2)))
    with pytest.raises(IntegrityError), transaction.atomic():
        Stock.objects.filter(pk=stock.pk).update(allocated=3)


def _picture(size=(1200, 800), fmt="PNG"):
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt)
    return ContentFile(out.getvalue(), name="photo.png")


def test_an_image_gets_a_square_webp_thumbnail(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    product = make_product()
    image = product_image_add(product=product, image=_picture(), alt="Червоний")
    with Image.open(image.thumbnail.path) as thumb:
        assert thumb.format == "WEBP"
        assert thumb.size == (400, 400)
    assert image.image.name.startswith("products/")


def test_a_file_that_is_not_a_picture_is_refused(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    product = make_product()
    with pytest.raises(ApplicationError) as refused:
        product_image_add(product=product, image=ContentFile(b"not an image", name="x.png"))
    assert refused.value.code == "catalog.bad_image"
    assert not product.images.exists()


# --- What the back office writes (issue 3, item 1) ----------------------------------------------


def test_renaming_a_group_rewrites_the_search_text_below_it():
    from kramar.catalog.services import group_update

    top = make_group("Меблі")
    product = make_product("Стілець", group=make_group("Стільці", parent=top))
    group_update(group=top, name="  Меблі   для дому ", description=" Усе для дому ")
    top.refresh_from_db()
    product.refresh_from_db()
    assert (top.name, top.description) == ("Меблі для дому", "Усе для дому")
    assert "меблі для дому" in product.search_document


def test_a_hidden_group_can_be_shown_again_and_nothing_else_is_changed_through_update():
    from kramar.catalog.services import group_update

    group = make_group("Сезонне")
    group_update(group=group, is_active=False)
    assert group not in groups_in_shop()
    group_update(group=group, is_active=True)
    assert group in groups_in_shop()
    for bad in ({"name": "  "}, {"position": -1}, {"parent": None}, {"slug": "x"}):
        with pytest.raises(ApplicationError):
            group_update(group=group, **bad)
    group.refresh_from_db()
    assert group.name == "Сезонне"


def test_moving_a_group_rewrites_the_search_text_of_its_products():
    kitchen = make_group("Кухня")
    chairs = make_group("Стільці", parent=make_group("Меблі"))
    product = make_product("Табурет", group=chairs)
    group_move(group=chairs, parent=kitchen)
    product.refresh_from_db()
    assert "кухня" in product.search_document and "меблі" not in product.search_document


def test_a_variant_changes_its_sku_and_attribute_values():
    from kramar.catalog.models import Attribute
    from kramar.catalog.services import attribute_value

    product = make_product(variants=2)
    first, second = product.variants.order_by("position")
    colour = Attribute.objects.create(code="colour", name="Колір")
    black = attribute_value(attribute=colour, value="чорний")
    variant_update(variant=first, sku="NEW-1", values=[black])
    first.refresh_from_db()
    assert first.sku == "NEW-1" and list(first.values.all()) == [black]
    product.refresh_from_db()
    assert "new-1" in product.search_document and "чорний" in product.search_document
    with pytest.raises(ApplicationError) as refused:
        variant_update(variant=second, sku="NEW-1")
    assert refused.value.code == "catalog.sku_taken"


def test_the_product_form_saves_a_product_with_its_variants_all_or_nothing():
    from kramar.catalog.models import Attribute
    from kramar.catalog.services import VariantChange, product_save

    size = Attribute.objects.create(code="size", name="Розмір")
    group = make_group("Футболки")
    product = product_save(
        product=None,
        fields={"group": group, "name": "Футболка", "brand": "Мрія"},
        variants=[
            VariantChange(sku="F-S", price="300", name="S", attributes=[(size, "S")]),
            VariantChange(sku="F-M", price="320", name="M", attributes=[(size, "M")]),
        ],
    )
    assert product.price_from == Decimal("300.00")
    small, medium = product.variants.order_by("position")
    with pytest.raises(ApplicationError) as refused:
        product_save(
            product=product,
            fields={"name": "Футболка нова"},
            variants=[
                VariantChange(variant=small, sku="F-S", price="310", name="S"),
                VariantChange(variant=medium, sku="F-M", price="-1", name="M"),
                VariantChange(sku="F-L", price="330", name="L"),
            ],
        )
    assert refused.value.extra == {"field": "price", "variant": 1}
    product.refresh_from_db()
    small.refresh_from_db()
    assert product.name == "Футболка" and small.price == Decimal("300.00")
    assert not Variant.objects.filter(sku="F-L").exists()
    assert list(small.values.values_list("value", flat=True)) == ["S"]


def test_a_new_product_refused_for_its_second_variant_is_not_written():
    from kramar.catalog.services import VariantChange, product_save

    with pytest.raises(ApplicationError) as refused:
        product_save(
            product=None,
            fields={"group": make_group(), "name": "Лампа"},
            variants=[
                VariantChange(sku="L-1", price="100"),
                VariantChange(sku="L-1", price="120"),
            ],
        )
    assert refused.value.extra["variant"] == 1
    assert not Product.objects.exists()


def test_a_stock_count_saves_every_cell_or_none():
    from kramar.catalog.services import StockCount, stock_count

    product = make_product(stock=5, variants=2)
    first, second = product.variants.order_by("position")
    main, lviv = make_warehouse(), make_warehouse("lviv")
    Stock.objects.filter(variant=second, warehouse=main).update(allocated=4)
    with pytest.raises(ApplicationError) as refused:
        stock_count(
            counts=[
                StockCount(variant=first, warehouse=lviv, quantity=9),
                StockCount(variant=second, warehouse=main, quantity=2),
            ]
        )
    assert refused.value.extra["refused"][0]["variant"] == second.pk
    assert not Stock.objects.filter(warehouse=lviv).exists()
    stock_count(counts=[StockCount(variant=first, warehouse=lviv, quantity=9)])
    assert Stock.objects.get(warehouse=lviv).quantity == 9


def test_pictures_are_described_reordered_and_deleted_with_their_files(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    from kramar.catalog.services import (
        product_image_delete,
        product_image_move,
        product_image_update,
    )

    settings.MEDIA_ROOT = tmp_path
    product = make_product()
    one, two, three = (product_image_add(product=product, image=_picture()) for _ in range(3))
    product_image_update(image=two, alt="  Вид   збоку ")
    assert [p.pk for p in product_image_move(image=three, offset=-5)] == [three.pk, one.pk, two.pk]
    files = [Path(one.image.path), Path(one.thumbnail.path)]
    with django_capture_on_commit_callbacks(execute=True):  # the files go when it commits
        product_image_delete(image=one)
    assert not any(path.exists() for path in files)
    assert list(product.images.order_by("position").values_list("pk", "position", "alt")) == [
        (three.pk, 0, ""),
        (two.pk, 1, "Вид збоку"),
    ]
