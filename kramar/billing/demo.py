"""Demo billing: every manager's invoices issued, paid on time, paid late, partly paid and unpaid,
so that the debtor figures of M17 differ between managers in a believable way.

Each manager gets a payment profile for their clients (prompt, average, slow or poor payers);
invoices come from their won deals and by hand over the last nine months, and are paid through
the services with back-dated arrival days drawn from the profile. The shop's bank-transfer and
card orders get their invoices and card payments as the worker would give them. Idempotent:
a second run finds the demo invoices and adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from kramar.accounts.enums import DepartmentKind, Role
from kramar.accounts.models import User
from kramar.billing.enums import InvoiceSource, InvoiceStatus, PaymentSource
from kramar.billing.models import Invoice
from kramar.billing.services import (
    LineIn,
    card_payments_record,
    credit_limit_set,
    invoice_create,
    invoice_for_order,
    invoice_from_deal,
    invoice_issue,
    overdue_mark,
    payment_record,
)
from kramar.billing.services.invoices import INVOICED_METHODS
from kramar.clients.models import Client
from kramar.crm.enums import DealStatus
from kramar.crm.models import Deal
from kramar.orders.enums import OrderStatus, PaymentMethod
from kramar.orders.models import Order

INVOICES_PER_MANAGER = {"small": 10, "medium": 30, "large": 60}
MARK = "Demo: "


@dataclass(frozen=True)
class Profile:
    """How a manager's clients pay: days after the due date (low, high) and the share unpaid."""

    name: str
    late: tuple[int, int]
    unpaid: float
    partly: float


PROFILES = [
    Profile("prompt", (-10, 3), 0.05, 0.05),
    Profile("average", (-3, 15), 0.15, 0.10),
    Profile("slow", (5, 45), 0.25, 0.15),
    Profile("poor", (20, 90), 0.40, 0.20),
]
ITEMS = [
    ("Стільці офісні", Decimal("1850.00")),
    ("Стіл письмовий", Decimal("6400.00")),
    ("Папір А4, ящик", Decimal("1180.00")),
    ("Стелаж складський", Decimal("9750.00")),
    ("Монтаж і налаштування", Decimal("3500.00")),
    ("Лампи LED, упаковка", Decimal("2240.00")),
]
TERMS = [("net_14", None), ("net_30", None), ("prepaid", None), ("custom", 21)]


def work_units(scale_name: str) -> int:
    from kramar.accounts.demo import SCALES

    scale = SCALES[scale_name]
    return (
        scale.sales_departments * scale.managers_per_department * INVOICES_PER_MANAGER[scale_name]
    )


def _managers() -> list[User]:
    return list(
        User.objects.filter(
            is_staff=True, is_active=True, department__kind=DepartmentKind.SALES,
            groups__name=Role.SALES_MANAGER.value,
        ).order_by("email").distinct()
    )  # fmt: skip


def seed(context: Any) -> list[tuple[str, str, str]]:
    if Invoice.objects.filter(note__startswith=MARK).exists():
        context.progress(work_units(context.scale))
        return []
    today = timezone.localdate()
    per_manager = INVOICES_PER_MANAGER[context.scale]
    for index, manager in enumerate(_managers()):
        clients = list(
            Client.objects.filter(manager=manager, merged_into__isnull=True).order_by("pk")[:40]
        )
        if clients:
            book = InvoiceBook(context, manager, PROFILES[index % len(PROFILES)], today)
            book.write(clients, per_manager)
        context.progress(per_manager)
    _shop_orders(context.rng_for("billing:orders"))
    overdue_mark(today=today)
    return []


