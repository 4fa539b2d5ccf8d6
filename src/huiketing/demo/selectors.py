"""Reads about the loaded demo: what it holds and which logins it offers."""

from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext as _

from huiketing.core.i18n import pick
from huiketing.core.models import AuditEntry
from huiketing.demo.data import people, places
from huiketing.people.models import Household, Organisation, Resident, Role, RoleAssignment, User
from huiketing.places.models import Level, Place, ServicePoint


def demo_counts() -> dict[str, int]:
    by_level = dict(
        Place.objects.filter(is_demo=True, code__startswith=places.CITY_CODE)
        .values_list("level")
        .annotate(n=Count("id"))
        .values_list("level", "n")
    )
    return {
        "subdistricts": by_level.get(Level.SUBDISTRICT, 0),
        "communities": by_level.get(Level.COMMUNITY, 0),
        "grids": by_level.get(Level.GRID, 0),
        "service_points": ServicePoint.objects.filter(is_demo=True).count(),
        "organisations": Organisation.objects.filter(is_demo=True).count(),
        "accounts": User.objects.filter(is_demo=True).count(),
        "households": Household.objects.filter(is_demo=True).count(),
        "residents": Resident.objects.filter(is_demo=True).count(),
    }


def demo_scale() -> int | None:
    """The scale the demo was loaded with, as recorded in its audit entry."""
    entry = AuditEntry.objects.filter(action="demo.loaded").order_by("-at", "-id").first()
    if entry is None:
        return None
    return entry.changes.get("scale", [None, None])[1]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    display_name: str
    role: str
    scope: str


def demo_logins() -> list[DemoLogin]:
    """The named demo accounts with each role and its scope, in the order of DESIGN.md §5."""
    usernames = [account.username for account in people.ACCOUNTS]
    assignments = (
        RoleAssignment.objects.filter(user__username__in=usernames, user__is_demo=True)
        .select_related("user", "organisation")
        .order_by("id")
    )
    # A grid is shown with its community: "第4网格" alone says little.
    codes = {a.place_code[:n] for a in assignments if a.place_code for n in (12, 15)}
    names = dict(Place.objects.filter(code__in=codes).values_list("code", "names"))
    logins = []
    for assignment in sorted(assignments, key=lambda a: usernames.index(a.user.username)):
        if assignment.organisation is not None:
            scope = str(assignment.organisation)
        elif assignment.place_code:
            code = assignment.place_code
            label = pick(names.get(code))
            if len(code) == 15:
                label = f"{pick(names.get(code[:12]))} {label}"
            scope = f"{code} {label}"
        else:
            scope = _("all places")
        logins.append(
            DemoLogin(
                username=assignment.user.username,
                display_name=str(assignment.user),
                role=str(Role(assignment.role).label),
                scope=scope,
            )
        )
    return logins
