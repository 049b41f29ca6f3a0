"""The client pages of the back office: list, card with timeline, new client (M11, M12, M14)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from kramar.accounts.models import User
from kramar.backoffice.clients_forms import (
    ClientFilterForm,
    ClientForm,
    NoteForm,
    ReassignForm,
    SavedViewForm,
    TimelineFilterForm,
)
from kramar.backoffice.deals_forms import PlanForm, PlanTemplateForm
from kramar.backoffice.decorators import office_view
from kramar.clients import selectors, services
from kramar.clients.enums import TimelineKind
from kramar.clients.exports import clients_csv
from kramar.core.errors import ApplicationError
from kramar.crm.models import ActivityOutcome
from kramar.crm.selectors import client_plan, deal_list
from kramar.tracking.selectors import client_touch, client_visits

PAGE_SIZE = 50
EXPORT_CHUNK = 1000


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@office_view("clients.view_client")
def client_list(request: HtmxHttpRequest) -> HttpResponse:
    viewer: User = request.user  # type: ignore[assignment]
    filters = ClientFilterForm(request.GET or None, viewer=viewer)
    clients = selectors.client_list(viewer=viewer, **filters.selector_filters())
    page = Paginator(clients, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    current = ClientFilterForm.query_for(filters.selector_filters())
    views = [
        (view, ClientFilterForm.query_for(view.filters))
        for view in selectors.saved_views_of(viewer=viewer)
    ]
    context = {
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "current_query": current,
        "saved_views": views,
        "view_form": SavedViewForm(),
    }
    if viewer.has_perm("clients.reassign_client"):
        context["reassign_form"] = ReassignForm(viewer=viewer)
    template = "backoffice/clients/list.html"
    if request.htmx and request.htmx.target == "client-rows":
        template += "#rows"
    return render(request, template, context)


@office_view("clients.view_client")
@require_GET
def client_export(request: HttpRequest) -> StreamingHttpResponse:
    """The list's clients as CSV, with the list's filters: only what the viewer may see."""
    viewer: User = request.user  # type: ignore[assignment]
    filters = ClientFilterForm(request.GET or None, viewer=viewer)
    clients = selectors.client_list(viewer=viewer, **filters.selector_filters())
    services.client_list_exported(actor=viewer, query=request.GET.urlencode(), rows=clients.count())
    response = StreamingHttpResponse(
        clients_csv(clients.iterator(chunk_size=EXPORT_CHUNK)),
        content_type="text/csv; charset=utf-8",
    )
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="kramar-clients-{stamp}.csv"'
    return response


@office_view("clients.view_client")
@require_POST
def client_view_save(request: HttpRequest) -> HttpResponse:
    """Keep the list's current filters under a name, for oneself."""
    viewer: User = request.user  # type: ignore[assignment]
    form = SavedViewForm(request.POST)
    query = request.POST.get("query", "")
    filters = ClientFilterForm(QueryDict(query), viewer=viewer)
    if not form.is_valid():
        messages.error(request, _("Give the view a name of up to 80 characters."))
    elif query and not filters.is_valid():
        messages.error(request, _("These filters cannot be kept: correct them first."))
    else:
        try:
            view = services.saved_view_save(
                owner=viewer, name=form.cleaned_data["name"], filters=filters.selector_filters()
            )
        except ApplicationError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    return redirect(
        f"{reverse('backoffice:client-list')}?{query}" if query else "backoffice:client-list"
    )


@office_view("clients.view_client")
@require_POST
def client_view_delete(request: HttpRequest, view_id: int) -> HttpResponse:
    viewer: User = request.user  # type: ignore[assignment]
    view = selectors.saved_view_get(viewer=viewer, pk=view_id)
    services.saved_view_delete(owner=viewer, view=view)
    messages.success(request, _("View “%(name)s” deleted.") % {"name": view.name})
    return redirect("backoffice:client-list")


@office_view("clients.add_client")
@require_http_methods(["GET", "POST"])
def client_create(request: HttpRequest) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            client = services.client_create(
                actor=actor,
                manager=selectors.default_manager_for(actor=actor),
                **form.service_arguments(),
            )
        except ApplicationError as error:
            field = ClientForm.SERVICE_FIELDS.get(str(error.extra.get("field")))
            form.add_error(field, str(error.message))
        else:
            messages.success(request, _("Client “%(name)s” created.") % {"name": client.name})
            return redirect("backoffice:client-detail", client_id=client.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "backoffice/clients/form.html", {"form": form}, status=status)


