"""Client credit limits (billing owns them, keyed by client)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from kramar.accounts.models import User
from kramar.billing.enums import BillingErrorCode
from kramar.billing.models import CreditLimit
from kramar.clients.models import Client
from kramar.core.errors import ApplicationError
from kramar.core.money import quantize


@transaction.atomic
def credit_limit_set(*, actor: User | None, client: Client, amount: Decimal | None) -> None:
    """Set the client's credit limit; None removes it (no limit)."""
    if amount is None:
        CreditLimit.objects.filter(client=client).delete()
        return
    value = quantize(amount)
    if not value.is_finite() or value < 0 or value > Decimal("999999999999.99"):
        raise ApplicationError(
            BillingErrorCode.BAD_AMOUNT, _("A credit limit cannot be negative."),
            extra={"field": "amount"},
        )  # fmt: skip
    CreditLimit.objects.update_or_create(client=client, defaults={"amount": value, "set_by": actor})
