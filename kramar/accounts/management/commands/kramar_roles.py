from typing import Any

from django.core.management.base import BaseCommand

from kramar.accounts.services import roles_sync


class Command(BaseCommand):
    help = "Make every role's group hold exactly the permissions declared in the apps' roles.py."

    def handle(self, *args: Any, **options: Any) -> None:
        for role, count in roles_sync().items():
            self.stdout.write(f"{role.value:<16} {count} permissions")
