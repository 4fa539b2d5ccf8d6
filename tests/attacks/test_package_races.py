"""Organisations book the same package at the same moment when the activity hall has room for one party:
exactly one gets every part, the other gets the clear refusal naming the hall, and no partial package is left
behind (the loser's screening and guide, booked before the hall refused, are rolled back with it).

It runs on the database in use, SQLite or PostgreSQL. On PostgreSQL the attempts truly run at once and the
slots' row locks, taken in one order, decide; SQLite takes one writer at a time, so there they queue for
it."""

import pytest

from huiketing.hall import booking_services as services
from huiketing.hall.models import Booking, BookingStatus, Slot
from huiketing.people.models import Organisation, Role
from tests.attacks.concurrency import run_at_once
from tests.hall.test_booking_services import (  # noqa: F401  (fixtures)
    make_slot,
    make_venue,
    party_day,
    room,
    tomorrow_at,
    venue,
)

pytestmark = pytest.mark.django_db(transaction=True)

REFUSAL = "“Activity hall” of the package: This time is fully booked."


@pytest.fixture
def package_at_two(
    make_slot,  # noqa: F811
    party_day,  # noqa: F811
    room,  # noqa: F811
):
    """The party-day package tomorrow at 14:00: screening and guide with room for many, the hall for 40."""
    package, screening, guide = party_day
    start = tomorrow_at(14)
    slots = {
        "screening": make_slot(capacity=200, starts_at=start, item=screening),
        "guide": make_slot(capacity=200, starts_at=start, item=guide),
        "room": make_slot(capacity=40, starts_at=start, zone=room),
    }
    return package, start, slots


@pytest.fixture
def branch_members(tree, make_user):
    """(party member, their branch) pairs in the first community."""

    def make(count: int):
        pairs = []
        for n in range(count):
            member = make_user(f"race_member_{n}", Role.PARTY_MEMBER, tree.grids[0].code)
            branch = Organisation.objects.create(
                kind=Organisation.Kind.CO_BUILDING_UNIT,
                names={"en": f"Branch {n}"},
                place_code=tree.communities[0].code,
            )
            pairs.append((member, branch))
        return pairs

    return make


def _book(package, start, member, branch, party_size):
    return lambda: services.package_book(
        by=member, package=package, starts_at=start, organisation=branch, party_size=party_size
    )


def _no_partial_package(package) -> dict:
    """Every group of bookings holds all three parts; returns group → organisation."""
    groups: dict = {}
    for booking in Booking.objects.filter(package=package):
        groups.setdefault(booking.group, []).append(booking)
    for bookings in groups.values():
        assert len(bookings) == 3, bookings
        assert len({b.organisation_id for b in bookings}) == 1
        assert all(b.status == BookingStatus.CONFIRMED for b in bookings)
    return {group: bookings[0].organisation_id for group, bookings in groups.items()}


def test_two_branches_race_for_the_last_room_one_gets_the_whole_package(
    audit_log_flushable,
    package_at_two,
    branch_members,
):
    package, start, slots = package_at_two
    (first, first_branch), (second, second_branch) = branch_members(2)
    results = run_at_once(
        [
            _book(package, start, first, first_branch, 30),
            _book(package, start, second, second_branch, 30),
        ]
    )

    won = [r for r in results if isinstance(r, list)]
    refused = [r for r in results if isinstance(r, services.BookingRefused)]
    assert len(won) == 1 and len(refused) == 1, results
    assert refused[0].messages == [REFUSAL]
    winner = won[0][0].organisation_id
    assert winner in (first_branch.pk, second_branch.pk)
    assert list(_no_partial_package(package).values()) == [winner]
    assert Booking.objects.count() == 3
    taken = {name: Slot.objects.get(pk=slot.pk).taken for name, slot in slots.items()}
    assert taken == {"screening": 30, "guide": 30, "room": 30}


def test_eight_branches_at_once_fill_the_room_with_whole_packages_only(
    audit_log_flushable,
    package_at_two,
    branch_members,
):
    package, start, slots = package_at_two
    pairs = branch_members(8)
    results = run_at_once([_book(package, start, member, branch, 15) for member, branch in pairs])

    unexpected = [r for r in results if not isinstance(r, list | services.BookingRefused)]
    assert not unexpected, unexpected[:3]
    won = [r for r in results if isinstance(r, list)]
    refused = [r for r in results if isinstance(r, services.BookingRefused)]
    assert len(won) == 2 and len(refused) == 6
    assert {m for error in refused for m in error.messages} == {REFUSAL}
    assert len(_no_partial_package(package)) == 2
    assert Booking.objects.count() == 6
    taken = {name: Slot.objects.get(pk=slot.pk).taken for name, slot in slots.items()}
    assert taken == {"screening": 30, "guide": 30, "room": 30}
