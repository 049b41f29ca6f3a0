"""Carts: one open cart per signed-in customer, or per browser session for a visitor (M10).

A cart holds variants and quantities only; prices are read from the catalogue whenever the cart
is shown or checked out (the client never sends a price).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kramar.cart.enums import CartStatus
from kramar.catalog.models import Variant
from kramar.core.models import TimeStampedModel


class Cart(TimeStampedModel):
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        related_name="carts",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CartStatus.choices, default=CartStatus.OPEN
    )

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("cart")
        verbose_name_plural = _("carts")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="open", user__isnull=False),
                name="cart_one_open_per_user",
            )
        ]

    def __str__(self) -> str:
        return str(self.token)


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, related_name="lines", on_delete=models.CASCADE)
    variant = models.ForeignKey(
        Variant, verbose_name=_("variant"), related_name="+", on_delete=models.CASCADE
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant"], name="cart_variant_once"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="cart_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.variant_id}"
