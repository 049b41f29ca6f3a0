from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackingConfig(AppConfig):
    name = "kramar.tracking"
    label = "tracking"
    verbose_name = _("Site tracking")

    def ready(self) -> None:
        # A person's privacy request (clients.services.privacy): the site's part of it.
        from kramar.clients.services import privacy_part_register
        from kramar.tracking.services.privacy import client_site_data, erase_for_person

        privacy_part_register(
            "site",
            export=lambda client: client_site_data(client=client),
            erase=erase_for_person,
        )