@office_view("clients.view_client")
def client_detail(request: HttpRequest, client_id: int) -> HttpResponse:
    viewer: User = request.user  # type: ignore[assignment]
    client = selectors.client_get(viewer=viewer, pk=client_id)
    timeline_filter = TimelineFilterForm(request.GET or None)
    kinds = timeline_filter.cleaned_data["kind"] if timeline_filter.is_valid() else []
    timeline = selectors.client_timeline(viewer=viewer, client=client, kinds=kinds)
    context = {
        "client": client,
        "contacts": selectors.client_list(viewer=viewer).filter(company=client)[:100],
        "timeline_page": Paginator(timeline, 30).get_page(request.GET.get("page")),
        "timeline_filter": timeline_filter,
        "note_form": NoteForm(),
        "duplicates": selectors.client_duplicates(viewer=viewer, client=client)[:10],
        "may_note": viewer.has_perm("clients.add_timelineentry"),
        "deals": deal_list(viewer=viewer, client=client)[:50],
        "plan": client_plan(viewer=viewer, client=client),
        "plan_form": PlanForm(deals=deal_list(viewer=viewer, client=client, status="open")),
        "template_form": PlanTemplateForm(
            deals=deal_list(viewer=viewer, client=client, status="open")
        ),
        "now": timezone.now(),
        "outcomes": list(ActivityOutcome.objects.all()),
        "site_visits": client_visits(client=client),
        "site_touch": client_touch(client=client),
        "may_export_site_data": viewer.has_perm("tracking.export_site_data"),
    }
    return render(request, "backoffice/clients/detail.html", context)


@office_view("clients.add_timelineentry")
@require_POST
def client_add_note(request: HtmxHttpRequest, client_id: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    client = selectors.client_get(viewer=actor, pk=client_id)
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A note needs text (up to 300 characters)."))
        return redirect("backoffice:client-detail", client_id=client.pk)
    entry = services.timeline_record(
        client=client, kind=TimelineKind.NOTE, summary=form.cleaned_data["text"], actor=actor
    )
    if request.htmx:
        return render(request, "backoffice/clients/detail.html#entry", {"entry": entry})
    return redirect("backoffice:client-detail", client_id=client.pk)


@office_view("clients.merge_clients")
@require_POST
def client_merge(request: HttpRequest, client_id: int) -> HttpResponse:
    """Fold a duplicate into this client: every record of the duplicate moves here."""
    actor: User = request.user  # type: ignore[assignment]
    target = selectors.client_get(viewer=actor, pk=client_id)
    try:
        duplicate_id = int(request.POST.get("duplicate", ""))
    except ValueError:
        messages.error(request, _("Choose the duplicate to merge."))
        return redirect("backoffice:client-detail", client_id=target.pk)
    duplicate = selectors.client_get(viewer=actor, pk=duplicate_id)
    try:
        services.client_merge(actor=actor, source=duplicate, target=target)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("“%(name)s” was merged into this client.") % {"name": duplicate.name}
        )
    return redirect("backoffice:client-detail", client_id=target.pk)


@office_view("clients.reassign_client")
@require_POST
def client_reassign(request: HttpRequest) -> HttpResponse:
    """Hand the chosen clients to another manager (heads of sales, M15)."""
    actor: User = request.user  # type: ignore[assignment]
    form = ReassignForm(request.POST, viewer=actor)
    if not form.is_valid():
        messages.error(request, _("Choose the clients and the new manager."))
    else:
        chosen = selectors.clients_visible_to(viewer=actor).filter(
            pk__in=form.cleaned_data["clients"]
        )
        try:
            count = services.clients_assign_manager_bulk(
                actor=actor,
                clients=chosen.select_related("manager"),
                manager=form.cleaned_data["manager"],
            )
        except ApplicationError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("%(n)d clients reassigned.") % {"n": count})
    back = request.POST.get("back", "")
    return redirect(back if back.startswith("/office/") else "backoffice:client-list")
