from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReturnsConfig(AppConfig):
    name = "kramar.returns"
    label = "returns"
    verbose_name = _("Returns")

    def ready(self) -> None:
        # A person's privacy request (clients.services.privacy): this app's part of it.
        from kramar.clients.services import privacy_part_register
        from kramar.returns import privacy

        privacy_part_register("returns", export=privacy.export, refuse=privacy.refuse)
