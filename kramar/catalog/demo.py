"""Demo catalogue: ~35 product groups in two levels, products with variants, two warehouses,
stock (some of it sold out) and supplier companies (M5). ``small`` has ~500 products, ``large``
100,000 (written in bulk, as an import would).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from kramar.catalog.enums import VatRate
from kramar.catalog.models import (
    Attribute,
    AttributeValue,
    Product,
    ProductGroup,
    Stock,
    Variant,
    Warehouse,
)
from kramar.catalog.services import attribute_value, group_create
from kramar.catalog.text import fold_text, slugify_uk
from kramar.clients.enums import ClientKind
from kramar.clients.models import Client, Region
from kramar.clients.services import client_create

PRODUCTS = {"small": 500, "medium": 10_000, "large": 100_000}
BATCH = 2_000

COLOURS = ["чорний", "білий", "сірий", "синій", "зелений", "червоний", "бежевий"]
SIZES = ["XS", "S", "M", "L", "XL", "XXL"]
MATERIALS = ["дуб", "бук", "метал", "пластик", "скло", "бавовна", "льон"]
BRANDS = ["Карпати", "Дніпро", "Оберіг", "Світанок", "Мрія", "Полісся", "Ятрань", "Говерла"]
MODELS = ["Арко", "Нова", "Класік", "Лофт", "Міні", "Макс", "Про", "Еко", "Стиль", "Комфорт"]

# top group -> (subgroup, nouns, attributes, price range in UAH, VAT)
TREE: dict[str, list[tuple[str, list[str], list[str], tuple[int, int]]]] = {
    "Меблі": [
        ("Стільці", ["Стілець", "Табурет", "Крісло"], ["colour", "material"], (900, 6_500)),
        ("Столи", ["Стіл обідній", "Стіл письмовий", "Столик журнальний"], ["material"],
         (2_500, 24_000)),
        ("Шафи", ["Шафа", "Комод", "Стелаж"], ["colour", "material"], (3_500, 32_000)),
        ("Дивани", ["Диван", "Канапа", "Пуф"], ["colour"], (6_000, 48_000)),
    ],
    "Освітлення": [
        ("Настільні лампи", ["Лампа настільна", "Світильник"], ["colour"], (450, 3_800)),
        ("Люстри", ["Люстра", "Підвісний світильник"], ["colour"], (1_200, 14_000)),
        ("Світлодіодні стрічки", ["LED-стрічка", "Світлодіодна стрічка"], [], (180, 1_600)),
    ],
    "Текстиль": [
        ("Ковдри", ["Ковдра", "Плед"], ["colour"], (600, 4_200)),
        ("Подушки", ["Подушка", "Подушка ортопедична"], [], (300, 2_400)),
        ("Постільна білизна", ["Комплект постільної білизни", "Простирадло"], ["colour"],
         (700, 5_200)),
        ("Рушники", ["Рушник махровий", "Рушник вафельний"], ["colour"], (120, 900)),
    ],
    "Кухня": [
        ("Посуд", ["Каструля", "Сковорода", "Сотейник"], ["material"], (350, 4_800)),
        ("Ножі", ["Ніж кухарський", "Набір ножів"], [], (250, 6_000)),
        ("Кавоварки", ["Кавоварка", "Кавомашина", "Турка електрична"], ["colour"],
         (1_500, 38_000)),
        ("Чайники", ["Чайник електричний", "Чайник зі свистком"], ["colour"], (400, 3_200)),
    ],
    "Одяг": [
        ("Футболки", ["Футболка", "Поло"], ["size", "colour"], (300, 1_400)),
        ("Сорочки", ["Сорочка", "Вишиванка"], ["size", "colour"], (700, 4_800)),
        ("Куртки", ["Куртка", "Вітровка", "Парка"], ["size", "colour"], (1_800, 9_500)),
        ("Взуття", ["Кросівки", "Черевики", "Кеди"], ["size"], (1_200, 6_800)),
    ],
    "Електроніка": [
        ("Навушники", ["Навушники бездротові", "Навушники дротові"], ["colour"], (350, 12_000)),
        ("Зарядні пристрої", ["Зарядний пристрій", "Кабель USB-C"], [], (150, 2_200)),
        ("Павербанки", ["Павербанк", "Зарядна станція"], ["colour"], (600, 42_000)),
        ("Колонки", ["Колонка портативна", "Саундбар"], ["colour"], (800, 16_000)),
    ],
    "Сад і город": [
        ("Інструменти", ["Секатор", "Лопата", "Граблі"], [], (180, 2_600)),
        ("Горщики", ["Горщик", "Кашпо"], ["colour", "material"], (90, 1_800)),
        ("Насіння", ["Насіння томатів", "Насіння огірків", "Насіння квітів"], [], (15, 120)),
    ],
    "Канцелярія": [
        ("Папір", ["Папір офісний А4", "Блокнот", "Зошит"], [], (25, 480)),
        ("Ручки", ["Ручка кулькова", "Ручка гелева", "Маркер"], ["colour"], (12, 350)),
        ("Органайзери", ["Органайзер настільний", "Лоток для паперу"], ["colour"], (150, 1_200)),
    ],
}  # fmt: skip

ATTRIBUTES = {"colour": ("Колір", COLOURS), "size": ("Розмір", SIZES),
              "material": ("Матеріал", MATERIALS)}  # fmt: skip
SUPPLIERS = ["ТОВ «Карпатські меблі»", "ПП «Світло-Дніпро»", "ТОВ «Текстиль-Поділля»",
             "ТОВ «Кухонний двір»", "ТОВ «Вишиванка-Трейд»", "ТОВ «Електрон-Імпорт»",
             "ФОП Садовий О. П.", "ТОВ «Офіс-Постач»"]  # fmt: skip


def work_units(scale_name: str) -> int:
    return PRODUCTS[scale_name] + 1


def seed(context: Any) -> list[tuple[str, str, str]]:
    wanted = PRODUCTS[context.scale]
    have = Product.objects.count()
    warehouses = _warehouses()
    attributes = _attributes()
    suppliers = _suppliers()
    leaves = _groups()
    context.progress(1)
    if have >= wanted:
        context.progress(wanted)
        return []
    rng = context.rng_for("catalog")
    for start in range(have, wanted, BATCH):
        count = min(BATCH, wanted - start)
        with transaction.atomic():
            _write_products(rng, start, count, leaves, attributes, suppliers, warehouses)
        context.progress(count)
    return []


def _warehouses() -> list[Warehouse]:
    made = []
    for position, (code, name, region) in enumerate(
        [("kyiv", "Склад у Києві", "kyiv-city"), ("lviv", "Склад у Львові", "lviv")]
    ):
        warehouse, _ = Warehouse.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "position": position,
                "region": Region.objects.filter(code=region).first(),
            },
        )
        made.append(warehouse)
    return made


def _attributes() -> dict[str, list[AttributeValue]]:
    found: dict[str, list[AttributeValue]] = {}
    for position, (code, (name, values)) in enumerate(ATTRIBUTES.items()):
        attribute, _ = Attribute.objects.get_or_create(
            code=code, defaults={"name": name, "position": position}
        )
        found[code] = [attribute_value(attribute=attribute, value=v) for v in values]
    return found


def _suppliers() -> list[Client]:
    suppliers = []
    for name in SUPPLIERS:
        supplier = Client.objects.filter(name=name, kind=ClientKind.COMPANY).first()
        suppliers.append(
            supplier
            or client_create(
                actor=None,
                kind=ClientKind.COMPANY,
                name=name,
                is_supplier=True,
                is_customer=False,
            )
        )
    return suppliers


_LEAF_SPECS: dict[str, tuple[str, list[str], list[str], tuple[int, int]]] = {}


def _groups() -> list[ProductGroup]:
    leaves = []
    for position, (top_name, children) in enumerate(TREE.items()):
        top = ProductGroup.objects.filter(name=top_name, parent=None).first() or group_create(
            name=top_name, position=position
        )
        for child_position, (name, nouns, attrs, prices) in enumerate(children):
            leaf = ProductGroup.objects.filter(name=name, parent=top).first() or group_create(
                name=name, parent=top, position=child_position
            )
            _LEAF_SPECS[leaf.slug] = (top_name, nouns, attrs, prices)
            leaves.append(leaf)
    return leaves


def _price(rng: Any, low: int, high: int) -> Decimal:
    # Shop prices end in 9 or 0, like real ones.
    raw = rng.randint(low, high)
    return Decimal(raw - raw % 10 + rng.choice([0, 9])).quantize(Decimal("0.01"))


def _write_products(
    rng: Any,
    start: int,
    count: int,
    leaves: list[ProductGroup],
    attributes: dict[str, list[AttributeValue]],
    suppliers: list[Client],
    warehouses: list[Warehouse],
) -> None:
    products, variant_rows = [], []
    for number in range(start, start + count):
        leaf = leaves[number % len(leaves)]
        top_name, nouns, attrs, (low, high) = _LEAF_SPECS[leaf.slug]
        brand = rng.choice(BRANDS)
        name = f"{rng.choice(nouns)} {brand} {rng.choice(MODELS)} {number + 1}"
        base = _price(rng, low, high)
        variants = _variant_specs(rng, attrs, attributes, base)
        products.append(
            Product(
                group=leaf,
                name=name,
                slug=f"{slugify_uk(name)[:200]}",
                brand=brand,
                description=f"{name}: демонстраційний товар групи «{leaf.name}».",
                supplier=suppliers[(number % len(leaves)) * len(suppliers) // len(leaves)],
                vat_rate=VatRate.STANDARD,
                price_from=min(price for price, _v in variants),
                search_document=fold_text(
                    " ".join(
                        [
                            name,
                            brand,
                            leaf.name,
                            top_name,
                            *(v.value for _p, vs in variants for v in vs),
                        ]
                    )
                ),
            )
        )
        variant_rows.append(variants)
    Product.objects.bulk_create(products, batch_size=1000)
    variants_made, links = [], []
    for product, specs in zip(products, variant_rows, strict=True):
        for position, (price, values) in enumerate(specs):
            label = ", ".join(v.value for v in values)
            variant = Variant(
                product=product,
                sku=f"KR-{product.pk:07d}-{position + 1}",
                name=label,
                price=price,
                old_price=(price * Decimal("1.15")).quantize(Decimal("1"))
                if rng.random() < 0.1
                else None,
                cost=(price * Decimal("0.62")).quantize(Decimal("0.01")),
                position=position,
            )
            variants_made.append(variant)
            links.append(values)
    for product, specs in zip(products, variant_rows, strict=True):
        product.search_document += " " + " ".join(
            f"kr-{product.pk:07d}-{i + 1}" for i in range(len(specs))
        )
    Product.objects.bulk_update(products, ["search_document"], batch_size=1000)
    Variant.objects.bulk_create(variants_made, batch_size=1000)
    through = Variant.values.through
    through.objects.bulk_create(
        [
            through(variant_id=variant.pk, attributevalue_id=value.pk)
            for variant, values in zip(variants_made, links, strict=True)
            for value in values
        ],
        batch_size=2000,
    )
    stocks = []
    for variant in variants_made:
        for warehouse in warehouses:
            roll = rng.random()
            quantity = 0 if roll < 0.12 else rng.randint(1, 6) if roll < 0.3 else rng.randint(5, 80)
            stocks.append(Stock(variant=variant, warehouse=warehouse, quantity=quantity))
    Stock.objects.bulk_create(stocks, batch_size=2000)


def _variant_specs(
    rng: Any, attrs: list[str], attributes: dict[str, list[AttributeValue]], base: Decimal
) -> list[tuple[Decimal, list[AttributeValue]]]:
    if "size" in attrs:
        colour = [rng.choice(attributes["colour"])] if "colour" in attrs else []
        first = rng.randint(0, 2)
        sizes = attributes["size"][first : first + rng.randint(3, 4)]
        return [(base, [size, *colour]) for size in sizes]
    fixed = [rng.choice(attributes["material"])] if "material" in attrs else []
    if "colour" in attrs:
        colours = rng.sample(attributes["colour"], rng.randint(1, 3))
        return [
            (base + Decimal(index * 50), [*fixed, colour]) for index, colour in enumerate(colours)
        ]
    return [(base, fixed)]
