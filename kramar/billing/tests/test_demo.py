"""The demo's billing (issue 7): every manager has issued, paid, late and unpaid invoices, and the
debtor figures differ between managers in a believable way (M17)."""

import pytest
from django.core.management import call_command

from kramar.accounts.enums import Role
from kramar.accounts.models import User
from kramar.billing.models import Allocation, Invoice
from kramar.billing.selectors import debtors_report

pytestmark = pytest.mark.django_db


def test_every_manager_has_paid_late_and_unpaid_invoices_and_the_figures_differ():
    call_command("kramar_demo", scale="small", no_progress=True)
    managers = list(User.objects.filter(groups__name=Role.SALES_MANAGER.value))
    assert len(managers) == 6
    for manager in managers:
        mine = Invoice.objects.filter(manager=manager)
        assert mine.filter(status="paid").exists(), manager
        assert mine.filter(status__in=["overdue", "issued", "partly_paid"]).exists(), manager
        late = Allocation.objects.filter(invoice__manager=manager, amount__gt=0).filter(
            paid_on__gt=models_due()
        )
        assert late.exists(), manager
    accountant = User.objects.get(email="accountant@demo.kramar.ua")
    rows = {row.key: row for row in debtors_report(viewer=accountant, group="manager")}
    days = {rows[m.pk].days_to_pay for m in managers if m.pk in rows}
    assert len(days) >= 4  # the managers' clients pay differently
    assert any(rows[m.pk].overdue_debt > 0 for m in managers)
    assert Invoice.objects.filter(order__isnull=False).exists()  # the shop's orders too
    invoices = Invoice.objects.count()
    call_command("kramar_demo", scale="small", no_progress=True)
    assert Invoice.objects.count() == invoices


def models_due():
    from django.db.models import F

    return F("invoice__due_date")
