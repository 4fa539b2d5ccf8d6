"""`workdays_load [--year Y]`: add China's public holidays and adjusted working days to the calendar.

The dates come from the `chinese-calendar` package. Dates already in the calendar are kept as they are (an
administrator's corrections survive), so the command can run any number of times: run it after upgrading
the package, which publishes each new year's calendar soon after the State Council does. Migration
core/0008 loads every year the package knew at install time; `huiketing demo` runs this command too.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from huiketing.core import workdays


class Command(BaseCommand):
    help = (
        "Add China's public holidays and adjusted working days from the chinese-calendar package to the "
        "working-day calendar (dates already there are kept)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--year", type=int, action="append", help="only this year (may be given more than once)"
        )

    def handle(self, *args, year=None, **options):
        known = workdays.package_years()
        if year:
            unknown = sorted(set(year) - set(known))
            if unknown:
                raise CommandError(
                    _(
                        "The chinese-calendar package knows the years %(first)s to %(last)s, not %(years)s. "
                        "Upgrade it, or enter the year in the admin."
                    )
                    % {"first": known[0], "last": known[-1], "years": ", ".join(map(str, unknown))}
                )
        result = workdays.calendar_days_load(years=year)
        if options["verbosity"] >= 1:
            self.stdout.write(
                _("Working-day calendar %(first)s–%(last)s: %(created)s days added, %(kept)s already there.")
                % {
                    "first": result.years[0] if result.years else "-",
                    "last": result.years[-1] if result.years else "-",
                    "created": result.created,
                    "kept": result.kept,
                }
            )
