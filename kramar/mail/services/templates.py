"""Letter templates with ``{placeholder}`` names, filled from a fixed, safe context.

No template engine runs on what staff type: a placeholder is a known name in braces and is
replaced by plain text, so a template cannot reach an attribute, a method or a setting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kramar.accounts.models import User
from kramar.clients.models import Client
from kramar.core.errors import ApplicationError
from kramar.crm.models import Deal
from kramar.mail.enums import MailErrorCode
from kramar.mail.models import MailTemplate

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
PLACEHOLDERS = (
    "client_name",
    "first_name",
    "company",
    "deal_title",
    "sender_name",
    "sender_email",
    "today",
)


@dataclass(frozen=True)
class RenderedLetter:
    subject: str
    body: str


def placeholders_check(text: str, *, field: str) -> None:
    """Refuse a template text that names a placeholder Kramar does not know."""
    unknown = sorted({name for name in PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})
    if unknown:
        raise ApplicationError(
            MailErrorCode.UNKNOWN_PLACEHOLDER,
            _("Unknown placeholders: %(names)s. Known: %(known)s.")
            % {
                "names": ", ".join(f"{{{name}}}" for name in unknown),
                "known": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
            },
            extra={"field": field, "unknown": unknown},
        )


def placeholder_values(*, client: Client, sender: User, deal: Deal | None = None) -> dict[str, str]:
    """Return the value of every placeholder for a letter to ``client`` from ``sender``."""
    return {
        "client_name": client.name,
        "first_name": client.first_name or client.name,
        "company": client.company.name if client.company_id and client.company else "",
        "deal_title": deal.title if deal is not None else "",
        "sender_name": sender.get_full_name() or sender.email,
        "sender_email": sender.email,
        "today": f"{timezone.localdate():%d.%m.%Y}",
    }


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    """Replace each known ``{name}``; anything else in braces stays as it was typed."""
    return PLACEHOLDER.sub(lambda found: values.get(found.group(1), found.group(0)), text)


def mail_template_render(
    *, template: MailTemplate, client: Client, sender: User, deal: Deal | None = None
) -> RenderedLetter:
    """Return the template's subject and text filled for this client, deal and sender."""
    values = placeholder_values(client=client, sender=sender, deal=deal)
    subject = " ".join(fill_placeholders(template.subject, values).split())
    return RenderedLetter(subject=subject, body=fill_placeholders(template.body, values))


@transaction.atomic
def mail_template_save(
    *,
    name: str,
    subject: str,
    body: str,
    is_active: bool = True,
    template: MailTemplate | None = None,
) -> MailTemplate:
    """Create or change a template after checking its placeholders."""
    placeholders_check(subject, field="subject")
    placeholders_check(body, field="body")
    template = template or MailTemplate()
    template.name, template.subject, template.body = name.strip(), subject.strip(), body
    template.is_active = is_active
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError:
        raise ApplicationError(
            MailErrorCode.TEMPLATE_NAME_TAKEN,
            _("A template with this name exists."),
            extra={"field": "name"},
        ) from None
    return template
