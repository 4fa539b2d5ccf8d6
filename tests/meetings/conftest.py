"""Fixtures of the meetings tests: residents in the registry with accounts, and the staff who run meetings.

Shared by the deliberation, meeting, vote and minutes tests: add fixtures, do not change what others rely on.
"""

import itertools
from datetime import date

import pytest

from huiketing.people import services as people_services
from huiketing.people.models import Relation, Resident, Role
from huiketing.places.models import Place

_numbers = itertools.count(1)


def _id_number(birth: date, serial: int) -> str:
    from huiketing.people.validators import id_check_character

    first_17 = f"654301{birth:%Y%m%d}{serial % 1000:03d}"
    return first_17 + id_check_character(first_17)


@pytest.fixture
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def make_resident(tree, make_user):
    """A registered resident of `grid` (default: the first grid), in a new household unless one is given,
    with an
    account (username) when asked. Adults born in 1980 unless `birth` says otherwise."""

    def make(
        name: str = "居民",
        *,
        grid: Place | None = None,
        household=None,
        relation: str = Relation.HOUSEHOLDER,
        username: str | None = None,
        birth: date = date(1980, 1, 1),
    ) -> Resident:
        n = next(_numbers)
        if household is None:
            household = people_services.household_create(
                by=None, grid=grid or tree.grids[0], building=str(n), room="101"
            )
        resident = people_services.resident_create(
            by=None,
            household=household,
            full_name=name,
            id_number=_id_number(birth, n),
            relation=relation,
        )
        if username:
            resident.account = make_user(username, Role.RESIDENT, resident.place_code)
            resident.save(update_fields=["account"])
        return resident

    return make


@pytest.fixture
def community_staff(tree, make_user):
    """Community staff of the first community (it holds tree.grids[0] and [1])."""
    return make_user("t_community_staff", Role.COMMUNITY_STAFF, tree.communities[0].code)
