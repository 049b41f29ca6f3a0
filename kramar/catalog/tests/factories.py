"""Catalogue test data, made through the services."""

from __future__ import annotations

import itertools
from decimal import Decimal

from kramar.catalog.models import Attribute, Product, ProductGroup, Variant, Warehouse
from kramar.catalog.services import VariantData, group_create, product_create, stock_set

_numbers = itertools.count(1)


def make_group(name: str = "", parent: ProductGroup | None = None) -> ProductGroup:
    return group_create(name=name or f"Група {next(_numbers)}", parent=parent)


def make_warehouse(code: str = "main") -> Warehouse:
    warehouse, _ = Warehouse.objects.get_or_create(code=code, defaults={"name": f"Склад {code}"})
    return warehouse


def make_product(
    name: str = "",
    *,
    group: ProductGroup | None = None,
    price: str = "100.00",
    stock: int | None = 10,
    variants: int = 1,
    **fields: object,
) -> Product:
    """Make an active product with ``variants`` variants, each with ``stock`` units in "main"."""
    number = next(_numbers)
    product = product_create(
        group=group or make_group(),
        name=name or f"Товар {number}",
        variants=[
            VariantData(sku=f"T-{number}-{index}", price=Decimal(price), name=f"v{index}")
            for index in range(variants)
        ],
        **fields,  # type: ignore[arg-type]
    )
    if stock is not None:
        for variant in product.variants.all():
            stock_set(variant=variant, warehouse=make_warehouse(), quantity=stock)
    return product


def first_variant(product: Product) -> Variant:
    variant = product.variants.order_by("position").first()
    assert variant is not None
    return variant


def make_attribute(code: str, name: str, position: int = 0) -> Attribute:
    attribute, _ = Attribute.objects.get_or_create(
        code=code, defaults={"name": name, "position": position}
    )
    return attribute
