from typing import cast

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    name = "kramar.clients"
    label = "clients"
    verbose_name = _("Clients")

    def ready(self) -> None:
        from kramar.audit.services import reverter_register
        from kramar.clients.models import Client
        from kramar.clients.services import client_update

        reverter_register(
            "clients.Client",
            lambda actor, record, changes: client_update(
                actor=actor, client=cast(Client, record), **changes
            ),
        )
