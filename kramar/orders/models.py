"""Orders: what a customer bought, how it is delivered and paid, and its history as events.

An order records, when placed, the dimensions that sales reports slice by (M18): the client's
responsible manager and department, region, industry and kind, the sales channel and campaign,
and for each line the product group and the purchase cost. Reports read these, never today's
assignments, so a sale stays credited to whoever made it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kramar.accounts.models import Department
from kramar.audit.capture import AuditedManager
from kramar.catalog.models import ProductGroup, Stock, Variant
from kramar.clients.enums import ClientKind
from kramar.clients.models import Client, Industry, Region
from kramar.core.models import TimeStampedModel
from kramar.core.money import CurrencyField, MoneyField
from kramar.orders.enums import (
    DeliveryKind,
    OrderEventKind,
    OrderStatus,
    PaymentMethod,
    PaymentStatus,
    SalesChannel,
)


class DeliveryMethod(models.Model):
    """A way to get the goods to the buyer, with its price (free above ``free_from``)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=DeliveryKind.choices)
    price = MoneyField(_("price"))
    free_from = MoneyField(_("free from an order of"), null=True, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("delivery method")
        verbose_name_plural = _("delivery methods")

    def __str__(self) -> str:
        return self.name


class Order(TimeStampedModel):
    # Made from the primary key right after the insert, hence NULL for that instant.
    number = models.CharField(  # noqa: DJ001
        _("number"), max_length=20, unique=True, null=True, editable=False
    )
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The checkout form's one-time key: placing the same checkout twice yields this one order.
    checkout_key = models.CharField(max_length=64, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("customer account"), related_name="orders",
        on_delete=models.SET_NULL, null=True, blank=True,
    )  # fmt: skip
    client = models.ForeignKey(
        Client, verbose_name=_("client"), related_name="orders", on_delete=models.PROTECT
    )
    status = models.CharField(
        _("status"), max_length=12, choices=OrderStatus.choices, default=OrderStatus.NEW
    )
    payment_status = models.CharField(
        _("payment"), max_length=12, choices=PaymentStatus.choices, default=PaymentStatus.AWAITING
    )
    payment_method = models.CharField(
        _("payment method"), max_length=20, choices=PaymentMethod.choices
    )
    reserved_until = models.DateTimeField(_("goods reserved until"), null=True, blank=True)
    placed_at = models.DateTimeField(_("placed"), db_index=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)

    # Contact and delivery, as the buyer gave them.
    full_name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=20)
    delivery_method = models.ForeignKey(
        DeliveryMethod, verbose_name=_("delivery"), on_delete=models.PROTECT
    )
    delivery_region = models.ForeignKey(
        Region, verbose_name=_("region (oblast)"), related_name="+", on_delete=models.PROTECT
    )
    city = models.CharField(_("city"), max_length=100)
    address = models.CharField(_("address"), max_length=255, blank=True)
    post_branch = models.CharField(_("post office branch"), max_length=20, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    carrier = models.CharField(_("carrier"), max_length=60, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=60, blank=True)

    # Money, all VAT-included; VAT is shown separately.
    currency = CurrencyField(_("currency"))
    subtotal = MoneyField(_("goods"))
    delivery_price = MoneyField(_("delivery"))
    total = MoneyField(_("total"))
    vat_total = MoneyField(_("of which VAT"))

    # The sale's dimensions at the moment it was placed (M18).
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("responsible manager"), related_name="+",
        on_delete=models.SET_NULL, null=True, blank=True,
    )  # fmt: skip
    department = models.ForeignKey(
        Department, verbose_name=_("department"), related_name="+", on_delete=models.SET_NULL,
        null=True, blank=True,
    )  # fmt: skip
    client_region = models.ForeignKey(
        Region, verbose_name=_("client's region"), related_name="+", on_delete=models.SET_NULL,
        null=True, blank=True,
    )  # fmt: skip
    industry = models.ForeignKey(
        Industry, verbose_name=_("industry"), related_name="+", on_delete=models.SET_NULL,
        null=True, blank=True,
    )  # fmt: skip
    client_kind = models.CharField(_("client kind"), max_length=10, choices=ClientKind.choices)
    channel = models.CharField(
        _("sales channel"), max_length=10, choices=SalesChannel.choices, default=SalesChannel.WEB
    )
    utm_source = models.CharField(max_length=100, blank=True)
    utm_medium = models.CharField(max_length=100, blank=True)
    utm_campaign = models.CharField(max_length=100, blank=True)

    objects = AuditedManager()

    class Meta:
        ordering = ["-placed_at", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        permissions = [("view_all_orders", _("See every order, not only one's clients'"))]
        indexes = [
            models.Index(fields=["status", "-placed_at"], name="orders_status_placed"),
            models.Index(
                fields=["reserved_until"],
                condition=Q(payment_status="awaiting", reserved_until__isnull=False),
                name="orders_reservations",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(total__gte=0) & Q(subtotal__gte=0), name="orders_amounts_not_negative"
            )
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, related_name="lines", on_delete=models.CASCADE)
    variant = models.ForeignKey(
        Variant, related_name="+", on_delete=models.SET_NULL, null=True, blank=True
    )
    sku = models.CharField(_("SKU"), max_length=64)
    product_name = models.CharField(_("product"), max_length=200)
    variant_name = models.CharField(_("variant"), max_length=120, blank=True)
    product_group = models.ForeignKey(
        ProductGroup, verbose_name=_("product group"), related_name="+",
        on_delete=models.SET_NULL, null=True,
    )  # fmt: skip
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = MoneyField(_("price"))
    total = MoneyField(_("total"))
    vat_rate = models.CharField(_("VAT rate"), max_length=8)
    vat_amount = MoneyField(_("VAT"))
    unit_cost = MoneyField(_("purchase cost"))

    objects = AuditedManager()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orders_line_quantity")
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.sku}"


class Allocation(models.Model):
    """Units of a line promised from one warehouse's stock (released if the order falls through)."""

    line = models.ForeignKey(OrderLine, related_name="allocations", on_delete=models.CASCADE)
    stock = models.ForeignKey(Stock, related_name="allocations", on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orders_allocation_positive")
        ]

    def __str__(self) -> str:
        return f"{self.quantity} from stock {self.stock_id}"


class OrderEvent(models.Model):
    """One thing that happened to an order, in the same transaction as the change."""

    order = models.ForeignKey(Order, related_name="events", on_delete=models.CASCADE)
    kind = models.CharField(_("what"), max_length=20, choices=OrderEventKind.choices)
    occurred_at = models.DateTimeField(_("when"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), related_name="+",
        on_delete=models.SET_NULL, null=True, blank=True,
    )  # fmt: skip
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("order event")
        verbose_name_plural = _("order events")

    def __str__(self) -> str:
        return f"{self.order} {self.kind}"
