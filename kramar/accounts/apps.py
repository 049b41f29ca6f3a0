from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles_after_migrate(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    # Roles are code: after every migrate the groups are made to match roles.py exactly.
    from kramar.accounts.services import roles_sync

    roles_sync(using=using)


class AccountsConfig(AppConfig):
    name = "kramar.accounts"
    label = "accounts"
    verbose_name = _("People and roles")

    def ready(self) -> None:
        post_migrate.connect(_sync_roles_after_migrate, sender=self, dispatch_uid="roles_sync")