class InvoiceBook:
    def __init__(self, context: Any, manager: User, profile: Profile, today: date) -> None:
        self.rng = context.rng_for(f"billing:{manager.email}")
        self.manager, self.profile, self.today = manager, profile, today

    def write(self, clients: list[Client], count: int) -> None:
        won = list(
            Deal.objects.filter(manager=self.manager, status=DealStatus.WON)
            .exclude(closed_at=None)
            .select_related("client")
            .order_by("pk")[: count // 2]
        )  # fmt: skip
        invoices = [self._from_deal(deal) for deal in won]
        invoices += [self._by_hand(self.rng.choice(clients)) for _ in range(count - len(won))]
        # Oldest first; every manager has at least one invoice paid late and one left unpaid.
        invoices.sort(key=lambda invoice: (invoice.issue_date, invoice.pk))
        for index, invoice in enumerate(invoices):
            self._settle(invoice, force={0: "late", len(invoices) - 1: "unpaid"}.get(index))

    def _terms(self) -> tuple[str, int | None]:
        return self.rng.choice(TERMS)

    def _from_deal(self, deal: Deal) -> Invoice:
        terms, days = self._terms()
        day = min(timezone.localdate(deal.closed_at), self.today)
        invoice = invoice_from_deal(
            actor=self.manager, deal=deal, terms=terms, days=days, today=day, notify=False
        )
        Invoice.objects.filter(pk=invoice.pk).update(note=f"{MARK}{invoice.note}"[:500])
        return invoice

    def _by_hand(self, client: Client) -> Invoice:
        terms, days = self._terms()
        lines = [
            LineIn(description, Decimal(self.rng.randint(1, 12)), price)
            for description, price in self.rng.sample(ITEMS, self.rng.randint(1, 3))
        ]
        invoice = invoice_create(
            actor=self.manager, client=client, lines=lines, terms=terms, days=days,
            note=f"{MARK}{client.name}", source=InvoiceSource.MANUAL,
        )  # fmt: skip
        day = self.today - timedelta(days=self.rng.randint(3, 270))
        return invoice_issue(actor=self.manager, invoice=invoice, today=day, notify=False)

    def _settle(self, invoice: Invoice, force: str | None = None) -> None:
        """Pay the invoice (all, part or nothing) on a day the manager's profile makes likely."""
        fate = self.rng.random()
        low, high = self.profile.late
        assert invoice.due_date is not None  # noqa: S101  # issued just now
        late = self.rng.randint(low, high) if force != "late" else max(high, 5)
        arrived = max(invoice.due_date + timedelta(days=late), invoice.issue_date or self.today)
        if force == "late":
            fate, arrived = 1.0, min(arrived, self.today)
        if force == "unpaid" or fate < self.profile.unpaid or arrived > self.today:
            return
        share = Decimal(1)
        if fate < self.profile.unpaid + self.profile.partly:
            share = Decimal(self.rng.choice([30, 50, 70])) / 100
        amount = (invoice.balance * share).quantize(Decimal("0.01"))
        if amount <= 0:
            return
        payment_record(
            actor=None, client=invoice.client, amount=amount, received_on=arrived,
            invoice=invoice, source=PaymentSource.BANK,
            reference=f"Оплата за рахунком {invoice.number}",
        )  # fmt: skip


def _shop_orders(rng: Any) -> None:
    """Invoice the shop's bank-transfer and card orders as the worker would, quietly."""
    orders = (
        Order.objects.filter(payment_method__in=INVOICED_METHODS)
        .exclude(status=OrderStatus.CANCELLED)
        .select_related("client", "user", "delivery_method")
        .order_by("pk")
    )
    for order in orders:
        invoice = invoice_for_order(
            order=order, today=timezone.localdate(order.placed_at), notify=False
        )
        if invoice is None or invoice.status == InvoiceStatus.CANCELLED:
            continue
        card_payments_record(order=order)
        # The shop ships a transfer order once the money is there: its invoice was paid a few
        # days after the order (which marks the order paid through orders' service).
        moved_on = order.status != OrderStatus.NEW
        if order.payment_method == PaymentMethod.BANK_TRANSFER and moved_on and invoice.is_open:
            day = timezone.localdate(order.placed_at) + timedelta(days=rng.randint(0, 4))
            payment_record(
                actor=None, client=order.client, amount=invoice.balance,
                received_on=min(day, timezone.localdate()), invoice=invoice,
                source=PaymentSource.BANK, reference=f"Оплата за рахунком {invoice.number}",
            )  # fmt: skip
    # A few limits so that the warnings show on the cards.
    for client in Client.objects.filter(invoices__status=InvoiceStatus.OVERDUE).distinct()[:5]:
        credit_limit_set(actor=None, client=client, amount=Decimal("20000.00"))
