"""The catalogue's CSV: export a row per variant, import the same columns by SKU, row by row."""

import io
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from kramar.catalog import exports, imports
from kramar.catalog.enums import ImportStatus
from kramar.catalog.models import (
    AttributeValue,
    Product,
    ProductGroup,
    ProductImport,
    Stock,
    Variant,
)
from kramar.catalog.selectors import variants_for_export
from kramar.catalog.tasks import product_import_batch
from kramar.catalog.tests.factories import (
    first_variant,
    make_attribute,
    make_group,
    make_product,
    make_warehouse,
)
from kramar.clients.tests.factories import CompanyFactory
from kramar.core.errors import ApplicationError

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
HEADER = ";".join(exports.COLUMNS)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def reference():
    """Warehouses, attributes and a supplier that the files below name."""
    make_warehouse("kyiv")
    make_warehouse("lviv")
    make_attribute("colour", "Колір", 0)
    make_attribute("size", "Розмір", 1)
    return CompanyFactory(name="ТОВ «Карпатські меблі»", is_supplier=True)


def csv_file(text: str, *, name: str = "products.csv", bom: bool = False) -> SimpleUploadedFile:
    raw = ("\ufeff" if bom else "") + text
    return SimpleUploadedFile(name, raw.encode("utf-8"), content_type="text/csv")


def run(text: str, **kwargs) -> ProductImport:
    """Upload a file and run its import through the task function, batch after batch."""
    job = imports.product_import_start(file=csv_file(text, **kwargs), actor=None)
    start = 0
    while start is not None:
        product_import_batch.call(job.pk, start)
        job.refresh_from_db()
        start = job.processed_rows if job.status == ImportStatus.RUNNING else None
    return job


def good_file() -> str:
    # Attribute and stock cells hold "; ", so a ";" file quotes them.
    return "\n".join(
        [
            HEADER,
            "CH-1-BLK;Стілець Арко;stilets-arko;Меблі / Стільці;Карпати;чорний;1 299,50;1 499,00;"
            '800;20;1;Колір=чорний;"kyiv=5; lviv=1";ТОВ «Карпатські меблі»',
            'CH-1-WHT;Стілець Арко;stilets-arko;Меблі / Стільці;Карпати;білий;"1 349,50";;800;20;'
            "так;Колір=білий;kyiv=2;ТОВ «Карпатські меблі»",
            'TS-M;Футболка Поло;;Одяг / Футболки;;M;499;;;7;1;"Розмір=M; Колір=синій";lviv=0;',
        ]
    )


def test_a_good_file_creates_products_groups_values_and_stock(reference):
    job = run(good_file(), bom=True)

    assert job.status == ImportStatus.DONE
    assert (job.total_rows, job.processed_rows, job.created_count, job.errors) == (3, 3, 3, [])
    chair = Product.objects.get(slug="stilets-arko")
    assert chair.group.name == "Стільці" and chair.group.parent.name == "Меблі"
    assert chair.supplier == reference
    assert chair.price_from == Decimal("1299.50")
    black = Variant.objects.get(sku="CH-1-BLK")
    assert black.old_price == Decimal("1499.00") and black.cost == Decimal("800.00")
    assert [str(v) for v in black.values.all()] == ["Колір: чорний"]
    assert {s.warehouse.code: s.quantity for s in black.stocks.all()} == {"kyiv": 5, "lviv": 1}
    assert Variant.objects.get(sku="CH-1-WHT").product == chair
    shirt = Product.objects.get(variants__sku="TS-M")
    assert shirt.vat_rate == "7" and shirt.supplier is None
    assert AttributeValue.objects.filter(value="синій").exists()  # made the first time
    assert job.finished_at is not None


def test_a_comma_separated_file_without_a_byte_order_mark_reads_the_same(reference):
    text = "\n".join(
        [
            "SKU,Product,Group,Price,Stock",  # header case and order do not matter
            'A-1,Лампа,Освітлення,"1 299,50",kyiv=3',
            "A-2,Лампа,Освітлення,99.90,",
        ]
    )
    job = run(text)
    assert job.errors == []
    assert Variant.objects.get(sku="A-1").price == Decimal("1299.50")
    assert Variant.objects.get(sku="A-2").product == Variant.objects.get(sku="A-1").product


def test_importing_again_updates_by_sku_instead_of_duplicating(reference):
    run(good_file())
    changed = good_file().replace("1 299,50", "1 199,00").replace('"kyiv=5; lviv=1"', "kyiv=7")
    again = run(changed)

    assert (again.created_count, again.updated_count, again.errors) == (0, 3, [])
    assert Variant.objects.count() == 3 and Product.objects.count() == 2
    assert ProductGroup.objects.filter(name="Стільці").count() == 1
    black = Variant.objects.get(sku="CH-1-BLK")
    assert black.price == Decimal("1199.00")
    stock = {s.warehouse.code: s.quantity for s in black.stocks.all()}
    assert stock == {"kyiv": 7, "lviv": 1}  # a warehouse the row does not name keeps its count


