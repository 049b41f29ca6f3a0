"""The mail quarantine in the back office (M8): letters the import could not file on a client,
for administrators and heads of sales (``mail.manage_quarantine``) to file by hand or discard.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kramar.accounts.models import User
from kramar.backoffice.decorators import office_view
from kramar.backoffice.mail_forms import QuarantineFileForm
from kramar.clients.models import Client
from kramar.clients.selectors import client_list, clients_visible_to
from kramar.core.errors import ApplicationError
from kramar.crm.models import Deal
from kramar.crm.selectors import deal_list
from kramar.mail import selectors, services
from kramar.mail.models import MailMessage

MANAGE = "mail.manage_quarantine"
LIST_LIMIT = 200
FOUND_LIMIT = 20


def _viewer(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _id(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 19 else None


@office_view(MANAGE)
def quarantine_list(request: HttpRequest) -> HttpResponse:
    """The quarantined letters, newest first: who sent them, what about, and why they wait."""
    letters = selectors.quarantine_visible_to(viewer=_viewer(request))
    context = {"letters": list(letters[:LIST_LIMIT]), "total": letters.count()}
    return render(request, "backoffice/mail/quarantine.html", context)


def _deals_of(viewer: User, client: Client | None) -> QuerySet[Deal]:
    return deal_list(viewer=viewer, client=client) if client else Deal.objects.none()


def _detail(
    request: HttpRequest, message: MailMessage, form: QuarantineFileForm | None = None
) -> HttpResponse:
    viewer = _viewer(request)
    search = request.GET.get("q", "").strip()[:100]
    chosen_id = _id(request.GET.get("client"))
    chosen = clients_visible_to(viewer=viewer).filter(pk=chosen_id).first() if chosen_id else None
    if form is None and chosen is not None:
        form = QuarantineFileForm(
            initial={"client": chosen.pk},
            clients=clients_visible_to(viewer=viewer),
            deals=_deals_of(viewer, chosen),
        )
    context = {
        "message": message,
        "search": search,
        "found": list(client_list(viewer=viewer, search=search)[:FOUND_LIMIT]) if search else [],
        "suggested": list(selectors.quarantine_suggestions(viewer=viewer, message=message)),
        "chosen": chosen,
        "form": form,
    }
    return render(request, "backoffice/mail/quarantined.html", context)


@office_view(MANAGE)
def quarantine_detail(request: HttpRequest, mail_id: int) -> HttpResponse:
    """One quarantined letter: its text and files, finding the client, filing or discarding."""
    return _detail(request, selectors.quarantined_get(viewer=_viewer(request), pk=mail_id))


@office_view(MANAGE)
@require_POST
def quarantine_file(request: HttpRequest, mail_id: int) -> HttpResponse:
    viewer = _viewer(request)
    message = selectors.quarantined_get(viewer=viewer, pk=mail_id)
    clients = clients_visible_to(viewer=viewer)
    client_id = _id(request.POST.get("client"))
    client = clients.filter(pk=client_id).first() if client_id else None
    form = QuarantineFileForm(request.POST, clients=clients, deals=_deals_of(viewer, client))
    if form.is_valid():
        try:
            services.mail_quarantine_file(
                actor=viewer,
                message=message,
                client=form.cleaned_data["client"],
                deal=form.cleaned_data["deal"],
            )
        except ApplicationError as error:
            if error.status == 403:
                raise
            form.add_error(error.extra.get("field") or None, str(error.message))
        else:
            messages.success(request, _("The letter is filed on the client."))
            return redirect("backoffice:mail-detail", mail_id=message.pk)
    return _detail(request, message, form)


@office_view(MANAGE)
@require_POST
def quarantine_discard(request: HttpRequest, mail_id: int) -> HttpResponse:
    viewer = _viewer(request)
    message = selectors.quarantined_get(viewer=viewer, pk=mail_id)
    try:
        services.mail_quarantine_discard(actor=viewer, message=message)
    except ApplicationError as error:
        if error.status == 403:
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The letter is discarded."))
    return redirect("backoffice:mail-quarantine")


@office_view(MANAGE)
def quarantine_raw(request: HttpRequest, mail_id: int) -> FileResponse:
    """Hand over the bytes of an unreadable letter as they came, as a download only."""
    message = selectors.quarantined_get(viewer=_viewer(request), pk=mail_id)
    if not message.raw_file:
        raise Http404
    try:
        file = message.raw_file.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(
        file,
        as_attachment=True,
        filename=f"letter-{message.pk}.eml",
        content_type="application/octet-stream",
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
