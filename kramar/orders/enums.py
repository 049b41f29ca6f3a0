from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

# How long goods stay reserved for an order while its card payment runs outside our lock.
RESERVATION_TIME = timedelta(minutes=15)


class OrderStatus(models.TextChoices):
    """Where the goods are. Payment has its own status (PaymentStatus)."""

    NEW = "new", _("New")
    CONFIRMED = "confirmed", _("Confirmed")
    PACKED = "packed", _("Packed")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")
    RETURNED = "returned", _("Returned")


class PaymentStatus(models.TextChoices):
    AWAITING = "awaiting", _("Awaiting payment")
    ON_DELIVERY = "on_delivery", _("Cash on delivery")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Payment failed")
    EXPIRED = "expired", _("Reservation expired")
    REFUNDED = "refunded", _("Refunded")


class PaymentMethod(models.TextChoices):
    CARD = "card", _("Card online")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer against an invoice")
    CASH_ON_DELIVERY = "cash_on_delivery", _("Cash on delivery")


class DeliveryKind(models.TextChoices):
    COURIER = "courier", _("Courier to the door")
    PICKUP = "pickup", _("Pick-up from our store")
    POST = "post", _("Post office branch")


class SalesChannel(models.TextChoices):
    WEB = "web", _("Web shop")
    API = "api", _("API")
    OFFICE = "office", _("Back office")


class OrderEventKind(models.TextChoices):
    PLACED = "placed", _("Placed")
    PAID = "paid", _("Paid")
    PAYMENT_FAILED = "payment_failed", _("Payment failed")
    RESERVATION_EXPIRED = "reservation_expired", _("Reservation expired")
    CONFIRMED = "confirmed", _("Confirmed")
    PACKED = "packed", _("Packed")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")
    RETURNED = "returned", _("Returned")
    REFUNDED = "refunded", _("Refunded")
    EMAIL_SENT = "email_sent", _("E-mail sent")
    NOTE = "note", _("Note")


class OrdersErrorCode(models.TextChoices):
    EMPTY_CART = "orders.empty_cart"
    CART_HAS_PROBLEMS = "orders.cart_has_problems"
    OUT_OF_STOCK = "orders.out_of_stock"
    BAD_CONTACT = "orders.bad_contact"
    BAD_DELIVERY = "orders.bad_delivery"
    BAD_PAYMENT_METHOD = "orders.bad_payment_method"
    BAD_TRANSITION = "orders.bad_transition"
    BAD_KEY = "orders.bad_checkout_key"


# The payment methods a buyer may choose at checkout (the page and the API), in this order.
CHECKOUT_PAYMENT_METHODS = (
    PaymentMethod.CASH_ON_DELIVERY.value,
    PaymentMethod.CARD.value,
    PaymentMethod.BANK_TRANSFER.value,
)
