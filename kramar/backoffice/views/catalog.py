"""The catalogue pages of the back office: the product list, a product with its variants, its
stock per warehouse and its pictures (issue 3). Everyone on the staff reads; the shop manager
and administrators change (``kramar/catalog/roles.py``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from kramar.backoffice.catalog_forms import (
    BaseVariantFormSet,
    ImageAltForm,
    ImageForm,
    ProductFilterForm,
    ProductForm,
    attributes_by_name,
    variant_formset,
    variant_initial,
)
from kramar.backoffice.decorators import office_view
from kramar.catalog import selectors, services
from kramar.catalog.models import Variant, Warehouse
from kramar.catalog.parsing import parse_whole
from kramar.core.errors import ApplicationError

PAGE_SIZE = 50
NEW_VARIANT_ROWS = 3


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def require_perm(request: HttpRequest, permission: str) -> None:
    """Refuse (403) a change that the page's reader may not make."""
    if not request.user.has_perm(permission):
        raise PermissionDenied


# --- The product list ---------------------------------------------------------------------------


@office_view("catalog.view_product")
def product_list(request: HtmxHttpRequest) -> HttpResponse:
    tree = selectors.group_tree()
    filters = ProductFilterForm(request.GET or None, groups=tree)
    products = selectors.product_list(**filters.selector_filters())
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    paths = selectors.group_paths(tree)
    context = {
        "filters": filters,
        "page": page,
        "rows": [(product, paths.get(product.group_id, "")) for product in page],
        "query": filters.query(),
    }
    template = "backoffice/catalog/products.html"
    if request.htmx and request.htmx.target == "product-rows":
        template += "#rows"
    return render(request, template, context)


# --- A product and its variants -----------------------------------------------------------------