def test_an_export_imports_back_unchanged(reference):
    supplier = reference
    group = make_group("Кухня")
    product = make_product("Чайник Мрія", group=group, variants=2, supplier=supplier)
    colour = make_attribute("colour", "Колір")
    from kramar.catalog.services import attribute_value, variant_update

    variant_update(
        variant=first_variant(product),
        values=[attribute_value(attribute=colour, value="червоний")],
        old_price="150",
    )
    for spreadsheet in (False, True):
        text = "".join(
            exports.export_csv(
                variants_for_export(products=Product.objects.all()), for_spreadsheet=spreadsheet
            )
        )
        before = list(Variant.objects.order_by("pk").values())
        job = run(text.removeprefix("\ufeff"), bom=spreadsheet)
        assert (job.updated_count, job.created_count, job.errors) == (2, 0, [])
        after = list(Variant.objects.order_by("pk").values())
        for row in after + before:
            row.pop("updated_at")
        assert after == before


def test_the_export_writes_one_row_per_variant_with_every_column(reference):
    product = make_product("Стілець", group=make_group("Стільці", parent=make_group("Меблі")))
    text = "".join(exports.export_csv(variants_for_export(products=Product.objects.all())))
    header, row = text.strip().splitlines()
    assert header.split(",") == list(exports.COLUMNS)
    assert row.startswith(f"{first_variant(product).sku},Стілець,{product.slug},Меблі / Стільці,")
    assert ",100.00,,0.00,20,1,,main=10," in row


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (HEADER.replace("price;", "prise;").encode(), "catalog.columns_missing"),
        ("Просто текст, а не таблиця\nі ще рядок".encode(), "catalog.columns_missing"),
        (b"sku;product;group;price\n", "catalog.file_empty"),
        (b"", "catalog.file_empty"),
        ("sku;product;group;price\nA;Стілець;Меблі;10".encode("cp1251"), "catalog.file_not_csv"),
    ],
)
def test_a_file_that_cannot_be_read_whole_is_refused_with_a_clear_message(content, code):
    with pytest.raises(ApplicationError) as refused:
        imports.product_import_start(file=SimpleUploadedFile("x.csv", content), actor=None)
    assert refused.value.code == code
    assert not ProductImport.objects.exists()


def test_a_missing_required_column_is_named():
    with pytest.raises(ApplicationError) as refused:
        imports.product_import_start(file=csv_file("sku;product;brand\nA;B;C"), actor=None)
    assert "group, price" in refused.value.message
    assert refused.value.extra["missing"] == ["group", "price"]


def test_a_picture_is_not_a_csv_file():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="PNG")
    with pytest.raises(ApplicationError) as refused:
        imports.product_import_start(file=SimpleUploadedFile("p.csv", out.getvalue()), actor=None)
    assert refused.value.code == "catalog.file_not_csv"


def test_a_file_over_20_mb_is_refused():
    big = SimpleUploadedFile("big.csv", b"sku,product,group,price\n" + b"x" * (20 * 1024 * 1024))
    with pytest.raises(ApplicationError) as refused:
        imports.product_import_start(file=big, actor=None)
    assert refused.value.code == "catalog.file_too_large"
    assert not ProductImport.objects.exists()


def test_bad_rows_are_recorded_and_skipped_while_good_rows_land(reference):
    text = "\n".join(
        [
            "sku;product;group;price;vat_rate;stock;attributes;supplier;active",
            "OK-1;Стіл;Меблі;2 500;20;kyiv=1;;;",
            "BAD-VAT;Стіл;Меблі;2 500;18;;;;",
            "BAD-STOCK;Стіл;Меблі;2 500;;kyiv=-3;;;",
            "BAD-PRICE;Стіл;Меблі;дорого;;;;;",
            "ZERO-PRICE;Стіл;Меблі;0;;;;;",
            "NO-PRICE;Стіл;Меблі;;;;;;",
            "BAD-ATTR;Стіл;Меблі;10;;;Вага=5 кг;;",
            "BAD-WH;Стіл;Меблі;10;;odesa=4;;;",
            "BAD-SUP;Стіл;Меблі;10;;;;ТОВ «Нема»;",
            "BAD-FLAG;Стіл;Меблі;10;;;;;можливо",
            ";Стіл;Меблі;10;;;;;",
            "OK-2;Стіл;Меблі;3 100,00;exempt;lviv=2;Колір=чорний;;0",
        ]
    )
    job = run(text)

    assert job.status == ImportStatus.DONE
    assert (job.processed_rows, job.created_count, imports.failed_rows(job)) == (12, 2, 10)
    by_row = {(e["row"], e["column"]) for e in job.errors}
    assert by_row == {
        (3, "vat_rate"), (4, "stock"), (5, "price"), (6, "price"), (7, "price"),
        (8, "attributes"), (9, "stock"), (10, "supplier"), (11, "active"), (12, "sku"),
    }  # fmt: skip
    messages = {e["row"]: e["message"] for e in job.errors}
    assert "18" in messages[3] and "exempt" in messages[3]
    assert set(Variant.objects.values_list("sku", flat=True)) == {"OK-1", "OK-2"}
    assert Variant.objects.get(sku="OK-2").is_active is False
    assert Variant.objects.get(sku="OK-2").product.vat_rate == "exempt"


