"""Reads of the catalogue. The shop sees active products in active groups; staff see all.

Search and facets live in ``kramar.catalog.search``; this module holds the plain reads.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from kramar.catalog.models import Product, ProductGroup, Stock, Variant, Warehouse
from kramar.core.errors import NotFoundError


def groups_in_shop() -> QuerySet[ProductGroup]:
    """Return the groups the shop shows: active, and with no hidden group above them."""
    hidden = list(ProductGroup.objects.filter(is_active=False).values_list("path", flat=True))
    groups = ProductGroup.objects.filter(is_active=True)
    for path in hidden:
        groups = groups.exclude(path__startswith=path)
    return groups.order_by("path")


def group_get(*, slug: str, for_shop: bool = True) -> ProductGroup:
    groups = groups_in_shop() if for_shop else ProductGroup.objects.all()
    group = groups.filter(slug=slug).first()
    if group is None:
        raise NotFoundError("catalog.group_not_found", _("No such product group."))
    return group


def group_ancestors(group: ProductGroup) -> list[ProductGroup]:
    """Return the groups above this one, from the top (the breadcrumbs)."""
    ids = [int(pk) for pk in group.path.split(".") if pk][:-1]
    found = {g.pk: g for g in ProductGroup.objects.filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


def products_in_shop() -> QuerySet[Product]:
    """Return the products a visitor may see: active, priced, in a shown group."""
    return Product.objects.filter(
        is_active=True, price_from__isnull=False, group__in=groups_in_shop()
    )


def product_get(*, slug: str, for_shop: bool = True) -> Product:
    """Return one product with its group, active variants (values, stock) and images."""
    products = products_in_shop() if for_shop else Product.objects.all()
    variants = Variant.objects.filter(is_active=True) if for_shop else Variant.objects.all()
    product = (
        products.filter(slug=slug)
        .select_related("group", "supplier")
        .prefetch_related(
            Prefetch(
                "variants",
                queryset=variants.order_by("position", "id").prefetch_related("values__attribute"),
            ),
            "images",
        )
        .first()
    )
    if product is None:
        raise NotFoundError("catalog.product_not_found", _("No such product."))
    return product


def available_quantities(variant_ids: Iterable[int]) -> dict[int, int]:
    """Return how many of each variant can still be sold, over the warehouses that ship."""
    rows = (
        Stock.objects.filter(variant_id__in=list(variant_ids), warehouse__is_active=True)
        .values("variant_id")
        .annotate(on_hand=Sum("quantity"), promised=Sum("allocated"))
    )
    return {row["variant_id"]: max(row["on_hand"] - row["promised"], 0) for row in rows}


def product_in_stock_rule() -> Q:
    """Return a filter on products: some active variant can be sold from a shipping warehouse."""
    stocked = Stock.objects.filter(
        variant__product_id=OuterRef("pk"),
        variant__is_active=True,
        warehouse__is_active=True,
        quantity__gt=F("allocated"),
    )
    return Q(Exists(stocked))


def warehouses_shipping() -> QuerySet[Warehouse]:
    return Warehouse.objects.filter(is_active=True).order_by("position", "code")
