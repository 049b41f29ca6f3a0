"""What the client and deal cards show of the correspondence, read through the mail selectors.

A tag rather than the cards' views, so that the client and deal pages need not know the mail app.
"""

from __future__ import annotations

from typing import Any

from django import template

from kramar.mail.models import MailMessage
from kramar.mail.selectors import client_messages, deal_messages

register = template.Library()
CARD_LIMIT = 20


@register.simple_tag(takes_context=True)
def client_mail(context: dict[str, Any], client: Any) -> list[MailMessage]:
    """Return the client's latest letters, if the signed-in person may read mail."""
    viewer = context["request"].user
    if not viewer.has_perm("mail.view_mailmessage"):
        return []
    return list(client_messages(viewer=viewer, client=client)[:CARD_LIMIT])


@register.simple_tag(takes_context=True)
def deal_mail(context: dict[str, Any], deal: Any) -> list[MailMessage]:
    """Return the latest letters filed on the deal."""
    viewer = context["request"].user
    if not viewer.has_perm("mail.view_mailmessage"):
        return []
    return list(deal_messages(viewer=viewer, deal=deal)[:CARD_LIMIT])
