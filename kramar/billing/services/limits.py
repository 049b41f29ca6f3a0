"""Client credit limits (billing owns them, keyed by client).

A limit above ``BILLING_CREDIT_LIMIT_APPROVAL_ABOVE`` set by someone who is not a head
(``crm.decide_approvalrequest``) becomes an approval request for the heads of the client's
department (issue 5 item 2, M15); the limit changes only when a head approves, through the
applier billing registers with the CRM's approvals.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from kramar.accounts.models import User
from kramar.billing.enums import BillingErrorCode
from kramar.billing.models import CreditLimit
from kramar.clients.models import Client
from kramar.core.errors import ApplicationError
from kramar.core.money import quantize
from kramar.crm.enums import ApprovalKind
from kramar.crm.models import ApprovalRequest
from kramar.crm.services import approval_request_open
from kramar.crm.services.approvals import DECIDE


@transaction.atomic
def credit_limit_set(
    *, actor: User | None, client: Client, amount: Decimal | None, approved: bool = False
) -> ApprovalRequest | None:
    """Set the client's credit limit (None removes it); return the approval request instead
    when the limit is above what the actor may grant alone."""
    if amount is None:
        CreditLimit.objects.filter(client=client).delete()
        return None
    value = quantize(amount)
    if not value.is_finite() or value < 0 or value > Decimal("999999999999.99"):
        raise ApplicationError(
            BillingErrorCode.BAD_AMOUNT, _("A credit limit cannot be negative."),
            extra={"field": "amount"},
        )  # fmt: skip
    above = value > Decimal(settings.BILLING_CREDIT_LIMIT_APPROVAL_ABOVE)
    if above and not approved and actor is not None and not actor.has_perm(DECIDE):
        current = CreditLimit.objects.filter(client=client).first()
        return approval_request_open(
            actor=actor,
            kind=ApprovalKind.CREDIT_LIMIT,
            client=client,
            value=value,
            previous_value=current.amount if current else None,
            department=client.department,
        )
    CreditLimit.objects.update_or_create(client=client, defaults={"amount": value, "set_by": actor})
    return None


def apply_approved_credit_limit(actor: User, request: ApprovalRequest) -> None:
    """The CRM's approvals call this when a head approves a credit limit (in their transaction)."""
    credit_limit_set(actor=actor, client=request.client, amount=request.value, approved=True)
