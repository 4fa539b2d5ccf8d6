"""`residents_retention`: anonymise residents who moved out (or died) more than N years ago (issue 3, §6)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from huiketing.people.services import residents_anonymise_moved_out


class Command(BaseCommand):
    help = (
        "Anonymise residents who moved out or died more than --years years ago: names, ID numbers, phones, "
        "tags and consents go, the row stays for counts and history. --dry-run only counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--years", type=int, required=True, help="keep records for this many years")
        parser.add_argument("--dry-run", action="store_true", help="count, change nothing")

    def handle(self, *args, years: int, dry_run: bool, **options):
        try:
            report = residents_anonymise_moved_out(by=None, years=years, dry_run=dry_run)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        values = {"n": report.anonymised, "cutoff": report.cutoff.isoformat()}
        if report.dry_run:
            self.stdout.write(
                _("Dry run: %(n)s residents who moved out or died before %(cutoff)s would be anonymised.")
                % values
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Anonymised %(n)s residents who moved out or died before %(cutoff)s.") % values
                )
            )
