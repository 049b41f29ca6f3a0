"""The catalogue's CSV in the back office: the export and the imports with their progress."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kramar.accounts.models import User
from kramar.backoffice.catalog_forms import ImportForm, ProductFilterForm
from kramar.backoffice.decorators import office_view
from kramar.backoffice.views.catalog import HtmxHttpRequest, require_perm
from kramar.catalog import exports, imports, selectors
from kramar.catalog.enums import ImportStatus
from kramar.catalog.models import ProductImport
from kramar.core.errors import ApplicationError

EXPORT_CHUNK = 1000


@office_view("catalog.view_productimport")
@require_GET
def product_export(request: HttpRequest) -> StreamingHttpResponse:
    """Stream the products the list's filters select as CSV, a row per variant.

    The file carries purchase costs, so it is for those who keep the catalogue (the same
    permission as the imports it is the template of).
    """
    filters = ProductFilterForm(request.GET or None)
    products = selectors.product_list(**filters.selector_filters())
    spreadsheet = request.GET.get("flavour") == "spreadsheet"
    variants = selectors.variants_for_export(products=products).iterator(chunk_size=EXPORT_CHUNK)
    response = StreamingHttpResponse(
        exports.export_csv(variants, for_spreadsheet=spreadsheet),
        content_type="text/csv; charset=utf-8",
    )
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="kramar-products-{stamp}.csv"'
    return response


@office_view("catalog.view_productimport")
@require_http_methods(["GET", "POST"])
def import_list(request: HttpRequest) -> HttpResponse:
    """Upload a CSV to import, and the imports made before."""
    form = ImportForm()
    status = 200
    if request.method == "POST":
        require_perm(request, "catalog.add_productimport")
        actor: User = request.user  # type: ignore[assignment]
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                job = imports.product_import_start(file=form.cleaned_data["file"], actor=actor)
            except ApplicationError as error:
                form.add_error("file", str(error.message))
            else:
                messages.success(request, _("The file is queued for import."))
                return redirect("backoffice:import-detail", import_id=job.pk)
        status = 400
    page = Paginator(selectors.product_import_list(), 20).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rows": [(job, _file_name(job)) for job in page],
        "may_import": request.user.has_perm("catalog.add_productimport"),
    }
    return render(request, "backoffice/catalog/imports.html", context, status=status)


@office_view("catalog.view_productimport")
def import_detail(request: HtmxHttpRequest, import_id: int) -> HttpResponse:
    """An import's progress bar (polled while the worker runs it), then its refused rows."""
    job = selectors.product_import_get(pk=import_id)
    context = {
        "job": job,
        "file_name": _file_name(job),
        "running": job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING),
        "failed_rows": imports.failed_rows(job),
        "percent": round(100 * job.processed_rows / job.total_rows) if job.total_rows else 0,
    }
    template = "backoffice/catalog/import_detail.html"
    if request.htmx:
        template += "#progress"
    return render(request, template, context)


def _file_name(job: ProductImport) -> str:
    """Return the name the file was uploaded with, without the storage's folders."""
    return job.file.name.rsplit("/", 1)[-1] if job.file.name else ""
