from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "kramar.cases"
    label = "cases"
    verbose_name = _("After-sales service")

    def ready(self) -> None:
        # A person's privacy request (clients.services.privacy): this app's part of it.
        from kramar.cases import privacy
        from kramar.clients.services import privacy_part_register

        privacy_part_register(
            "cases", export=privacy.export, refuse=privacy.refuse, erase=privacy.erase
        )
