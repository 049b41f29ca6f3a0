"""The mail part of the JSON API: a client's letters, one letter, sending one with or without
files, sending a failed one again (M8).

The same services, selectors and rules as the office pages; no business rule lives here.
"""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status, UploadedFile
from ninja.pagination import paginate

from kramar.accounts.models import User
from kramar.accounts.permissions import require_permission
from kramar.clients.models import Client
from kramar.clients.selectors import client_get
from kramar.core.errors import ApplicationError, CoreErrorCode
from kramar.core.pagination import PageNumberPagination
from kramar.core.schemas import AUTHENTICATED, Id, problems
from kramar.crm.selectors import deal_get
from kramar.mail import selectors, services
from kramar.mail.models import MailMessage, MailTemplate
from kramar.mail.schemas import (
    MailLetterIn,
    MailListOut,
    MailOut,
    MailSendIn,
    MailTemplateOut,
)

router = Router(tags=["mail"])
VIEW_MAIL = "mail.view_mailmessage"
SEND_MAIL = "mail.add_mailmessage"


@router.get(
    "/clients/{client_id}/mail",
    response={200: list[MailListOut], **problems(*AUTHENTICATED, 404)},
    summary="A client's letters, in and out, newest first",
)
@paginate(PageNumberPagination)
def client_mail(request: HttpRequest, client_id: Id, **kwargs: Any) -> Any:
    user = require_permission(request, VIEW_MAIL)
    return selectors.client_messages(viewer=user, client=client_get(viewer=user, pk=client_id))


@router.get(
    "/mail/{mail_id}",
    response={200: MailOut, **problems(*AUTHENTICATED, 404)},
    summary="One letter with its text and attachments",
)
def mail_detail(request: HttpRequest, mail_id: Id) -> MailMessage:
    user = require_permission(request, VIEW_MAIL)
    return selectors.message_get(viewer=user, pk=mail_id)


@router.get(
    "/mail-templates",
    response={200: list[MailTemplateOut], **problems(*AUTHENTICATED)},
    summary="Letter templates; `{placeholder}` names are filled when sending",
)
def mail_template_list(request: HttpRequest) -> list[MailTemplate]:
    require_permission(request, VIEW_MAIL)
    return list(selectors.templates_active())


def _send(
    user: User, client: Client, payload: MailLetterIn, files: list[UploadedFile]
) -> MailMessage:
    deal = deal_get(viewer=user, pk=payload.deal_id) if payload.deal_id else None
    reply_to = (
        selectors.message_get(viewer=user, pk=payload.reply_to_id) if payload.reply_to_id else None
    )
    subject, body = payload.subject, payload.body
    if payload.template_id:
        template = selectors.templates_active().filter(pk=payload.template_id).first()
        if template is None:
            raise ApplicationError(
                CoreErrorCode.VALIDATION,
                _("There is no such record: %(field)s.") % {"field": "template_id"},
                extra={"field": "template_id"},
            )
        letter = services.mail_template_render(
            template=template, client=client, sender=user, deal=deal
        )
        subject, body = subject or letter.subject, body or letter.body
    message = services.mail_send(
        actor=user,
        client=client,
        to=payload.to,
        subject=subject,
        body=body,
        deal=deal,
        reply_to=reply_to,
        attachments=[
            services.LetterFile(
                name=file.name or "", content=file, content_type=file.content_type or ""
            )
            for file in files
        ],
    )
    return selectors.message_get(viewer=user, pk=message.pk)


@router.post(
    "/mail",
    response={201: MailOut, **problems(*AUTHENTICATED, 400, 404)},
    summary="Write to a client: queued now, sent by the worker, on the timeline at once",
)
def mail_send(request: HttpRequest, payload: MailSendIn) -> Status:
    user = require_permission(request, SEND_MAIL)
    client = client_get(viewer=user, pk=payload.client_id)
    return Status(201, _send(user, client, payload, []))


@router.post(
    "/clients/{client_id}/mail",
    response={201: MailOut, **problems(*AUTHENTICATED, 400, 404, 413)},
    summary="Write to a client with files (multipart/form-data)",
    description=(
        "The letter's fields are form fields (as in `POST /mail`, without `client_id`), and "
        "each file is one `attachments` part. Limits: `MAIL_MAX_ATTACHMENTS` files, each at "
        "most `MAIL_MAX_ATTACHMENT_BYTES`, all together at most "
        "`MAIL_MAX_LETTER_ATTACHMENTS_BYTES` (10, 10 MiB and 20 MiB by default); over a size "
        "limit answers 413, over the count 400, and nothing is written."
    ),
)
def mail_send_with_files(
    request: HttpRequest,
    client_id: Id,
    payload: Form[MailLetterIn],
    attachments: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status:
    user = require_permission(request, SEND_MAIL)
    client = client_get(viewer=user, pk=client_id)
    return Status(201, _send(user, client, payload, list(attachments or [])))


@router.post(
    "/mail/{mail_id}/resend",
    response={200: MailOut, **problems(*AUTHENTICATED, 400, 404, 409)},
    summary="Send a failed letter again (same Message-ID and files); 409 unless it failed",
)
def mail_resend(request: HttpRequest, mail_id: Id) -> MailMessage:
    user = require_permission(request, SEND_MAIL)
    message = selectors.message_get(viewer=user, pk=mail_id)
    services.mail_resend(actor=user, message=message)
    return selectors.message_get(viewer=user, pk=mail_id)
