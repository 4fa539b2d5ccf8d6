"""`huiketing places_import_boundaries <geojson> [--dry-run]`: set boundaries from a FeatureCollection."""

from django.core.management.base import BaseCommand

from huiketing.places import services
from huiketing.places.management.commands._report import fail_if_errors, write_import_report


class Command(BaseCommand):
    help = (
        "Set place boundaries from a GeoJSON FeatureCollection (WGS-84) whose features have a code property."
    )

    def add_arguments(self, parser):
        parser.add_argument("geojson", help="Path of the GeoJSON file.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and write nothing.")

    def handle(self, *args, **options):
        report = services.boundaries_import_geojson(
            by=None, file=options["geojson"], dry_run=options["dry_run"]
        )
        write_import_report(self, report)
        fail_if_errors(report)
