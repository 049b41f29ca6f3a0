"""Returns: goods a customer sends back from a delivered order, and the money that goes back.

A return is asked for by the customer (some units of some lines, a reason, their own words),
then accepted or rejected by staff. Accepting puts the goods back into a warehouse and owes the
customer what those units cost; the money goes back to the card automatically, or by a bank
transfer that the accountant makes and marks. The order's history (``OrderEvent``) and the
client's timeline show every step.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kramar.audit.capture import AuditedManager
from kramar.catalog.models import Warehouse
from kramar.core.models import TimeStampedModel
from kramar.core.money import CurrencyField, MoneyField
from kramar.orders.models import Order, OrderLine
from kramar.payments.models import Payment
from kramar.returns.enums import RefundMethod, ReturnReason, ReturnStatus


class GoodsReturn(TimeStampedModel):
    """One request to send goods of an order back, from asking to the refund."""

    # Made from the primary key right after the insert, hence NULL for that instant.
    number = models.CharField(  # noqa: DJ001
        _("number"), max_length=20, unique=True, null=True, editable=False
    )
    order = models.ForeignKey(
        Order, verbose_name=_("order"), related_name="returns", on_delete=models.CASCADE
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReturnStatus.choices, default=ReturnStatus.REQUESTED
    )
    reason = models.CharField(_("reason"), max_length=20, choices=ReturnReason.choices)
    comment = models.TextField(_("the customer's words"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked by"), related_name="+",
        on_delete=models.SET_NULL, null=True, blank=True,
    )  # fmt: skip
    requested_at = models.DateTimeField(_("asked"), db_index=True)

    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), related_name="+",
        on_delete=models.SET_NULL, null=True, blank=True,
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("goods back to"), related_name="+",
        on_delete=models.PROTECT, null=True, blank=True,
    )  # fmt: skip

    # What the returned units cost the customer: an estimate when asked, the amount owed once
    # accepted (delivery is not refunded: the goods came as ordered).
    refund_amount = MoneyField(_("refund"))
    currency = CurrencyField(_("currency"))
    refund_method = models.CharField(
        _("refunded"), max_length=20, choices=RefundMethod.choices, blank=True
    )
    # The card payment a card refund goes back to, and the refund's one idempotency key.
    payment = models.ForeignKey(
        Payment, verbose_name=_("card payment"), related_name="+",
        on_delete=models.PROTECT, null=True, blank=True,
    )  # fmt: skip
    # NULL, not "", so that unique allows many returns without one.
    refund_key = models.CharField(
        _("refund idempotency key"), max_length=120, unique=True, null=True, blank=True
    )
    provider_refund_id = models.CharField(_("provider's refund id"), max_length=255, blank=True)
    refunded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("marked refunded by"), related_name="+",
        on_delete=models.SET_NULL, null=True, blank=True,
    )  # fmt: skip
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    refund_note = models.CharField(_("refund note"), max_length=300, blank=True)

    objects = AuditedManager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        permissions = [
            ("decide_goodsreturn", _("Accept or reject returns")),
            ("refund_goodsreturn", _("Mark returns refunded by bank transfer")),
        ]
        indexes = [models.Index(fields=["status", "-requested_at"], name="returns_status_asked")]
        constraints = [
            models.CheckConstraint(
                condition=Q(refund_amount__gte=0), name="returns_refund_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["requested", "rejected"]) | Q(warehouse__isnull=False),
                name="returns_accepted_has_warehouse",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    @property
    def refund_due(self) -> bool:
        """Accepted, and the money has not gone back yet."""
        return self.status == ReturnStatus.ACCEPTED


class ReturnLine(models.Model):
    """Units of one order line sent back, and what they cost the customer."""

    goods_return = models.ForeignKey(
        GoodsReturn, verbose_name=_("return"), related_name="lines", on_delete=models.CASCADE
    )
    order_line = models.ForeignKey(
        OrderLine, verbose_name=_("order line"), related_name="return_lines",
        on_delete=models.CASCADE,
    )  # fmt: skip
    quantity = models.PositiveIntegerField(_("quantity"))
    amount = MoneyField(_("amount"))

    objects = AuditedManager()

    class Meta:
        ordering = ["goods_return", "id"]
        verbose_name = _("return line")
        verbose_name_plural = _("return lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="returns_line_quantity"),
            models.UniqueConstraint(
                fields=["goods_return", "order_line"], name="returns_line_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.order_line.sku}"
