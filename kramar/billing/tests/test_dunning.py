"""Dunning (M13, M17): reminders at the configured steps, once each; an overdue invoice marks
itself overdue and plans a follow-up call for its responsible manager, once."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import translation

from kramar.billing.enums import InvoiceStatus
from kramar.billing.models import DunningNotice
from kramar.billing.services import dunning_run
from kramar.billing.tests.factories import issued_invoice
from kramar.crm.models import Activity
from kramar.returns.tests.support import run_all_tasks

pytestmark = pytest.mark.django_db
ISSUED = date(2026, 3, 2)
DUE = ISSUED + timedelta(days=14)


def run(day):
    with TestCase.captureOnCommitCallbacks(execute=True):
        done = dunning_run(today=day)
    run_all_tasks()
    return done


def _letter(subject: str, invoice) -> str:
    """The subject in the client's language (the invoice's), as the reminder is written."""
    with translation.override(invoice.language):
        return translation.gettext(subject) % {"number": invoice.number}


def test_each_step_is_sent_once_and_overdue_plans_one_follow_up(settings, own_client, manager):
    settings.BILLING_DUNNING_STEPS = [-3, 1, 7]
    invoice = issued_invoice(client=own_client, amount="500.00", day=ISSUED)
    mail.outbox.clear()
    assert run(DUE - timedelta(days=4)).notices == []
    assert len(run(DUE - timedelta(days=3)).notices) == 1
    assert _letter("Invoice %(number)s is coming due", invoice) == mail.outbox[-1].subject
    assert run(DUE - timedelta(days=2)).notices == []  # same step: not again
    assert not Activity.objects.exists()

    done = run(DUE + timedelta(days=1))
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.OVERDUE and done.overdue_marked == 1
    assert _letter("Invoice %(number)s is overdue", invoice) == mail.outbox[-1].subject
    assert mail.outbox[-1].attachments
    follow_up = Activity.objects.get()
    assert follow_up.owner == manager and follow_up.client == own_client
    assert invoice.number in follow_up.subject

    run(DUE + timedelta(days=1))
    run(DUE + timedelta(days=8))  # step 7: reminded, no second follow-up
    assert list(DunningNotice.objects.values_list("step", flat=True)) == [-3, 1, 7]
    assert Activity.objects.count() == 1
    assert len(mail.outbox) == 3


def test_a_late_issued_invoice_gets_only_the_latest_step(settings, own_client):
    settings.BILLING_DUNNING_STEPS = [-3, 1, 7, 14]
    issued_invoice(client=own_client, amount="500.00", day=ISSUED)
    run(DUE + timedelta(days=10))
    assert list(DunningNotice.objects.values_list("step", flat=True)) == [7]


def test_paid_invoices_are_not_dunned(settings, own_client):
    from decimal import Decimal

    from kramar.billing.services import payment_record

    settings.BILLING_DUNNING_STEPS = [1]
    invoice = issued_invoice(client=own_client, amount="500.00", day=ISSUED)
    payment_record(
        actor=None, client=own_client, amount=Decimal(500), received_on=DUE, invoice=invoice
    )
    assert run(DUE + timedelta(days=3)).notices == []
