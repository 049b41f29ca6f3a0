from django.db import models
from django.utils.translation import gettext_lazy as _

# The number of a return is made from its primary key, after this prefix: Cyrillic "П" for
# "повернення", as the service says it on the phone (service cases use "С-" the same way).
NUMBER_PREFIX = "П-"


class ReturnStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    REFUNDED = "refunded", _("Refunded")


# The returns that hold units of an order: a second return may not ask for them again.
ACTIVE_STATUSES = (ReturnStatus.REQUESTED, ReturnStatus.ACCEPTED, ReturnStatus.REFUNDED)
# The returns whose goods are back in a warehouse.
RESTOCKED_STATUSES = (ReturnStatus.ACCEPTED, ReturnStatus.REFUNDED)


class ReturnReason(models.TextChoices):
    CHANGED_MIND = "changed_mind", _("Changed my mind")
    DEFECTIVE = "defective", _("Defective")
    WRONG_ITEM = "wrong_item", _("Wrong item sent")
    DAMAGED = "damaged", _("Damaged in delivery")
    OTHER = "other", _("Other")


class RefundMethod(models.TextChoices):
    """How the money goes back: to the card it came from, or by a bank transfer staff make."""

    CARD = "card", _("To the card, through the payment provider")
    BANK_TRANSFER = "bank_transfer", _("By bank transfer")


class ReturnsErrorCode(models.TextChoices):
    NOT_DELIVERED = "returns.not_delivered"
    TOO_LATE = "returns.too_late"
    NOTHING_LEFT = "returns.nothing_left"
    NO_LINES = "returns.no_lines"
    BAD_LINE = "returns.bad_line"
    BAD_QUANTITY = "returns.bad_quantity"
    TOO_MANY = "returns.too_many"
    BAD_REASON = "returns.bad_reason"
    COMMENT_REQUIRED = "returns.comment_required"
    BAD_STATUS = "returns.bad_status"
    WAREHOUSE_REQUIRED = "returns.warehouse_required"
    REASON_REQUIRED = "returns.reason_required"
    NOT_ALLOWED = "returns.not_allowed"
    NOT_FOUND = "returns.not_found"
