from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "kramar.orders"
    label = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        # A person's privacy request (clients.services.privacy): this app's part of it.
        from kramar.clients.services import privacy_part_register
        from kramar.orders import privacy

        privacy_part_register("orders", export=privacy.export, refuse=privacy.refuse)
