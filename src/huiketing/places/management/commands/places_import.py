"""`huiketing places_import <csv> [--dry-run]`: import places from the statistical code list."""

from django.core.management.base import BaseCommand

from huiketing.places import services
from huiketing.places.management.commands._report import fail_if_errors, write_import_report


class Command(BaseCommand):
    help = "Import places from the national statistical code list (CSV, UTF-8 or GB18030)."

    def add_arguments(self, parser):
        parser.add_argument("csv", help="Path of the CSV file.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and write nothing.")

    def handle(self, *args, **options):
        report = services.places_import_csv(by=None, file=options["csv"], dry_run=options["dry_run"])
        write_import_report(self, report)
        fail_if_errors(report)
