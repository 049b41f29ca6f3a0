"""Payments: each attempt to take money for an order, and the inbox of the providers' webhooks.

``SandboxCharge`` and ``SandboxRefund`` are not ours in the business sense: they are the state
of the sandbox provider (the fake card processor that ``make run`` and the tests use), kept in
its own tables as an outside provider keeps its own books.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kramar.audit.capture import AuditedManager
from kramar.core.models import TimeStampedModel
from kramar.core.money import CurrencyField, MoneyField
from kramar.orders.models import Order
from kramar.payments.enums import PaymentState, SandboxChargeState, WebhookOutcome


class Payment(TimeStampedModel):
    """One attempt to take an order's money through a provider; at most one open per order."""

    order = models.ForeignKey(
        Order, verbose_name=_("order"), related_name="payments", on_delete=models.PROTECT
    )
    provider = models.CharField(_("provider"), max_length=20)
    # The provider's id of the payment (Stripe: the Checkout Session), known once it started.
    provider_payment_id = models.CharField(_("provider's payment id"), max_length=255, blank=True)
    # What a refund needs when it is not the payment id (Stripe: the PaymentIntent).
    provider_reference = models.CharField(_("provider's reference"), max_length=255, blank=True)
    redirect_url = models.CharField(_("payment page"), max_length=2000, blank=True)
    amount = MoneyField(_("amount"))
    currency = CurrencyField(_("currency"))
    status = models.CharField(
        _("status"), max_length=16, choices=PaymentState.choices, default=PaymentState.CREATED
    )
    # Sent with every call that creates the charge, so a retried call never charges twice.
    idempotency_key = models.CharField(_("idempotency key"), max_length=80, unique=True)
    failure_reason = models.CharField(_("failure"), max_length=300, blank=True)
    succeeded_at = models.DateTimeField(_("succeeded"), null=True, blank=True)
    provider_refund_id = models.CharField(_("provider's refund id"), max_length=255, blank=True)
    refunded_at = models.DateTimeField(_("refunded"), null=True, blank=True)

    objects = AuditedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            # A double click, two tabs or a retry reuse the open attempt instead of a second one.
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(status__in=["created", "pending"]),
                name="payments_one_open_per_order",
            ),
            models.UniqueConstraint(
                fields=["provider", "provider_payment_id"],
                condition=~Q(provider_payment_id=""),
                name="payments_provider_id_once",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_amount_positive"),
        ]
        indexes = [
            models.Index(
                fields=["provider", "provider_reference"],
                condition=~Q(provider_reference=""),
                name="payments_provider_reference",
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.provider_payment_id or self.idempotency_key}"

    @property
    def refund_idempotency_key(self) -> str:
        """The one key of this payment's refund: however often it is retried, one refund."""
        return f"{self.idempotency_key}-refund"


class WebhookEvent(models.Model):
    """One delivery of a provider's webhook, stored before anything else is done with it.

    ``provider_event_id`` is claimed (set) in the same transaction that applies the event, so a
    second delivery of the same event cannot claim it again: the database refuses a second row
    with the same id unless it is marked a duplicate.
    """

    provider = models.CharField(_("provider"), max_length=20)
    provider_event_id = models.CharField(_("provider's event id"), max_length=255, blank=True)
    event_type = models.CharField(_("event type"), max_length=100, blank=True)
    provider_payment_id = models.CharField(_("provider's payment id"), max_length=255, blank=True)
    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), related_name="webhook_events",
        on_delete=models.SET_NULL, null=True, blank=True,
    )  # fmt: skip
    # The exact bytes, as the signature covers them; only the headers that matter are kept.
    body = models.BinaryField(_("raw body"))
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=WebhookOutcome.choices,
        default=WebhookOutcome.RECEIVED,
    )  # fmt: skip
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_event_id"],
                condition=~Q(provider_event_id="") & ~Q(outcome="duplicate"),
                name="payments_webhook_event_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.provider_event_id or self.pk} {self.outcome}"


class SandboxCharge(TimeStampedModel):
    """The sandbox provider's record of a payment it was asked to take."""

    public_id = models.CharField(max_length=40, unique=True)
    idempotency_key = models.CharField(max_length=80, unique=True)
    amount = models.PositiveBigIntegerField(_("amount in minor units"))
    currency = models.CharField(max_length=3)
    description = models.CharField(max_length=200, blank=True)
    reference = models.CharField(max_length=80, blank=True)
    success_url = models.URLField(max_length=2000)
    cancel_url = models.URLField(max_length=2000)
    status = models.CharField(
        max_length=10, choices=SandboxChargeState.choices, default=SandboxChargeState.OPEN
    )
    card_last4 = models.CharField(max_length=4, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sandbox charge")
        verbose_name_plural = _("sandbox charges")

    def __str__(self) -> str:
        return self.public_id


class SandboxRefund(models.Model):
    """The sandbox provider's record of a refund; one per idempotency key, as at Stripe."""

    charge = models.ForeignKey(SandboxCharge, related_name="refunds", on_delete=models.CASCADE)
    public_id = models.CharField(max_length=40, unique=True)
    idempotency_key = models.CharField(max_length=120, unique=True)
    amount = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sandbox refund")
        verbose_name_plural = _("sandbox refunds")

    def __str__(self) -> str:
        return self.public_id
