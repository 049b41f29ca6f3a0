from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

# A webhook body larger than this is refused unread (Stripe's events are a few kilobytes).
WEBHOOK_MAX_BYTES = 256 * 1024
# How old a webhook's signed timestamp may be (Stripe's own default tolerance).
WEBHOOK_TOLERANCE = timedelta(minutes=5)
# A pending refund whose provider call failed is tried again this many times, further apart.
REFUND_ATTEMPTS = 8


class PaymentState(models.TextChoices):
    """Where one attempt to take money for an order stands (the order has its own status)."""

    CREATED = "created", _("Created")
    PENDING = "pending", _("Waiting for the buyer")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    REFUND_PENDING = "refund_pending", _("Being refunded")
    REFUNDED = "refunded", _("Refunded")


OPEN_STATES = (PaymentState.CREATED, PaymentState.PENDING)


class WebhookOutcome(models.TextChoices):
    RECEIVED = "received", _("Received, not yet processed")
    REJECTED = "rejected", _("Rejected (signature or format)")
    DUPLICATE = "duplicate", _("Delivered before")
    APPLIED = "applied", _("Applied")
    NO_CHANGE = "no_change", _("Nothing to change")
    FAILURE_RECORDED = "failure_recorded", _("Recorded as a failure")
    IGNORED = "ignored", _("Not for us")
    ERROR = "error", _("Error while processing")


class SandboxChargeState(models.TextChoices):
    OPEN = "open", _("Open")
    SUCCEEDED = "succeeded", _("Succeeded")
    DECLINED = "declined", _("Declined")
    REFUNDED = "refunded", _("Refunded")


class PaymentsErrorCode(models.TextChoices):
    NOT_CARD = "payments.not_card"
    ALREADY_PAID = "payments.already_paid"
    NOT_PAYABLE = "payments.not_payable"
    PROVIDER_UNAVAILABLE = "payments.provider_unavailable"
    UNKNOWN_PROVIDER = "payments.unknown_provider"
    BAD_CARD = "payments.bad_card"
