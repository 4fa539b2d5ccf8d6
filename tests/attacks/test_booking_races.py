"""Fifty residents book the same ten places at the same moment: exactly ten bookings are confirmed, the slot
counts ten places taken, and the forty others join the waiting list in order (or, on a slot without a
waiting list, get the clear "fully booked" refusal), never a server error.

It runs on the database in use, SQLite or PostgreSQL. On PostgreSQL the attempts truly run at once and the
slot's row lock orders them; SQLite takes one writer at a time, so there they queue for it."""

import pytest

from huiketing.core.models import AuditEntry
from huiketing.hall import booking_services as services
from huiketing.hall.models import Booking, BookingStatus, Slot
from tests.attacks.concurrency import run_at_once
from tests.hall.test_booking_services import (  # noqa: F401  (fixtures)
    make_slot,
    make_venue,
    residents,
    room,
    venue,
)
from tests.meetings.conftest import make_resident  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)

ATTEMPTS = 50
PLACES = 10


def _book(person, slot):
    return lambda: services.booking_make(by=person.account, slot=slot)


def test_fifty_residents_for_ten_places_make_ten_bookings_and_forty_waiting(
    audit_log_flushable,
    make_slot,  # noqa: F811
    residents,  # noqa: F811
):
    slot = make_slot(capacity=PLACES)
    people = residents(ATTEMPTS, prefix="race")
    results = run_at_once([_book(person, slot) for person in people])

    unexpected = [r for r in results if not isinstance(r, Booking)]
    assert not unexpected, unexpected[:3]
    confirmed = [r for r in results if r.status == BookingStatus.CONFIRMED]
    waiting = [r for r in results if r.status == BookingStatus.WAITING]
    assert len(confirmed) == PLACES and len(waiting) == ATTEMPTS - PLACES
    slot.refresh_from_db()
    assert slot.taken == PLACES
    assert Booking.objects.filter(slot=slot, status=BookingStatus.CONFIRMED).count() == PLACES
    assert Booking.objects.filter(slot=slot, status=BookingStatus.WAITING).count() == ATTEMPTS - PLACES
    assert AuditEntry.objects.filter(action="hall.booking_make").count() == ATTEMPTS

    # A cancellation gives the place to the one who has waited longest.
    first_waiting = Booking.objects.filter(slot=slot, status=BookingStatus.WAITING).order_by(
        "waiting_since", "id"
    )[0]
    services.booking_cancel(by=confirmed[0].user, booking=confirmed[0])
    first_waiting.refresh_from_db()
    slot.refresh_from_db()
    assert first_waiting.status == BookingStatus.CONFIRMED and slot.taken == PLACES


def test_fifty_residents_without_waiting_list_make_ten_bookings_and_forty_refusals(
    audit_log_flushable,
    make_slot,  # noqa: F811
    residents,  # noqa: F811
):
    slot = make_slot(capacity=PLACES, waiting_list=False)
    people = residents(ATTEMPTS, prefix="racenw")
    results = run_at_once([_book(person, slot) for person in people])

    unexpected = [r for r in results if not isinstance(r, Booking | services.BookingRefused)]
    assert not unexpected, unexpected[:3]
    won = [r for r in results if isinstance(r, Booking)]
    refused = [r for r in results if isinstance(r, services.BookingRefused)]
    assert len(won) == PLACES and all(b.status == BookingStatus.CONFIRMED for b in won)
    assert len(refused) == ATTEMPTS - PLACES
    assert {m for error in refused for m in error.messages} == {"This time is fully booked."}
    assert Slot.objects.get(pk=slot.pk).taken == PLACES
    assert Booking.objects.filter(slot=slot).count() == PLACES


def test_one_resident_twenty_times_at_once_holds_one_place(
    audit_log_flushable,
    make_slot,  # noqa: F811
    residents,  # noqa: F811
):
    slot = make_slot(capacity=PLACES)
    (person,) = residents(1, prefix="raceone")
    results = run_at_once([_book(person, slot) for _n in range(20)])

    unexpected = [r for r in results if not isinstance(r, Booking | services.BookingRefused)]
    assert not unexpected, unexpected[:3]
    assert sum(isinstance(r, Booking) for r in results) == 1
    refused = [r for r in results if isinstance(r, services.BookingRefused)]
    assert {m for error in refused for m in error.messages} == {
        "You have already booked this time or are on its waiting list."
    }
    assert Slot.objects.get(pk=slot.pk).taken == 1
