"""What the shop records of a consenting visitor (M6, M9)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    PAGE_VIEW = "page_view", _("Page view")
    PRODUCT_VIEW = "product_view", _("Product view")
    SEARCH = "search", _("Search")
    CART_CHANGE = "cart_change", _("Cart change")
    CHECKOUT_STEP = "checkout_step", _("Checkout step")
    ORDER_PLACED = "order_placed", _("Order placed")
    FORM_SUBMITTED = "form_submitted", _("Form submitted")
    SIGN_IN = "sign_in", _("Sign-in")


class WebFormKind(models.TextChoices):
    CONTACT = "contact", _("Contact us")
    CALLBACK = "callback", _("Call-back request")
    QUOTE = "quote", _("Wholesale quote request")
    QUESTION = "question", _("Question about a product")


class FollowUpChannel(models.TextChoices):
    ACTIVITY = "activity", _("Manager's activity")
    EMAIL = "email", _("Reminder e-mail")
