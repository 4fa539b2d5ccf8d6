"""Bookings through the services: places, the waiting list, cancelling, packages, attendance, reminders.

The fixtures here (a living room open every day, a room, slots, residents) are also used by the booking race
tests and the booking pages' tests."""

import itertools
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from huiketing.core.models import AuditEntry, Notification
from huiketing.hall import booking_services as services
from huiketing.hall.models import Booking, BookingStatus, Closure, ServiceItem, Slot, Venue, Zone
from huiketing.people.models import Organisation, Role
from huiketing.places.models import ServicePoint
from tests.meetings.conftest import make_resident  # noqa: F401  (fixture)

_counter = itertools.count(1)
EVERY_DAY = [{"days": [1, 2, 3, 4, 5, 6, 7], "opens": "08:00", "closes": "22:00"}]


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def make_venue(tree):
    def make(grid=None, opening_hours=None) -> Venue:
        grid = grid or tree.grids[0]
        n = next(_counter)
        point = ServicePoint.objects.create(
            kind="living_room",
            names={"zh-hans": f"会客厅{n}", "en": f"Living room {n}"},
            place=grid,
            place_code=grid.code,
            lat=47.845,
            lng=88.105,
            opening_hours=EVERY_DAY if opening_hours is None else opening_hours,
        )
        return Venue.objects.create(service_point=point, place_code=grid.code)

    return make


@pytest.fixture
def venue(make_venue) -> Venue:
    return make_venue()


@pytest.fixture
def room(venue) -> Zone:
    return Zone.objects.create(
        venue=venue, kind="activity", names={"en": "Activity hall"}, capacity=40, is_bookable=True
    )


def tomorrow_at(hour: int, minute: int = 0, days: int = 1) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


@pytest.fixture
def make_slot(room):
    """A slot of the room, made directly (slot_create's checks have their own tests)."""

    def make(capacity=10, starts_at=None, waiting_list=True, cancel_hours=2, **things) -> Slot:
        starts_at = starts_at or tomorrow_at(10)
        if not things:
            things = {"zone": room}
        venue = next(iter(things.values())).venue
        return Slot.objects.create(
            venue=venue,
            place_code=venue.place_code,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
            capacity=capacity,
            waiting_list=waiting_list,
            cancel_hours=cancel_hours,
            **things,
        )

    return make


