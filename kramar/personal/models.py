"""The personal site (issue 6 item 5, M7): what each visitor viewed, which products go together,
and the personal offers managers give their clients. docs/personal.md explains each."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kramar.audit.capture import AuditedManager
from kramar.catalog.models import Product
from kramar.clients.models import Client
from kramar.core.models import TimeStampedModel
from kramar.personal.enums import SimilarityKind


class ViewBasket(models.Model):
    """The products one visitor viewed last, newest first: a signed-in customer's (``user``) or
    an anonymous browser session's (``key``, kept in the session). Each list is one "basket" of
    the viewed-together similarity; a visitor's tracking events could fill it later."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        related_name="view_basket",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    product_ids = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("products viewed")
        verbose_name_plural = _("products viewed")

    def __str__(self) -> str:
        return str(self.user_id or self.key)


class ProductSimilarity(models.Model):
    """How strongly ``other`` goes with ``product``: the top products per product and kind,
    computed by the worker from orders or viewed lists (``personal.similarity``)."""

    product = models.ForeignKey(Product, related_name="+", on_delete=models.CASCADE)
    other = models.ForeignKey(Product, related_name="+", on_delete=models.CASCADE)
    kind = models.CharField(_("kind"), max_length=10, choices=SimilarityKind.choices)
    score = models.FloatField(_("score"))
    support = models.PositiveIntegerField(_("baskets with both"))

    class Meta:
        verbose_name = _("product similarity")
        verbose_name_plural = _("product similarities")
        constraints = [
            models.UniqueConstraint(fields=["product", "kind", "other"], name="similarity_once"),
            models.CheckConstraint(
                condition=~Q(product=models.F("other")), name="similarity_other"
            ),
        ]
        indexes = [models.Index(fields=["product", "kind", "-score"], name="similarity_top")]

    def __str__(self) -> str:
        return f"{self.product_id} ~ {self.other_id} ({self.kind} {self.score:.3f})"


class SimilarityCursor(models.Model):
    """How far the worker's incremental refresh of one kind of similarity has read: the
    viewed lists changed up to ``up_to`` are in the table. Empty until the first rebuild, which
    is what an empty cursor asks for (nothing says what the table holds)."""

    kind = models.CharField(_("kind"), max_length=10, choices=SimilarityKind.choices, unique=True)
    up_to = models.DateTimeField(_("refreshed up to"), null=True, blank=True)

    class Meta:
        verbose_name = _("similarity refresh cursor")
        verbose_name_plural = _("similarity refresh cursors")

    def __str__(self) -> str:
        return f"{self.kind}: {self.up_to}"


class PersonalOffer(TimeStampedModel):
    """A manager's offer to one client: a discount off the shop's prices and/or a message, until
    a date (inclusive). A discount above the approval limit waits in ``pending_percent`` for a
    head while the approved ``discount_percent`` keeps applying."""

    client = models.OneToOneField(
        Client, verbose_name=_("client"), related_name="personal_offer", on_delete=models.CASCADE
    )
    discount_percent = models.DecimalField(
        _("discount, %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    pending_percent = models.DecimalField(
        _("discount waiting for approval, %"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    message = models.CharField(_("message"), max_length=300, blank=True)
    valid_until = models.DateField(_("valid until"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    objects = AuditedManager()

    class Meta:
        verbose_name = _("personal offer")
        verbose_name_plural = _("personal offers")
        constraints = [
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0) & Q(discount_percent__lte=100),
                name="personal_offer_percent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.client_id}: {self.discount_percent}% {self.valid_until}"
