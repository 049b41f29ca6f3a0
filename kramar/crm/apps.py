from typing import cast

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "kramar.crm"
    label = "crm"
    verbose_name = _("Sales (CRM)")

    def ready(self) -> None:
        from kramar.audit.services import reverter_register
        from kramar.crm.models import Deal
        from kramar.crm.services import deal_update

        reverter_register(
            "crm.Deal",
            lambda actor, record, changes: deal_update(
                actor=actor, deal=cast(Deal, record), **changes
            ),
        )
        # A person's privacy request (clients.services.privacy): this app's part of it.
        from kramar.clients.services import privacy_part_register
        from kramar.crm import privacy

        privacy_part_register("crm", export=privacy.export, erase=privacy.erase)
