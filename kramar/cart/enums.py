from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_LINE_QUANTITY = 999
MAX_LINES = 100


class CartStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ORDERED = "ordered", _("Turned into an order")
    MERGED = "merged", _("Merged into another cart")


class CartErrorCode(models.TextChoices):
    BAD_QUANTITY = "cart.bad_quantity"
    NOT_FOR_SALE = "cart.not_for_sale"
    NOT_ENOUGH_STOCK = "cart.not_enough_stock"
    TOO_MANY_LINES = "cart.too_many_lines"
    NOT_IN_CART = "cart.not_in_cart"
    CART_CLOSED = "cart.closed"
