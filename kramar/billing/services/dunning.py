"""Dunning: the daily round that marks invoices overdue, sends the reminder of each step once,
and plans a follow-up for the responsible manager when an invoice becomes overdue (M13, M17).

The steps are days relative to the due date (``BILLING_DUNNING_STEPS``, e.g. -3,1,7,14,30): on
each day only the latest step reached is sent (an invoice issued late does not get three
reminders at once), and a step is sent once (a unique row per invoice and step).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kramar.billing.enums import OPEN_STATUSES, InvoiceStatus
from kramar.billing.models import DunningNotice, Invoice
from kramar.billing.services.invoices import invoice_refresh
from kramar.clients.enums import TimelineKind
from kramar.clients.services import timeline_record
from kramar.crm.enums import ActivityKind
from kramar.crm.services import activity_plan


@dataclass(frozen=True)
class DunningRound:
    overdue_marked: int
    notices: list[int]  # DunningNotice ids made in this round
    activities: int


def dunning_steps() -> list[int]:
    steps: list[int] = settings.BILLING_DUNNING_STEPS
    return sorted(steps)


def _step_reached(due: date, today: date, steps: list[int]) -> int | None:
    reached = [step for step in steps if due + timedelta(days=step) <= today]
    return reached[-1] if reached else None


def overdue_mark(*, today: date) -> int:
    """Mark the open invoices past their due date overdue; return how many changed."""
    count = 0
    due = Invoice.objects.filter(
        status__in=(InvoiceStatus.ISSUED, InvoiceStatus.PARTLY_PAID), due_date__lt=today
    ).values_list("pk", flat=True)
    for invoice_id in list(due):
        with transaction.atomic():
            invoice = Invoice.objects.select_for_update().get(pk=invoice_id)
            before = invoice.status
            if invoice_refresh(invoice=invoice, today=today).status != before:
                count += 1
    return count


def dunning_run(*, today: date | None = None) -> DunningRound:
    """Run the day's dunning: overdue statuses, reminders and follow-ups."""
    today = today or timezone.localdate()
    marked = overdue_mark(today=today)
    steps = dunning_steps()
    if not steps:
        return DunningRound(marked, [], 0)
    earliest = today - timedelta(days=steps[0])
    invoices = (
        Invoice.objects.filter(status__in=OPEN_STATUSES, due_date__lte=earliest)
        .select_related("client", "manager")
        .order_by("due_date", "pk")
    )
    sent = set(DunningNotice.objects.filter(invoice__in=invoices).values_list("invoice_id", "step"))
    followed = set(
        DunningNotice.objects.filter(invoice__in=invoices, activity__isnull=False).values_list(
            "invoice_id", flat=True
        )
    )
    made, activities = [], 0
    for invoice in invoices:
        assert invoice.due_date is not None  # noqa: S101  # issued invoices have one
        step = _step_reached(invoice.due_date, today, steps)
        if step is None or (invoice.pk, step) in sent:
            continue
        notice = _notice(invoice, step, follow_up=step > 0 and invoice.pk not in followed)
        if notice is not None:
            made.append(notice.pk)
            activities += notice.activity_id is not None
    return DunningRound(marked, made, activities)


def _follow_up_due() -> datetime:
    local = timezone.localtime()
    return (
        local.replace(hour=max(local.hour + 1, 10), minute=0, second=0, microsecond=0)
        if (local.hour < 17)
        else timezone.make_aware(datetime.combine(local.date() + timedelta(days=1), time(10, 0)))
    )


def _notice(invoice: Invoice, step: int, *, follow_up: bool) -> DunningNotice | None:
    try:
        with transaction.atomic():
            notice = DunningNotice.objects.create(invoice=invoice, step=step)
            manager = invoice.manager
            if follow_up and manager is not None and manager.is_active and manager.is_staff:
                notice.activity = activity_plan(
                    actor=manager, client=invoice.client, owner=manager, kind=ActivityKind.CALL,
                    subject=_("Overdue invoice %(number)s: %(balance)s UAH — call the client")
                    % {"number": invoice.number, "balance": invoice.balance},
                    due_at=_follow_up_due(), deal=invoice.deal,
                )  # fmt: skip
                notice.save(update_fields=["activity"])
            if step > 0:
                timeline_record(
                    client=invoice.client, kind=TimelineKind.INVOICE, source=invoice,
                    summary=_("Invoice %(number)s is overdue by %(days)d days: %(balance)s UAH")
                    % {"number": invoice.number, "days": step, "balance": invoice.balance},
                    contact=False,
                )  # fmt: skip
            if invoice.email:
                from kramar.billing.tasks import dunning_email

                notice_id = notice.pk
                transaction.on_commit(lambda: dunning_email.enqueue(notice_id))
            return notice
    except IntegrityError:  # another worker sent this step meanwhile
        return None
