from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kramar.accounts.models import User
from kramar.accounts.services import totp_reset


class Command(BaseCommand):
    help = (
        "Switch off the sign-in codes of a person who lost both the authenticator app and the "
        "recovery codes (check who is asking first); audited as a command."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"].strip()).first()
        if user is None:
            raise CommandError(f"no user with the e-mail {options['email']}")
        if totp_reset(user=user):
            self.stdout.write(f"{user.email}: sign-in codes switched off")
        else:
            self.stdout.write(f"{user.email}: had no sign-in codes")
