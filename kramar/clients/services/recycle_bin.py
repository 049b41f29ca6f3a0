"""Deleting a client puts it in the recycle bin; the head of its department restores it (M3).

A deleted client disappears from every list, search, report and API answer (the selectors leave
it out), and with it its deals, activities and plan; nothing is erased, so a restore brings all
of it back. A client with orders is never deleted: the sales history stays whole (merge a
duplicate instead).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kramar.accounts.models import User
from kramar.clients.enums import ClientsErrorCode
from kramar.clients.models import Client
from kramar.clients.selectors import client_in_recycle_bin_get
from kramar.clients.services.access import client_require_change
from kramar.core.errors import ApplicationError


@transaction.atomic
def client_delete(*, actor: User, client: Client) -> Client:
    """Move a client to the recycle bin."""
    client_require_change(actor=actor, client=client, permission="clients.delete_client")
    if client.orders.exists():
        raise ApplicationError(
            ClientsErrorCode.HAS_SALES,
            _("A client with orders cannot be deleted; merge a duplicate instead."),
            status=409,
        )
    client.deleted_at = timezone.now()
    client.deleted_by = actor
    client.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    return client


@transaction.atomic
def client_restore(*, actor: User, client: Client) -> Client:
    """Bring a client back from the recycle bin with its deals, activities and history."""
    # A deleted record is visible to nobody but those who may restore it: anyone else is
    # told "not found", so the bin's contents do not leak.
    client_in_recycle_bin_get(viewer=actor, pk=client.pk)
    client.deleted_at = None
    client.deleted_by = None
    client.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    return client
