from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "kramar.billing"
    label = "billing"
    verbose_name = _("Billing")

    def ready(self) -> None:
        # Orders tell their listeners when an order is placed, paid or cancelled; billing keeps
        # the order's invoice and payments in step from its worker (docs/billing.md, "Orders").
        from kramar.billing.tasks import order_changed
        from kramar.orders.hooks import order_listener_add

        order_listener_add(order_changed)
