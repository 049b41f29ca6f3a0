"""Reads of the catalogue. The shop sees active products in active groups; staff see all.

Search and facets live in ``kramar.catalog.search``; this module holds the plain reads.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from kramar.accounts.models import User
from kramar.catalog.models import (
    Product,
    ProductGroup,
    ProductImage,
    ProductImport,
    Stock,
    Variant,
    Warehouse,
    WishlistItem,
)
from kramar.catalog.text import fold_text
from kramar.clients.enums import ClientKind
from kramar.clients.models import Client
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


# --- The back office: every product, hidden ones too --------------------------------------------


def group_tree(*, with_counts: bool = False) -> list[ProductGroup]:
    """Return every group in tree order (each after its parent, siblings by position and name).

    ``with_counts`` annotates ``product_count``, the products directly in the group.
    """
    groups = ProductGroup.objects.all()
    if with_counts:
        groups = groups.annotate(product_count=Count("products"))
    children: dict[int | None, list[ProductGroup]] = {}
    for group in groups:
        children.setdefault(group.parent_id, []).append(group)
    ordered: list[ProductGroup] = []
    stack = sorted(children.get(None, []), key=_sibling_order, reverse=True)
    while stack:
        group = stack.pop()
        ordered.append(group)
        stack.extend(sorted(children.get(group.pk, []), key=_sibling_order, reverse=True))
    return ordered


def _sibling_order(group: ProductGroup) -> tuple[int, str, int]:
    return (group.position, group.name.casefold(), group.pk)


def group_paths(groups: Iterable[ProductGroup] | None = None) -> dict[int, str]:
    """Return each group's path of names from the top, "Меблі / Стільці" (one query)."""
    everything = list(ProductGroup.objects.all()) if groups is None else list(groups)
    names = {group.pk: group.name for group in everything}
    return {
        group.pk: " / ".join(names[pk] for pk in _path_ids(group) if pk in names)
        for group in everything
    }


def _path_ids(group: ProductGroup) -> list[int]:
    return [int(pk) for pk in group.path.split(".") if pk]


def group_by_pk(*, pk: int) -> ProductGroup:
    group = ProductGroup.objects.filter(pk=pk).first()
    if group is None:
        raise NotFoundError("catalog.group_not_found", _("No such product group."))
    return group


def _available_per_product() -> Subquery:
    """Return how many units of a product's active variants the shipping warehouses can sell."""
    stock = (
        Stock.objects.filter(
            variant__product_id=OuterRef("pk"),
            variant__is_active=True,
            warehouse__is_active=True,
        )
        .order_by()
        .values("variant__product_id")
        .annotate(units=Sum(F("quantity") - F("allocated")))
        .values("units")
    )
    return Subquery(stock, output_field=IntegerField())


def product_list(
    *,
    search: str = "",
    group: ProductGroup | None = None,
    is_active: bool | None = None,
    supplier_id: int | None = None,
    out_of_stock: bool = False,
) -> QuerySet[Product]:
    """Return the products the back office lists, hidden ones too, with ``available`` (units
    that can be sold) annotated; ``search`` matches words of the name (and brand, group, values)
    or a SKU; ``group`` takes its whole subtree."""
    products = Product.objects.select_related("group", "supplier").annotate(
        available=Coalesce(_available_per_product(), 0)
    )
    if search.strip():
        products = products.filter(_product_search_rule(search))
    if group is not None:
        products = products.filter(group__path__startswith=group.path)
    if is_active is not None:
        products = products.filter(is_active=is_active)
    if supplier_id is not None:
        products = products.filter(supplier_id=supplier_id)
    if out_of_stock:
        products = products.exclude(product_in_stock_rule())
    return products.order_by("name", "id")


def _product_search_rule(text: str) -> Q:
    words = fold_text(text).split()
    by_words = Q()
    for word in words:
        by_words &= Q(search_document__contains=word)
    by_sku = Exists(Variant.objects.filter(product_id=OuterRef("pk"), sku__iexact=text.strip()))
    return by_words | Q(by_sku)


def product_by_pk(*, pk: int) -> Product:
    """Return one product for the office with its group, supplier, variants (values, stock) and
    images, hidden or not."""
    product = (
        Product.objects.filter(pk=pk)
        .select_related("group", "supplier")
        .prefetch_related(
            Prefetch(
                "variants",
                queryset=Variant.objects.order_by("position", "id").prefetch_related(
                    "values__attribute", "stocks__warehouse"
                ),
            ),
            Prefetch("images", queryset=ProductImage.objects.order_by("position", "id")),
        )
        .first()
    )
    if product is None:
        raise NotFoundError("catalog.product_not_found", _("No such product."))
    return product


def product_image_get(*, product_id: int, pk: int) -> ProductImage:
    image = ProductImage.objects.filter(pk=pk, product_id=product_id).first()
    if image is None:
        raise NotFoundError("catalog.image_not_found", _("No such picture."))
    return image


def suppliers() -> QuerySet[Client]:
    """Return the companies that may supply products (M5): marked as suppliers, not merged."""
    return Client.objects.filter(
        kind=ClientKind.COMPANY, is_supplier=True, merged_into__isnull=True
    ).order_by("name", "id")


def variants_for_export(*, products: QuerySet[Product]) -> QuerySet[Variant]:
    """Return the variants of these products for the CSV, each with what its row shows."""
    return (
        Variant.objects.filter(product__in=products.values("pk"))
        .select_related("product__group", "product__supplier")
        .prefetch_related("values__attribute", "stocks__warehouse")
        .order_by("product__name", "product_id", "position", "id")
    )


def warehouses_all() -> QuerySet[Warehouse]:
    return Warehouse.objects.order_by("position", "code")


def product_import_list() -> QuerySet[ProductImport]:
    return ProductImport.objects.select_related("created_by").order_by("-created_at", "-id")


def product_import_get(*, pk: int) -> ProductImport:
    found = ProductImport.objects.select_related("created_by").filter(pk=pk).first()
    if found is None:
        raise NotFoundError("catalog.import_not_found", _("No such import."))
    return found


def product_import_language(*, pk: int) -> str:
    """Return the language of whoever uploaded an import: its messages are written in it."""
    language = (
        ProductImport.objects.filter(pk=pk).values_list("created_by__language", flat=True).first()
    )
    return language or settings.LANGUAGE_CODE


def wishlist_of(*, user: User) -> QuerySet[WishlistItem]:
    """Return the customer's kept products that are still in the shop, newest first."""
    if not user.is_authenticated:
        return WishlistItem.objects.none()
    return (
        WishlistItem.objects.filter(user=user, product__in=products_in_shop())
        .select_related("product__group")
        .prefetch_related("product__images")
        .order_by("-added_at", "-id")
    )
