"""`huiketing places_renumber <community code> [--dry-run]`: renumber a community's grids in reading order."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from huiketing.places import services
from huiketing.places.models import Level, Place


class Command(BaseCommand):
    help = "Renumber the grids of a community west to east, then north to south."

    def add_arguments(self, parser):
        parser.add_argument("community", help="The community's 12-digit code.")
        parser.add_argument("--dry-run", action="store_true", help="Show the new codes and write nothing.")

    def handle(self, *args, **options):
        community = Place.objects.filter(code=options["community"], level=Level.COMMUNITY).first()
        if community is None:
            raise CommandError(_("No community has the code %(code)s.") % {"code": options["community"]})
        report = services.grids_renumber(by=None, community=community, dry_run=options["dry_run"])
        for row in report.rows:
            mark = "→" if row.changed else "="
            self.stdout.write(f"{row.old_code} {mark} {row.new_code}  {row.place.name}")
        if report.applied:
            self.stdout.write(
                self.style.SUCCESS(_("%(count)d grids renumbered.") % {"count": len(report.changes)})
            )
        elif not report.changes:
            self.stdout.write(_("The grids are already numbered in order."))
        else:
            self.stdout.write(_("Dry run: nothing has been written."))
