"""`demo_seed`: load the Altay City demo once, then print where to open it and how to log in."""

import unicodedata

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from huiketing.demo.data.people import GRID_LEADER_PREFIX
from huiketing.demo.loader import DemoError, demo_load
from huiketing.demo.selectors import demo_logins


def _width(text: str) -> int:
    # Chinese characters take two columns in a terminal.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "Load the Altay City demo data (once; a second run changes nothing) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="multiply the people-level demo records (residents, orders, visits, …) by N (N ≥ 1)",
        )
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="where the demo will be served")

    def handle(self, *args, scale: int, url: str, **options):
        if scale < 1:
            raise CommandError(
                _("--scale must be a whole number of at least 1, not %(scale)s.") % {"scale": scale}
            )
        # Public holidays for every year the installed chinese-calendar knows (idempotent): matter
        # deadlines count working days.
        call_command("workdays_load", verbosity=0)
        try:
            summary = demo_load(scale=scale)
        except DemoError as error:
            raise CommandError(str(error)) from error

        if summary.already_loaded:
            self.stdout.write(
                _("The Altay City demo is already loaded (scale %(scale)s); nothing changed.")
                % {"scale": summary.scale}
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Loaded the Altay City demo (scale %(scale)s) in %(seconds).1f s.")
                    % {"scale": summary.scale, "seconds": summary.seconds}
                )
            )
        self.stdout.write("")
        self.stdout.write(_("Open %(url)s") % {"url": url})
        self.stdout.write("")

        logins = demo_logins()
        # A context keeps Django's own catalogue from translating some headings and not others.
        header = (
            pgettext("demo logins", "username"),
            pgettext("demo logins", "role"),
            pgettext("demo logins", "scope"),
        )
        rows = [(login.username, login.role, login.scope) for login in logins]
        widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(2)]
        self.stdout.write(_("Demo logins:"))
        for row in [header, *rows]:
            self.stdout.write("  " + "  ".join([_pad(row[0], widths[0]), _pad(row[1], widths[1]), row[2]]))
        self.stdout.write(
            "  "
            + _(
                "and one grid leader per grid: %(prefix)s<15-digit grid code>, e.g. %(prefix)s654301001001001"
            )
            % {"prefix": GRID_LEADER_PREFIX}
        )
        self.stdout.write(
            _("Password of every demo account: %(password)s") % {"password": settings.DEMO_PASSWORD}
        )
        self.stdout.write("")
        counts = summary.counts
        self.stdout.write(
            _(
                "Demo data: 1 city, %(subdistricts)s subdistricts, %(communities)s communities, "
                "%(grids)s grids, %(service_points)s service points, %(organisations)s organisations, "
                "%(accounts)s accounts, %(households)s households, %(residents)s residents (synthetic)."
            )
            % counts
        )
        if summary.generated:
            self.stdout.write(_("Scaled records generated: %(n)s") % {"n": summary.generated})
