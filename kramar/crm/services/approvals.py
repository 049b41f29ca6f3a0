"""Changes above a limit wait for a head's approval (issue 5 item 2; M3, M15).

A sales manager may give a deal a discount up to ``CRM_DISCOUNT_APPROVAL_ABOVE`` percent; above
it the discount becomes an ``ApprovalRequest`` for the heads of the deal's department, and the
deal keeps its discount until a head approves. Heads (``crm.decide_approvalrequest``) set any
discount themselves. The kinds other apps own (a client's credit limit, kept by billing) plug in
their own ``approval_applier_register``: the head's approval then calls it in the transaction of
the decision. Every request and decision is on record and in the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kramar.accounts.models import Department, User
from kramar.clients.enums import TimelineKind
from kramar.clients.models import Client
from kramar.clients.services import timeline_record
from kramar.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from kramar.crm.enums import ApprovalKind, ApprovalStatus, CrmErrorCode
from kramar.crm.models import ApprovalRequest, Deal
from kramar.crm.services.access import deal_require_change
from kramar.notifications.services import notification_deliver

DECIDE = "crm.decide_approvalrequest"
# (actor, request) -> None: make the approved change; registered per kind by the owning app.
Applier = Callable[[User, ApprovalRequest], None]
_appliers: dict[str, Applier] = {}


def approval_applier_register(kind: ApprovalKind | str, applier: Applier) -> None:
    _appliers[str(kind)] = applier


def _percent(value: Decimal | str | int) -> Decimal:
    try:
        percent = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        percent = Decimal("-1")
    if not Decimal("0") <= percent <= Decimal("100"):
        raise ApplicationError(
            CrmErrorCode.INVALID_DISCOUNT,
            _("A discount is between 0 and 100 percent."),
            extra={"field": "percent"},
        )
    return percent


def approval_request_open(
    *,
    actor: User,
    kind: ApprovalKind,
    client: Client,
    value: Decimal,
    previous_value: Decimal | None,
    department: Department | None,
    deal: Deal | None = None,
    note: str = "",
) -> ApprovalRequest:
    """Ask the heads of ``department`` to approve a change; a newer ask replaces a pending one."""
    ApprovalRequest.objects.filter(
        kind=kind, client=client, deal=deal, status=ApprovalStatus.PENDING
    ).update(status=ApprovalStatus.WITHDRAWN)
    request = ApprovalRequest.objects.create(
        kind=kind,
        client=client,
        deal=deal,
        department=department,
        value=value,
        previous_value=previous_value,
        note=note[:500],
        requested_by=actor,
    )
    heads = department.heads.filter(is_active=True) if department else User.objects.none()
    for head in heads:
        notification_deliver(
            recipient=head,
            key=f"approval:{request.pk}:{head.pk}",
            kind="approval",
            title=_("%(who)s asks you to approve: %(what)s")
            % {"who": actor, "what": request.get_kind_display()},
            body=f"{client}: {value}",
            url="/office/approvals/",
        )
    return request


@transaction.atomic
def deal_set_discount(
    *, actor: User, deal: Deal, percent: Decimal | str | int, note: str = ""
) -> ApprovalRequest | None:
    """Give a deal a discount: at once up to the limit (or for a head), else ask a head.

    Returns the approval request when one was opened, None when the discount was applied.
    """
    deal_require_change(actor=actor, deal=deal)
    percent = _percent(percent)
    deal = Deal.objects.select_for_update().get(pk=deal.pk)
    limit = Decimal(settings.CRM_DISCOUNT_APPROVAL_ABOVE)
    if percent <= limit or actor.has_perm(DECIDE):
        if deal.discount_percent != percent:
            deal.discount_percent = percent
            deal.save(update_fields=["discount_percent", "updated_at"])
        return None
    return approval_request_open(
        actor=actor,
        kind=ApprovalKind.DISCOUNT,
        client=deal.client,
        deal=deal,
        department=deal.department,
        value=percent,
        previous_value=deal.discount_percent,
        note=note,
    )


def _apply_discount(actor: User, request: ApprovalRequest) -> None:
    deal = (
        Deal.objects.select_for_update().filter(pk=request.deal_id).first()
        if request.deal_id is not None
        else None
    )
    if deal is None:
        raise ApplicationError(CrmErrorCode.NO_APPLIER, _("The deal is gone."), status=409)
    deal.discount_percent = request.value
    deal.save(update_fields=["discount_percent", "updated_at"])


_appliers[ApprovalKind.DISCOUNT] = _apply_discount


@transaction.atomic
def approval_decide(
    *, actor: User, request: ApprovalRequest, approve: bool, note: str = ""
) -> ApprovalRequest:
    """Approve (the change is made now) or refuse a pending request; the asker is told."""
    if not actor.has_perm(DECIDE):
        raise PermissionDeniedError(
            CrmErrorCode.MAY_NOT_CHANGE, _("Only a head decides."), extra={"permission": DECIDE}
        )
    everywhere = actor.is_superuser or actor.has_perm("crm.view_all_deals")
    theirs = ApprovalRequest.objects.filter(pk=request.pk, department__heads=actor).exists()
    if not (everywhere or theirs):
        raise NotFoundError(CrmErrorCode.APPROVAL_NOT_FOUND, _("No such request."))
    request = ApprovalRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ApprovalStatus.PENDING:
        raise ApplicationError(
            CrmErrorCode.APPROVAL_DECIDED, _("This request is decided already."), status=409
        )
    if approve:
        applier = _appliers.get(request.kind)
        if applier is None:
            raise ApplicationError(
                CrmErrorCode.NO_APPLIER, _("Nothing can make this kind of change."), status=409
            )
        applier(actor, request)
    request.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REFUSED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_note = note[:500]
    request.save(
        update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"]
    )
    timeline_record(
        client=request.client,
        kind=TimelineKind.NOTE,
        actor=actor,
        source=request.deal or request.client,
        summary=_("%(what)s %(value)s: %(decision)s")
        % {
            "what": request.get_kind_display(),
            "value": request.value,
            "decision": request.get_status_display(),
        },
        contact=False,
    )
    notification_deliver(
        recipient=request.requested_by,
        key=f"approval-decided:{request.pk}",
        kind="approval",
        title=_("%(what)s: %(decision)s")
        % {"what": request.get_kind_display(), "decision": request.get_status_display()},
        body=request.decision_note,
        url=f"/office/deals/{request.deal_id}/" if request.deal_id else "",
    )
    return request