@office_view("catalog.add_product")
@require_http_methods(["GET", "POST"])
def product_create(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = ProductForm(data)
    variants = variant_formset(NEW_VARIANT_ROWS)(
        data, prefix="variants", form_kwargs={"attributes": attributes_by_name()}
    )
    if data is not None and form.is_valid() and variants.is_valid():
        try:
            product = services.product_save(
                product=None, fields=form.service_fields(), variants=variants.changes()
            )
        except ApplicationError as error:
            _show_refusal(error, form, variants)
        else:
            messages.success(request, _("Product “%(name)s” created.") % {"name": product.name})
            return redirect("backoffice:product-edit", product_id=product.pk)
    return render(
        request,
        "backoffice/catalog/product_form.html",
        {"form": form, "variants": variants, "editable": True},
        status=400 if data is not None else 200,
    )


@office_view("catalog.view_product")
@require_http_methods(["GET", "POST"])
def product_edit(request: HttpRequest, product_id: int) -> HttpResponse:
    """A product's card: its fields and variants, editable for those who keep the catalogue."""
    product = selectors.product_by_pk(pk=product_id)
    editable = request.user.has_perm("catalog.change_product")
    if request.method == "POST":
        require_perm(request, "catalog.change_product")
    data = request.POST if request.method == "POST" else None
    existing = list(product.variants.all())
    form = ProductForm(data, product=product, editable=editable)
    variants = variant_formset(1 if editable else 0)(
        data,
        prefix="variants",
        initial=[variant_initial(variant) for variant in existing],
        variants=existing,
        form_kwargs={"attributes": attributes_by_name(), "editable": editable},
    )
    if data is not None and form.is_valid() and variants.is_valid():
        try:
            services.product_save(
                product=product, fields=form.service_fields(), variants=variants.changes()
            )
        except ApplicationError as error:
            _show_refusal(error, form, variants)
        else:
            messages.success(request, _("Product “%(name)s” saved.") % {"name": product.name})
            return redirect("backoffice:product-edit", product_id=product.pk)
    context = {"product": product, "form": form, "variants": variants, "editable": editable}
    return render(
        request,
        "backoffice/catalog/product_form.html",
        context,
        status=400 if data is not None else 200,
    )


# Where a refusal of the catalogue services shows on the forms.
_PRODUCT_FIELDS = {"name", "slug", "group", "brand", "supplier", "vat_rate", "description"}
_VARIANT_FIELDS = {"sku", "name", "price", "old_price", "cost", "is_active", "attributes"}


def _show_refusal(error: ApplicationError, form: ProductForm, variants: BaseVariantFormSet) -> None:
    field = error.extra.get("field")
    index = error.extra.get("variant")
    if isinstance(index, int):
        filled = variants.filled()
        if 0 <= index < len(filled):
            target = filled[index]
            target.add_error(field if field in _VARIANT_FIELDS else None, str(error.message))
            return
    form.add_error(field if field in _PRODUCT_FIELDS and field in form.fields else None,
                   str(error.message))  # fmt: skip


# --- Stock --------------------------------------------------------------------------------------


@office_view("catalog.view_stock")
@require_http_methods(["GET", "POST"])
def product_stock(request: HttpRequest, product_id: int) -> HttpResponse:
    """What each warehouse holds of each variant, and a stock count to change it."""
    product = selectors.product_by_pk(pk=product_id)
    warehouses = list(selectors.warehouses_all())
    variants = list(product.variants.all())
    editable = request.user.has_perm("catalog.change_stock")
    cells: dict[tuple[int, int], dict[str, Any]] = {}
    for variant in variants:
        held = {stock.warehouse_id: stock for stock in variant.stocks.all()}
        for warehouse in warehouses:
            stock = held.get(warehouse.pk)
            cells[(variant.pk, warehouse.pk)] = {
                "name": f"q-{variant.pk}-{warehouse.pk}",
                "warehouse": warehouse,
                "stock": stock,
                "value": "" if stock is None else str(stock.quantity),
                "error": "",
            }
    status = 200
    if request.method == "POST":
        require_perm(request, "catalog.change_stock")
        if _count_stock(request, variants, warehouses, cells):
            messages.success(request, _("Stock saved."))
            return redirect("backoffice:product-stock", product_id=product.pk)
        status = 400
    rows = [
        (variant, [cells[(variant.pk, warehouse.pk)] for warehouse in warehouses])
        for variant in variants
    ]
    context = {"product": product, "warehouses": warehouses, "rows": rows, "editable": editable}
    return render(request, "backoffice/catalog/stock.html", context, status=status)


def _count_stock(
    request: HttpRequest,
    variants: list[Variant],
    warehouses: list[Warehouse],
    cells: dict[tuple[int, int], dict[str, Any]],
) -> bool:
    """Write the changed counts of the sheet; show every refusal on its cell. Return success."""
    counts, bad = [], False
    for variant in variants:
        for warehouse in warehouses:
            cell = cells[(variant.pk, warehouse.pk)]
            raw = request.POST.get(cell["name"], "").strip()
            if raw == cell["value"] or (not raw and cell["stock"] is None):
                continue
            cell["value"] = raw
            try:
                quantity = parse_whole(raw)
            except ValueError as error:
                cell["error"], bad = str(error), True
                continue
            counts.append(
                services.StockCount(variant=variant, warehouse=warehouse, quantity=quantity)
            )
    if bad:
        messages.error(request, _("Some counts are not whole numbers; nothing was saved."))
        return False
    try:
        services.stock_count(counts=counts)
    except ApplicationError as error:
        messages.error(request, str(error.message))
        for refusal in error.extra.get("refused", []):
            cells[(refusal["variant"], refusal["warehouse"])]["error"] = refusal["message"]
        return False
    return True


# --- Pictures -----------------------------------------------------------------------------------


@office_view("catalog.view_product")
@require_http_methods(["GET", "POST"])
def product_images(request: HttpRequest, product_id: int) -> HttpResponse:
    """A product's pictures: add one, describe, reorder or remove them."""
    product = selectors.product_by_pk(pk=product_id)
    editable = request.user.has_perm("catalog.change_product")
    form = ImageForm()
    status = 200
    if request.method == "POST":
        require_perm(request, "catalog.change_product")
        form = ImageForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.product_image_add(
                    product=product, image=form.cleaned_data["image"], alt=form.cleaned_data["alt"]
                )
            except ApplicationError as error:
                form.add_error("image", str(error.message))
            else:
                messages.success(request, _("Picture added."))
                return redirect("backoffice:product-images", product_id=product.pk)
        status = 400
    context = {
        "product": product,
        "images": list(product.images.all()),
        "form": form,
        "editable": editable,
    }
    return render(request, "backoffice/catalog/images.html", context, status=status)


@office_view("catalog.change_product")
@require_POST
def product_image_change(request: HttpRequest, product_id: int, image_id: int) -> HttpResponse:
    """Describe, move (``action`` up or down) or delete one picture."""
    image = selectors.product_image_get(product_id=product_id, pk=image_id)
    action = request.POST.get("action", "")
    if action == "alt":
        form = ImageAltForm(request.POST)
        if form.is_valid():
            services.product_image_update(image=image, alt=form.cleaned_data["alt"])
            messages.success(request, _("Description saved."))
        else:
            messages.error(request, _("A description is at most 200 characters."))
    elif action in ("up", "down"):
        services.product_image_move(image=image, offset=-1 if action == "up" else 1)
    elif action == "delete":
        services.product_image_delete(image=image)
        messages.success(request, _("Picture deleted."))
    else:
        messages.error(request, _("Unknown action."))
    return redirect("backoffice:product-images", product_id=product_id)
