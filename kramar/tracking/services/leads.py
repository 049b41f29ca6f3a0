"""Web forms of the shop become clients, leads and a manager's first step (M6, M8, M12).

Who gets the lead is the CRM's choice, the same for every channel
(``crm.services.assignment.lead_manager_for``; docs/tracking.md, "Assignment"): the form's kind
is the channel.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kramar.catalog.models import Product
from kramar.clients.enums import ClientKind, ClientSource
from kramar.clients.models import Client, ClientPhone
from kramar.clients.services import (
    client_add_email,
    client_add_phone,
    client_assign_manager,
    client_create,
)
from kramar.clients.services.records import normalize_email, normalize_phone
from kramar.crm.enums import ActivityKind
from kramar.crm.models import Pipeline
from kramar.crm.services import activity_plan, deal_create
from kramar.crm.services.assignment import lead_manager_for
from kramar.tracking.enums import WebFormKind
from kramar.tracking.models import WebFormSubmission
from kramar.tracking.services.attribution import deal_touch_record

LEAD_SOURCE = "site-form"
FIRST_STEP = {
    WebFormKind.CALLBACK: ActivityKind.CALL,
    WebFormKind.QUOTE: ActivityKind.OFFER,
    WebFormKind.CONTACT: ActivityKind.EMAIL,
    WebFormKind.QUESTION: ActivityKind.EMAIL,
}


def _client_for_form(*, name: str, email: str, phone: str) -> Client:
    """Find the client by e-mail, else by phone; add what is new to it, or create one."""
    address = normalize_email(email) if email else ""
    number = normalize_phone(phone) if phone else ""
    alive = Client.objects.select_for_update().filter(merged_into__isnull=True, deleted_at=None)
    client = None
    if address:
        client = alive.filter(emails__email=address).order_by("pk").first()
    if client is None and number:
        owner = ClientPhone.objects.filter(number=number, client__merged_into__isnull=True)
        client = alive.filter(pk__in=owner.values("client_id")).order_by("pk").first()
    if client is None:
        return client_create(
            actor=None,
            kind=ClientKind.PERSON,
            name=" ".join(name.split()) or address or number,
            emails=[address] if address else [],
            phones=[number] if number else [],
            source=ClientSource.SITE,
        )
    if address and not client.emails.filter(email=address).exists():
        client_add_email(actor=None, client=client, email=address)
    if number and not client.phones.filter(number=number).exists():
        client_add_phone(actor=None, client=client, number=number)
    return client


@transaction.atomic
def web_form_submit(
    *,
    kind: WebFormKind,
    name: str,
    email: str = "",
    phone: str = "",
    message: str = "",
    product: Product | None = None,
    now: datetime | None = None,
    visitor_id: str = "",
    touch: dict[str, str] | None = None,
) -> WebFormSubmission:
    """Take a form from the shop: the client, a lead in the first stage, a planned first step.

    ``visitor_id`` and ``touch`` (the current visit's campaign, referrer and landing page) come
    from a visitor who accepted tracking; the lead then keeps its first and last touch.
    """
    now = now or timezone.now()
    kind = WebFormKind(kind)
    client = _client_for_form(name=name, email=email, phone=phone)
    manager = lead_manager_for(channel=kind, client=client, product=product)
    submission = WebFormSubmission.objects.create(
        kind=kind,
        client=client,
        name=name[:200],
        email=email,
        phone=phone,
        message=message,
        product=product,
    )
    if manager is None:
        return submission  # no sales staff yet: the client and the form are kept
    if client.manager_id is None:
        client_assign_manager(actor=None, client=client, manager=manager)
    code = "wholesale" if kind == WebFormKind.QUOTE else "retail"
    pipeline = (
        Pipeline.objects.filter(code=code, is_active=True).first()
        or Pipeline.objects.filter(is_active=True).order_by("order", "pk").first()
    )
    title = kind.label if product is None else f"{kind.label}: {product.name}"
    if pipeline is not None:
        submission.deal = deal_create(
            actor=None,
            client=client,
            pipeline=pipeline,
            title=str(title)[:200],
            manager=manager,
            description=message,
            source=LEAD_SOURCE,
            now=now,
        )
        submission.save(update_fields=["deal"])
        if visitor_id or touch:
            deal_touch_record(deal=submission.deal, visitor_id=visitor_id, current=touch, now=now)
    subject = {
        WebFormKind.CALLBACK: _("Call back %(name)s"),
        WebFormKind.QUOTE: _("Send a wholesale quote to %(name)s"),
        WebFormKind.QUESTION: _("Answer the product question of %(name)s"),
        WebFormKind.CONTACT: _("Answer the message of %(name)s"),
    }[kind] % {"name": client.name}
    activity_plan(
        actor=manager,
        client=client,
        kind=FIRST_STEP[kind],
        subject=subject[:200],
        due_at=now + settings.TRACKING_LEAD_ANSWER_WITHIN,
        owner=manager,
        deal=submission.deal,
    )
    return submission
