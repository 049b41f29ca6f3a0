"""Debtor figures of M17 on hand-computed examples: aging buckets, open and overdue debt, average
days to pay and delay past the due date, both weighted by amount, per manager and per client."""

from datetime import date
from decimal import Decimal

import pytest

from kramar.accounts.enums import Role
from kramar.billing.selectors import aging_bucket, debtors_report, debtors_totals
from kramar.billing.services import payment_record
from kramar.billing.tests.factories import issued_invoice
from kramar.clients.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 30)


def pay(invoice, amount, on):
    payment_record(
        actor=None, client=invoice.client, amount=Decimal(amount), received_on=on, invoice=invoice
    )


@pytest.mark.parametrize(
    ("due", "bucket"),
    [
        (date(2026, 6, 30), "current"),  # due today: not late yet
        (date(2026, 7, 15), "current"),
        (date(2026, 6, 29), "1_30"),
        (date(2026, 5, 31), "1_30"),  # 30 days late
        (date(2026, 5, 30), "31_60"),
        (date(2026, 5, 1), "31_60"),  # 60
        (date(2026, 4, 30), "61_90"),
        (date(2026, 4, 1), "61_90"),  # 90
        (date(2026, 3, 31), "over_90"),
    ],
)
def test_aging_buckets_edges(due, bucket):
    assert aging_bucket(due, TODAY) == bucket


def test_days_to_pay_and_delay_are_weighted_by_amount(make_staff, accountant):
    anna, borys = make_staff(Role.SALES_MANAGER), make_staff(Role.SALES_MANAGER)
    anna_client, borys_client = ClientFactory(manager=anna), ClientFactory(manager=borys)
    # Anna: 1000 issued 1 March, net 14 (due 15 March), paid on 11 March: 10 days, 0 late.
    #       3000 issued 1 April, net 14 (due 15 April), paid on 5 May: 34 days, 20 late.
    a1 = issued_invoice(client=anna_client, amount="1000.00", day=date(2026, 3, 1))
    a2 = issued_invoice(client=anna_client, amount="3000.00", day=date(2026, 4, 1))
    pay(a1, "1000", date(2026, 3, 11))
    pay(a2, "3000", date(2026, 5, 5))
    # Anna also has 500 open, issued 1 June, net 30: due 1 July (current), and
    # 800 issued 1 March net 0 (due 1 March) with 300 paid 31 March (30 days, 30 late),
    # 500 left 121 days late (> 90).
    issued_invoice(client=anna_client, amount="500.00", day=date(2026, 6, 1), terms="net_30")
    a4 = issued_invoice(client=anna_client, amount="800.00", day=date(2026, 3, 1), terms="prepaid")
    pay(a4, "300", date(2026, 3, 31))
    # Borys: 2000 issued 1 May net 14 (due 15 May), 45 days late on 30 June, unpaid.
    issued_invoice(client=borys_client, amount="2000.00", day=date(2026, 5, 1))

    rows = {row.key: row for row in debtors_report(
        viewer=accountant, group="manager", today=TODAY, date_from=date(2026, 1, 1),
        date_to=TODAY,
    )}  # fmt: skip
    anna_row, borys_row = rows[anna.pk], rows[borys.pk]
    # Days to pay: (1000×10 + 3000×34 + 300×30) / 4300 = 121000 / 4300 = 28.139… → 28.1
    assert anna_row.paid == Decimal("4300.00")
    assert anna_row.days_to_pay == Decimal("28.1")
    # Delay: (1000×0 + 3000×20 + 300×30) / 4300 = 69000 / 4300 = 16.046… → 16.0
    assert anna_row.delay == Decimal("16.0")
    assert anna_row.open_debt == Decimal("1000.00")  # 500 current + 500 over 90
    assert anna_row.overdue_debt == Decimal("500.00")
    assert anna_row.buckets["current"] == Decimal("500.00")
    assert anna_row.buckets["over_90"] == Decimal("500.00")
    assert borys_row.open_debt == borys_row.overdue_debt == Decimal("2000.00")
    assert borys_row.buckets["31_60"] == Decimal("2000.00")
    assert borys_row.days_to_pay is None  # nothing paid in the period
    total = debtors_totals(list(rows.values()))
    assert total.open_debt == Decimal("3000.00") and total.days_to_pay == Decimal("28.1")

    # The period counts money by the day it paid the invoice: April–June leaves only the 3000.
    rows = {row.key: row for row in debtors_report(
        viewer=accountant, group="client", today=TODAY, date_from=date(2026, 4, 1),
        date_to=TODAY,
    )}  # fmt: skip
    assert rows[anna_client.pk].days_to_pay == Decimal("34.0")
    assert rows[anna_client.pk].delay == Decimal("20.0")


def test_a_manager_sees_only_their_clients_figures(make_staff, manager, own_client):
    other = ClientFactory(manager=make_staff(Role.SALES_MANAGER))
    issued_invoice(client=own_client, amount="100.00", day=date(2026, 6, 1))
    issued_invoice(client=other, amount="900.00", day=date(2026, 6, 1))
    rows = debtors_report(viewer=manager, group="client", today=TODAY)
    assert [row.key for row in rows] == [own_client.pk]
    marketing = make_staff(Role.MARKETING)
    assert debtors_report(viewer=marketing, group="client", today=TODAY) == []