def test_a_row_refused_while_writing_leaves_nothing_behind(reference):
    product = make_product("Стілець", stock=5)
    variant = first_variant(product)
    kyiv = make_warehouse("kyiv")
    Stock.objects.create(variant=variant, warehouse=kyiv, quantity=4, allocated=3)
    text = "\n".join(
        [
            "sku;product;group;price;stock",
            # A new group, a new price and a count below what orders were promised.
            f"{variant.sku};Стілець;Нова група / Підгрупа;555;kyiv=1",
        ]
    )
    job = run(text)

    assert job.errors == [{"row": 2, "column": "stock", "message": job.errors[0]["message"]}]
    assert "3" in job.errors[0]["message"]
    variant.refresh_from_db()
    assert variant.price == Decimal("100.00")
    assert not ProductGroup.objects.filter(name="Нова група").exists()


def test_a_sku_cannot_move_to_another_product(reference):
    product = make_product("Стілець")
    make_product("Стіл", slug="stil")
    sku = first_variant(product).sku
    job = run(f"sku,product,slug,group,price\n{sku},Стілець,stil,Меблі,10")
    assert [e["column"] for e in job.errors] == ["slug"]
    assert first_variant(product).product == product


def test_batches_run_one_after_another_through_the_immediate_backend(
    reference, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    monkeypatch.setattr(imports, "BATCH_SIZE", 2)
    rows = [f"S-{n};Зошит {n};Канцелярія;{n}0" for n in range(1, 6)]
    with django_capture_on_commit_callbacks(execute=True):
        job = imports.product_import_start(
            file=csv_file("\n".join(["sku;product;group;price", *rows])), actor=None
        )
    job.refresh_from_db()
    assert (job.status, job.processed_rows, job.created_count) == (ImportStatus.DONE, 5, 5)
    assert Variant.objects.count() == 5


def test_a_batch_run_twice_changes_nothing_the_second_time(reference):
    job = imports.product_import_start(
        file=csv_file("sku,product,group,price\nA,B,C,10"), actor=None
    )
    product_import_batch.call(job.pk, 0)
    product_import_batch.call(job.pk, 0)
    job.refresh_from_db()
    assert (job.processed_rows, job.created_count) == (1, 1)


def test_an_import_whose_file_vanished_fails_and_says_so(reference, media):
    job = imports.product_import_start(
        file=csv_file("sku,product,group,price\nA,B,C,10"), actor=None
    )
    Path(job.file.path).unlink()
    product_import_batch.call(job.pk, 0)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert job.errors and job.errors[-1]["row"] is None


def _database_url() -> str:
    conf = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{conf['NAME']}"
    return f"postgres://{conf['USER']}@{conf['HOST']}:{conf['PORT']}/{conf['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_on_the_database_backend_runs_the_import(media):
    make_warehouse("kyiv")
    rows = [f"W-{n};Ручка {n};Канцелярія / Ручки;1{n},50;kyiv={n}" for n in range(1, 6)]
    job = imports.product_import_start(
        file=csv_file("\n".join(["sku;product;group;price;stock", *rows])), actor=None
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": _database_url(),
        "MEDIA_ROOT": str(media),
    }
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "manage.py", "kramar_worker", "--batch"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    job.refresh_from_db()
    assert (job.status, job.processed_rows, job.created_count) == (ImportStatus.DONE, 5, 5)
    assert Stock.objects.get(variant__sku="W-3").quantity == 3


def test_an_import_speaks_the_language_of_whoever_uploaded_it(make_staff):
    from kramar.accounts.enums import Role
    from kramar.catalog.selectors import product_import_language

    english = make_staff(Role.SHOP_MANAGER)
    english.language = "en"
    english.save(update_fields=["language"])
    theirs = imports.product_import_start(
        file=csv_file("sku,product,group,price\nA,B,C,1"), actor=english
    )
    nobodys = imports.product_import_start(
        file=csv_file("sku,product,group,price\nA,B,C,1"), actor=None
    )
    assert product_import_language(pk=theirs.pk) == "en"
    assert product_import_language(pk=nobodys.pk) == "uk"
