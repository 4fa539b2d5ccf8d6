"""`huiketing open311-client NAME`: register an application that may post requests through Open311.

The client's api_key is printed once: only a hash of it is kept, so a lost key cannot be shown again (register
the application under a new name, and deactivate the old client in the admin).
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from huiketing.matters import services


class Command(BaseCommand):
    help = "Register an Open311 client application and print its api_key (shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="the application's name, e.g. the city app that will post requests")

    def handle(self, *args, name: str, **options):
        try:
            client, key = services.open311_client_register(by=None, name=name)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        if options["verbosity"] >= 1:
            self.stderr.write(
                _("Registered the Open311 client “%(name)s”. Its api_key, shown only this once:")
                % {"name": client.name}
            )
        # The key alone on stdout, so that a script can capture it.
        self.stdout.write(key)
