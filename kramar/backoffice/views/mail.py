"""Mail pages of the back office: one letter with its thread, attachments, writing to a client
with files, sending a failed letter again.

Whoever may see the client reads its letters; writing needs ``mail.add_mailmessage`` (M8).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kramar.accounts.models import User
from kramar.backoffice.decorators import office_view
from kramar.backoffice.mail_forms import ComposeForm, TemplatePickForm
from kramar.clients.selectors import client_get
from kramar.core.errors import ApplicationError
from kramar.crm.selectors import deal_list
from kramar.mail import selectors, services
from kramar.mail.enums import MailDirection, MailStatus


def _viewer(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@office_view("mail.view_mailmessage")
def mail_detail(request: HttpRequest, mail_id: int) -> HttpResponse:
    viewer = _viewer(request)
    message = selectors.message_get(viewer=viewer, pk=mail_id)
    context = {
        "message": message,
        "thread": selectors.thread_of(viewer=viewer, message=message),
        "may_reply": viewer.has_perm("mail.add_mailmessage") and message.client_id,
        "may_resend": viewer.has_perm("mail.add_mailmessage")
        and message.direction == MailDirection.OUT
        and message.status == MailStatus.FAILED,
    }
    return render(request, "backoffice/mail/detail.html", context)


@office_view("mail.add_mailmessage")
@require_POST
def mail_resend(request: HttpRequest, mail_id: int) -> HttpResponse:
    """Send a failed letter again; the letter's page says what happened."""
    viewer = _viewer(request)
    message = selectors.message_get(viewer=viewer, pk=mail_id)
    try:
        services.mail_resend(actor=viewer, message=message)
    except ApplicationError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The letter is on its way again."))
    return redirect("backoffice:mail-detail", mail_id=mail_id)


@office_view("mail.view_mailmessage")
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    """Hand the file over as a download only (never rendered by the browser)."""
    attachment = selectors.attachment_get(viewer=_viewer(request), pk=attachment_id)
    try:
        file = attachment.file.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(
        file,
        as_attachment=True,
        filename=attachment.filename,
        content_type="application/octet-stream",
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _id(value: str | None) -> int | None:
    """Return a record id from the query string, or None for anything that is not one."""
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 19 else None


def _initial(request: HttpRequest, viewer: User, form_client_id: int) -> dict[str, object]:
    """Return the letter's first text: a reply's subject, or the chosen template filled in."""
    client = client_get(viewer=viewer, pk=form_client_id)
    initial: dict[str, object] = {}
    deal_id = _id(request.GET.get("deal"))
    deal = deal_list(viewer=viewer, client=client).filter(pk=deal_id).first() if deal_id else None
    if deal is not None:
        initial["deal"] = deal.pk
    reply_id = _id(request.GET.get("reply_to"))
    if reply_id is not None:
        original = selectors.message_get(viewer=viewer, pk=reply_id)
        subject = original.subject
        initial.update(
            reply_to=original.pk,
            subject=subject if subject.lower().startswith("re:") else f"Re: {subject}",
            deal=original.deal_id or initial.get("deal"),
        )
        if original.direction == "in" and original.from_address:
            initial["to"] = original.from_address
    picker = TemplatePickForm(request.GET or None, templates=selectors.templates_active())
    if picker.is_valid() and picker.cleaned_data["template"]:
        letter = services.mail_template_render(
            template=picker.cleaned_data["template"], client=client, sender=viewer, deal=deal
        )
        initial.update(subject=letter.subject, body=letter.body)
    return initial


@office_view("mail.add_mailmessage")
@require_http_methods(["GET", "POST"])
def mail_compose(request: HttpRequest, client_id: int) -> HttpResponse:
    viewer = _viewer(request)
    client = client_get(viewer=viewer, pk=client_id)
    deals = deal_list(viewer=viewer, client=client)
    if request.method == "POST":
        form = ComposeForm(request.POST, request.FILES, client=client, deals=deals)
        if form.is_valid():
            data = form.cleaned_data
            reply_to = (
                selectors.message_get(viewer=viewer, pk=data["reply_to"])
                if data["reply_to"]
                else None
            )
            try:
                message = services.mail_send(
                    actor=viewer,
                    client=client,
                    to=data["to"],
                    subject=data["subject"],
                    body=data["body"],
                    deal=data["deal"],
                    reply_to=reply_to,
                    attachments=[
                        services.LetterFile(
                            name=file.name or "", content=file, content_type=file.content_type
                        )
                        for file in data["attachments"]
                    ],
                )
            except ApplicationError as error:
                form.add_error(error.extra.get("field") or None, str(error.message))
            else:
                messages.success(request, _("The letter is on its way."))
                return redirect("backoffice:mail-detail", mail_id=message.pk)
    else:
        form = ComposeForm(initial=_initial(request, viewer, client.pk), client=client, deals=deals)
    context = {
        "client": client,
        "form": form,
        "picker": TemplatePickForm(request.GET or None, templates=selectors.templates_active()),
        "deal_id": request.GET.get("deal", ""),
        "reply_to": request.GET.get("reply_to", ""),
        "limits": {
            "count": settings.MAIL_MAX_ATTACHMENTS,
            "each": settings.MAIL_MAX_ATTACHMENT_BYTES,
            "total": settings.MAIL_MAX_LETTER_ATTACHMENTS_BYTES,
        },
    }
    return render(request, "backoffice/mail/compose.html", context)
