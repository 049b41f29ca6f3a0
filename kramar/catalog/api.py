"""The public catalogue API: the group tree, product listings (search, filters, facets) and
a product with its variants. No authentication: it shows what the shop shows anyone."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router

from kramar.catalog.browse import (
    ProductFilters,
    ShopTree,
    product_cards,
    product_listing,
    shop_products,
    shop_tree,
    variant_offers,
)
from kramar.catalog.schemas import (
    SLUG,
    GroupNodeOut,
    ProductFiltersIn,
    ProductOut,
    ProductPageOut,
)
from kramar.catalog.search import parse_query, search_record
from kramar.catalog.selectors import group_ancestors, product_get
from kramar.core.schemas import problems

router = Router(tags=["catalogue"], auth=None)


def _node(tree: ShopTree, group: Any) -> dict[str, Any]:
    return {
        "id": group.pk,
        "slug": group.slug,
        "name": group.name,
        "description": group.description,
        "children": [_node(tree, child) for child in tree.children[group.pk]],
    }


@router.get("/groups", response={200: list[GroupNodeOut]}, summary="The product-group tree")
def group_tree(request: HttpRequest) -> list[dict[str, Any]]:
    tree = shop_tree()
    return [_node(tree, group) for group in tree.top]


@router.get(
    "/products",
    response={200: ProductPageOut, **problems(404, 422)},
    summary="Products: by group, search, price, stock and facet values; with facet counts",
)
def product_list(request: HttpRequest, filters: Query[ProductFiltersIn]) -> dict[str, Any]:
    tree = shop_tree()
    group = tree.get(filters.group) if filters.group else None
    query = parse_query(filters.q) if filters.q.strip() else None
    listing = product_listing(
        shop_products(tree, group),
        ProductFilters(
            price_min=filters.price_min,
            price_max=filters.price_max,
            in_stock=filters.in_stock,
            values=tuple(filters.value),
            sort=filters.sort,
        ),
        query=query,
    )
    if query is not None and filters.page == 1:
        search_record(query=query, results=listing.total or 0, user=request.user)
    count = listing.known_count
    if count is None:
        count = listing.products.count()
    offset = (filters.page - 1) * filters.page_size
    rows = listing.products.select_related("group")[offset : offset + filters.page_size]
    return {
        "items": product_cards(list(rows)),
        "count": count,
        "page": filters.page,
        "pages": max(1, -(-count // filters.page_size)),
        "sort": listing.sort,
        "search": listing.search.mode if listing.search else None,
        "facets": listing.facets,
    }


@router.get(
    "/products/{slug}",
    response={200: ProductOut, **problems(404, 422)},
    summary="One product with its variants, prices and availability",
)
def product_detail(
    request: HttpRequest, slug: str = Path(..., max_length=220, pattern=SLUG)
) -> dict[str, Any]:
    product = product_get(slug=slug)
    return {
        "id": product.pk,
        "slug": product.slug,
        "name": product.name,
        "brand": product.brand,
        "description": product.description,
        "group": product.group,
        "breadcrumbs": group_ancestors(product.group),
        "vat_rate": product.vat_rate,
        "price_from": product.price_from,
        "images": list(product.images.all()),
        "variants": variant_offers(product),
    }
