from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "kramar.mail"
    label = "mail"
    verbose_name = _("E-mail with clients")

    def ready(self) -> None:
        # A person's privacy request (clients.services.privacy): this app's part of it.
        from kramar.clients.services import privacy_part_register
        from kramar.mail import privacy

        privacy_part_register("letters", export=privacy.export, erase=privacy.erase)
