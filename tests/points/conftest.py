"""Fixtures of the points tests: the standard rules, residents in the registry with accounts, and the staff
who read and correct accounts."""

import itertools

import pytest

from huiketing.people import services as people_services
from huiketing.people.models import Resident, Role
from huiketing.places.models import Place
from huiketing.points.services import points_rules_ensure
from tests.matters.conftest import categories, english, units  # noqa: F401  (fixtures)

_numbers = itertools.count(1)


def _id_number(serial: int) -> str:
    from huiketing.people.validators import id_check_character

    first_17 = f"65430119850101{serial % 1000:03d}"
    return first_17 + id_check_character(first_17)


@pytest.fixture
def rules(db):
    """The standard rules (the migration makes them; a transactional test elsewhere may have emptied the
    tables since)."""
    from huiketing.points.models import Rule

    points_rules_ensure()
    return {rule.code: rule for rule in Rule.objects.all()}


@pytest.fixture
def make_resident(tree, make_user):
    """A resident of `grid` (default: the first grid) in a household of their own, with an account when a
    username is given."""

    def make(name: str = "王小明", *, grid: Place | None = None, username: str | None = None) -> Resident:
        n = next(_numbers)
        household = people_services.household_create(
            by=None, grid=grid or tree.grids[0], building=f"p{n}", room="101"
        )
        resident = people_services.resident_create(
            by=None, household=household, full_name=name, id_number=_id_number(n)
        )
        if username:
            resident.account = make_user(username, Role.RESIDENT, resident.place_code)
            resident.save(update_fields=["account"])
        return resident

    return make