def _name(n: int) -> str:
    """Names may not hold digits: 0..99 as two of the ten heavenly stems."""
    stems = "甲乙丙丁戊己庚辛壬癸"
    return stems[n // 10 % 10] + stems[n % 10]


@pytest.fixture
def residents(make_resident):  # noqa: F811
    def make(count: int, prefix: str = "b") -> list:
        return [make_resident(f"居民{_name(n)}", username=f"{prefix}_res_{n}") for n in range(count)]

    return make


@pytest.fixture
def officer(tree, make_user):
    return make_user("t_booking_officer", Role.COMMUNITY_STAFF, tree.communities[0].code)


# Slots ------------------------------------------------------------------------------------------------


def test_slot_create_in_opening_hours_is_audited(venue, room, officer):
    slot = services.slot_create(
        by=officer, venue=venue, zone=room, starts_at=tomorrow_at(9), ends_at=tomorrow_at(11), capacity=20
    )
    assert slot.taken == 0 and slot.place_code == venue.place_code
    assert AuditEntry.objects.filter(action="hall.slot_create", object_id=str(slot.pk)).exists()


def test_slot_create_refuses_closure_with_its_reason(venue, room, officer, english):
    Closure.objects.create(
        venue=venue, starts_at=tomorrow_at(8), ends_at=tomorrow_at(12), reasons={"en": "Repairs"}
    )
    with pytest.raises(ValidationError) as error:
        services.slot_create(
            by=officer, venue=venue, zone=room, starts_at=tomorrow_at(9), ends_at=tomorrow_at(10), capacity=5
        )
    assert "Repairs" in " ".join(error.value.message_dict["starts_at"])
    assert not Slot.objects.exists()


def test_slot_create_refuses_outside_opening_hours_and_oversized(venue, room, officer, english):
    with pytest.raises(ValidationError) as error:
        services.slot_create(
            by=officer, venue=venue, zone=room, starts_at=tomorrow_at(6), ends_at=tomorrow_at(7), capacity=5
        )
    assert "starts_at" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.slot_create(
            by=officer, venue=venue, zone=room, starts_at=tomorrow_at(9), ends_at=tomorrow_at(10), capacity=41
        )
    assert error.value.message_dict["capacity"] == ["The room “Activity hall” holds at most 40 people."]


def test_check_constraint_refuses_overbooking_even_by_direct_update(make_slot):
    slot = make_slot(capacity=10)
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.filter(pk=slot.pk).update(taken=11)
    slot.refresh_from_db()
    assert slot.taken == 0


# Booking ----------------------------------------------------------------------------------------------


def test_booking_confirms_then_waits_and_counts(make_slot, residents, english):
    slot = make_slot(capacity=2)
    people = residents(3)
    made = [services.booking_make(by=r.account, slot=slot) for r in people]
    assert [b.status for b in made] == ["confirmed", "confirmed", "waiting"]
    assert made[0].resident_id == people[0].pk and made[0].user_id == people[0].account_id
    assert made[2].waiting_since is not None
    slot.refresh_from_db()
    assert slot.taken == 2
    assert AuditEntry.objects.filter(action="hall.booking_make").count() == 3


def test_one_person_twice_is_refused(make_slot, residents, english):
    slot = make_slot(capacity=5)
    (person,) = residents(1)
    services.booking_make(by=person.account, slot=slot)
    with pytest.raises(services.BookingRefused) as error:
        services.booking_make(by=person.account, slot=slot)
    assert error.value.messages == ["You have already booked this time or are on its waiting list."]
    slot.refresh_from_db()
    assert slot.taken == 1


def test_no_waiting_list_refuses_when_full(make_slot, residents, english):
    slot = make_slot(capacity=1, waiting_list=False)
    a, b = residents(2)
    services.booking_make(by=a.account, slot=slot)
    with pytest.raises(services.BookingRefused) as error:
        services.booking_make(by=b.account, slot=slot)
    assert error.value.messages == ["This time is fully booked."]


def test_started_slot_is_refused(make_slot, residents, english):
    slot = make_slot(starts_at=timezone.now() - timedelta(minutes=5))
    (person,) = residents(1)
    with pytest.raises(services.BookingRefused):
        services.booking_make(by=person.account, slot=slot)


def test_party_size_is_checked(make_slot, residents, english):
    slot = make_slot(capacity=3)
    (person,) = residents(1)
    with pytest.raises(ValidationError) as error:
        services.booking_make(by=person.account, slot=slot, party_size=0)
    assert "party_size" in error.value.message_dict
    booking = services.booking_make(by=person.account, slot=slot, party_size=3)
    slot.refresh_from_db()
    assert booking.status == "confirmed" and slot.taken == 3


def test_cancel_promotes_the_first_waiting_that_fits_and_notifies(make_slot, residents, english):
    slot = make_slot(capacity=2)
    a, b, c, d = residents(4)
    first = services.booking_make(by=a.account, slot=slot, party_size=2)
    big = services.booking_make(by=b.account, slot=slot, party_size=2)
    small = services.booking_make(by=c.account, slot=slot)
    later = services.booking_make(by=d.account, slot=slot)
    assert big.status == small.status == later.status == "waiting"
    services.booking_cancel(by=a.account, booking=first)
    big.refresh_from_db()
    small.refresh_from_db()
    slot.refresh_from_db()
    assert big.status == "confirmed" and small.status == "waiting" and slot.taken == 2
    assert Notification.objects.filter(recipient=b.account, kind="hall.booking_promoted").count() == 1
    services.booking_cancel(by=b.account, booking=big)
    small.refresh_from_db()
    later.refresh_from_db()
    slot.refresh_from_db()
    assert small.status == "confirmed" and later.status == "confirmed" and slot.taken == 2


def test_cancel_after_the_limit_is_refused_for_residents_but_not_staff(
    make_slot, residents, officer, english
):
    slot = make_slot(starts_at=timezone.now() + timedelta(hours=1), cancel_hours=2)
    (person,) = residents(1)
    booking = services.booking_make(by=person.account, slot=slot)
    with pytest.raises(services.BookingStateError) as error:
        services.booking_cancel(by=person.account, booking=booking)
    assert "until 2 hours before" in error.value.messages[0]
    services.booking_cancel(by=officer, booking=booking)
    booking.refresh_from_db()
    slot.refresh_from_db()
    assert booking.status == "cancelled" and slot.taken == 0
    assert Notification.objects.filter(
        recipient=person.account, kind="hall.booking_cancelled_by_staff"
    ).exists()


def test_cancel_someone_elses_booking_is_refused(make_slot, residents, english):
    slot = make_slot()
    a, b = residents(2)
    booking = services.booking_make(by=a.account, slot=slot)
    with pytest.raises(services.BookingStateError):
        services.booking_cancel(by=b.account, booking=booking)
    with pytest.raises(services.BookingStateError):
        services.booking_cancel(by=a.account, booking=services.booking_cancel(by=a.account, booking=booking))


def test_staff_book_for_a_resident_in_scope(make_slot, make_resident, officer, tree, english):  # noqa: F811
    slot = make_slot()
    person = make_resident("李奶奶")  # no account: booked at the counter
    booking = services.booking_for_resident(by=officer, slot=slot, resident=person)
    assert booking.booked_by_id == officer.pk and booking.resident_id == person.pk and booking.user_id is None
    entry = AuditEntry.objects.get(action="hall.booking_make", object_id=str(booking.pk))
    assert entry.actor_id == officer.pk
    outsider = make_resident("外人", grid=tree.grids[4])
    with pytest.raises(ValidationError):
        services.booking_for_resident(by=officer, slot=slot, resident=outsider)
    with pytest.raises(services.BookingRefused):
        services.booking_for_resident(by=officer, slot=slot, resident=person)


def test_attendance_after_the_start(make_slot, residents, officer, english):
    slot = make_slot(starts_at=timezone.now() + timedelta(hours=3))
    (person,) = residents(1)
    booking = services.booking_make(by=person.account, slot=slot)
    with pytest.raises(services.BookingStateError):
        services.attendance_mark(by=officer, booking=booking, attended=True)
    later = timezone.now() + timedelta(hours=3, minutes=10)
    booking = services.attendance_mark(by=officer, booking=booking, attended=False, now=later)
    assert booking.status == BookingStatus.NO_SHOW
    booking = services.attendance_mark(by=officer, booking=booking, attended=True, now=later)
    assert booking.status == BookingStatus.ATTENDED
    with pytest.raises(services.BookingStateError):
        services.attendance_mark(by=person.account, booking=booking, attended=False, now=later)


# Packages ---------------------------------------------------------------------------------------------


@pytest.fixture
def party_day(venue, room):
    """A theme party-day package: a screening in the cinema, a guide, and the activity hall."""
    cinema = Zone.objects.create(venue=venue, kind="cinema", names={"en": "Cinema"}, capacity=60)

    def item(code, name, **extra):
        return ServiceItem.objects.create(
            venue=venue, code=code, names={"en": name}, category="party", provider_kind="community", **extra
        )

    screening = item("screening", "Red film", zone=cinema, needs_booking=True)
    guide = item("guide", "Guided tour", needs_booking=True)
    package = item("party-day", "Theme party day", zone=room, is_package=True)
    package.components.set([screening, guide])
    return package, screening, guide


def test_package_books_every_part_together(make_slot, party_day, room, make_user, tree, english):
    package, screening, guide = party_day
    start = tomorrow_at(14)
    make_slot(capacity=60, starts_at=start, item=screening)
    make_slot(capacity=20, starts_at=start, item=guide)
    make_slot(capacity=40, starts_at=start, zone=room)
    secretary = make_user("t_branch", Role.PARTY_MEMBER, tree.grids[0].code)
    branch = Organisation.objects.create(kind="other", names={"en": "Branch"}, place_code=tree.grids[0].code)
    bookings = services.package_book(
        by=secretary, package=package, starts_at=start, organisation=branch, party_size=15
    )
    assert len(bookings) == 3 and len({b.group for b in bookings}) == 1
    assert all(b.status == "confirmed" and b.package_id == package.pk for b in bookings)
    assert sorted(Slot.objects.values_list("taken", flat=True)) == [15, 15, 15]


def test_a_party_member_books_only_for_an_organisation_of_their_own_community(
    make_slot, party_day, room, make_user, tree, english
):
    package, screening, guide = party_day
    start = tomorrow_at(14)
    for part in ({"item": screening}, {"item": guide}, {"zone": room}):
        make_slot(capacity=60, starts_at=start, **part)
    elsewhere = make_user("t_far_member", Role.PARTY_MEMBER, tree.grids[-1].code)
    branch = Organisation.objects.create(kind="other", names={"en": "Branch"}, place_code=tree.grids[0].code)
    assert tree.grids[-1].code[:12] != branch.place_code[:12]
    for attempt in (
        lambda: services.package_book(by=elsewhere, package=package, starts_at=start, organisation=branch),
        lambda: services.booking_make(by=elsewhere, slot=Slot.objects.get(zone=room), organisation=branch),
    ):
        with pytest.raises(ValidationError) as error:
            attempt()
        assert error.value.messages == ["You cannot book for this organisation."]
    assert not Booking.objects.exists()


def test_package_is_all_or_nothing_naming_the_full_part(make_slot, party_day, room, officer, tree, english):
    package, screening, guide = party_day
    start = tomorrow_at(14)
    make_slot(capacity=60, starts_at=start, item=screening)
    make_slot(capacity=10, starts_at=start, item=guide)
    make_slot(capacity=40, starts_at=start, zone=room)
    branch = Organisation.objects.create(kind="other", names={"en": "Branch"}, place_code=tree.grids[0].code)
    with pytest.raises(services.BookingRefused) as error:
        services.package_book(
            by=officer, package=package, starts_at=start, organisation=branch, party_size=15
        )
    assert error.value.messages == ["“Guided tour” of the package: This time is fully booked."]
    assert not Booking.objects.exists()
    assert list(Slot.objects.values_list("taken", flat=True)) == [0, 0, 0]


# Reminders --------------------------------------------------------------------------------------------


def test_reminders_go_once_the_day_before_and_once_two_hours_before(make_slot, residents):
    start = timezone.now() + timedelta(days=2)
    slot = make_slot(starts_at=start)
    a, b = residents(2)
    services.booking_make(by=a.account, slot=slot)
    waiting_slot = make_slot(capacity=1, starts_at=start)
    services.booking_make(by=b.account, slot=waiting_slot)
    assert services.reminders_send(now=start - timedelta(hours=30)) == 0
    assert services.reminders_send(now=start - timedelta(hours=23)) == 2
    assert services.reminders_send(now=start - timedelta(hours=22)) == 0
    assert services.reminders_send(now=start - timedelta(hours=1, minutes=50)) == 2
    assert services.reminders_send(now=start - timedelta(hours=1)) == 0
    assert Notification.objects.filter(kind="hall.booking_reminder", recipient=a.account).count() == 2
