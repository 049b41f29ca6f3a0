"""The catalogue pages: a product group with its facets, and a product (M10)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kramar.cart.adjustments import customer_discount, discounted
from kramar.catalog.browse import (
    PAGE_SIZE,
    CountedPaginator,
    Listing,
    product_cards,
    product_listing,
    shop_products,
    shop_tree,
    variant_offers,
)
from kramar.catalog.pricing import vat_in
from kramar.catalog.selectors import group_ancestors, product_get
from kramar.personal.enums import SimilarityKind
from kramar.personal.recent import product_viewed, recently_viewed
from kramar.personal.selectors import shelves, similar_ids
from kramar.storefront.forms import CatalogFilterForm
from kramar.tracking.collector import track
from kramar.tracking.enums import EventKind

RESULTS_TARGET = "catalog-results"


def listing_context(
    request: HttpRequest, listing: Listing, form: CatalogFilterForm
) -> dict[str, Any]:
    """Return what the results part of a listing page shows: a page of cards, facets, sorting."""
    paginator = CountedPaginator(listing.products, PAGE_SIZE, count=listing.known_count)
    page: Page[Any] = paginator.get_page(request.GET.get("page"))
    return {
        "page": page,
        "cards": product_cards(list(page.object_list)),
        "facets": listing.facets,
        "form": form,
        "listing": listing,
    }


def results_template(request: HttpRequest, template: str) -> str:
    """Answer htmx's requests for the results with the results part alone."""
    if getattr(request, "htmx", False) and request.htmx.target == RESULTS_TARGET:  # type: ignore[attr-defined]
        return f"{template}#results"
    return template


def category(request: HttpRequest, slug: str) -> HttpResponse:
    tree = shop_tree()
    group = tree.get(slug)
    form = CatalogFilterForm(request.GET)
    listing = product_listing(shop_products(tree, group), form.filters())
    context = {
        "group": group,
        "ancestors": tree.ancestors(group),
        "subgroups": tree.children[group.pk],
        **listing_context(request, listing, form),
    }
    template = results_template(request, "storefront/catalog/category.html")
    return render(request, template, context)


def product_detail(request: HttpRequest, slug: str) -> HttpResponse:
    product = product_get(slug=slug)
    offers = variant_offers(product)
    chosen = next((o for o in offers if o.available > 0), offers[0] if offers else None)
    price = chosen.variant.price if chosen else product.price_from
    user = request.user
    discount = customer_discount(user.pk if user.is_authenticated and not user.is_staff else None)
    context = {
        "product": product,
        "ancestors": [*group_ancestors(product.group), product.group],
        "offers": offers,
        "chosen": chosen,
        "price": price,
        "varied_prices": len({o.variant.price for o in offers}) > 1,
        "vat": vat_in(price, product.vat_rate) if price is not None else None,
        "images": list(product.images.all()),
        "can_buy": any(o.available > 0 for o in offers),
        "shelves": _product_shelves(request, product.pk),
        # A customer's personal offer (M7): the price the cart will charge them, shown here.
        "discount": discount,
        "personal_price": discounted(price, discount) if discount and price is not None else None,
    }
    track(request, EventKind.PRODUCT_VIEW, product=product.pk, name=product.name)
    return render(request, "storefront/catalog/product.html", context)


def _product_shelves(request: HttpRequest, product_id: int) -> Any:
    """What goes with the product (bought, viewed together) and what the visitor viewed before;
    then remember this view (M7, docs/personal.md)."""
    viewed = [pk for pk in recently_viewed(request) if pk != product_id]
    found = shelves(
        {
            "bought": similar_ids([product_id], kind=SimilarityKind.BOUGHT),
            "viewed": similar_ids([product_id], kind=SimilarityKind.VIEWED),
            "recent": viewed,
        },
        any_stock=["recent"],
    )
    product_viewed(request, product_id)
    return found
