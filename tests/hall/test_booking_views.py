"""The booking pages and API: free places shown from the records, booking and cancelling, the staff's day,
idempotent API booking, and query counts that do not grow with the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from huiketing.hall import booking_services as services
from huiketing.hall.models import Booking, ServiceItem
from tests.hall.test_booking_services import (  # noqa: F401  (fixtures)
    make_slot,
    make_venue,
    officer,
    residents,
    room,
    venue,
)
from tests.meetings.conftest import make_resident  # noqa: F401  (fixture)


@pytest.fixture
def item(venue):  # noqa: F811
    return ServiceItem.objects.create(
        venue=venue, code="haircut", names={"en": "Haircut"}, category="everyday", provider_kind="community"
    )


def test_item_page_shows_free_places_and_waiting_list(client, item, make_slot, residents):  # noqa: F811
    slot = make_slot(capacity=2, item=item)
    people = residents(3)
    for person in people:
        services.booking_make(by=person.account, slot=slot)
    other = make_slot(capacity=20, item=item, starts_at=slot.starts_at.replace(hour=15))
    services.booking_make(by=people[0].account, slot=other)
    client.force_login(people[1].account)
    with translation.override("en"):
        response = client.get(reverse("hall:item-book", args=[item.pk]), HTTP_ACCEPT_LANGUAGE="en")
    text = response.content.decode()
    assert response.status_code == 200
    assert "19 of 20 places left" in text and "waiting list: 1" in text and "Fully booked" in text


def test_book_from_the_page_then_cancel(client, item, make_slot, residents):  # noqa: F811
    slot = make_slot(capacity=5, item=item)
    (person,) = residents(1)
    client.force_login(person.account)
    response = client.post(reverse("hall:item-book", args=[item.pk]), {"slot": slot.pk, "party_size": "2"})
    assert response.status_code == 302
    booking = Booking.objects.get(slot=slot)
    assert booking.status == "confirmed" and booking.party_size == 2
    assert client.get(reverse("hall:booking-list")).status_code == 200
    response = client.post(reverse("hall:booking-cancel", args=[booking.pk]))
    booking.refresh_from_db()
    assert response.status_code == 302 and booking.status == "cancelled"


def test_bad_party_size_and_full_slot_come_back_with_the_message(client, item, make_slot, residents):  # noqa: F811
    slot = make_slot(capacity=1, item=item, waiting_list=False)
    a, b = residents(2)
    services.booking_make(by=a.account, slot=slot)
    client.force_login(b.account)
    with translation.override("en"):
        url = reverse("hall:item-book", args=[item.pk])
        response = client.post(url, {"slot": slot.pk, "party_size": "x"}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400 and "number of people" in response.content.decode()
        response = client.post(url, {"slot": slot.pk}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "fully booked" in response.content.decode()


def test_others_booking_cannot_be_cancelled(client, make_slot, residents):  # noqa: F811
    slot = make_slot()
    a, b = residents(2)
    booking = services.booking_make(by=a.account, slot=slot)
    client.force_login(b.account)
    assert client.post(reverse("hall:booking-cancel", args=[booking.pk])).status_code == 404


def test_staff_day_books_for_a_resident_and_marks(client, officer, venue, make_slot, make_resident):  # noqa: F811
    slot = make_slot()
    person = make_resident("张大爷")
    client.force_login(officer)
    url = reverse("hall:staff-bookings")
    day = slot.starts_at.date().isoformat()
    response = client.get(url, {"venue": venue.pk, "day": day, "name": "张"})
    assert response.status_code == 200 and "张大爷" in response.content.decode()
    response = client.post(
        url, {"action": "book", "slot": slot.pk, "resident": person.pk, "venue": venue.pk, "day": day}
    )
    assert response.status_code == 302
    booking = Booking.objects.get(slot=slot, resident=person)
    assert booking.booked_by_id == officer.pk


def test_staff_of_another_place_find_no_venue(client, make_user, tree, venue):  # noqa: F811
    from huiketing.people.models import Role

    outsider = make_user("t_other_staff", Role.COMMUNITY_STAFF, tree.communities[2].code)
    client.force_login(outsider)
    assert client.get(reverse("hall:staff-bookings"), {"venue": venue.pk}).status_code == 404


def test_api_books_once_with_an_idempotency_key_and_cancels(client, make_slot, residents):  # noqa: F811
    slot = make_slot(capacity=3)
    (person,) = residents(1)
    client.force_login(person.account)
    url = reverse("api-bookings")
    first = client.post(url, {"slot": slot.pk}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1")
    again = client.post(url, {"slot": slot.pk}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == 201 and again.status_code == 201
    assert first.json() == again.json() and Booking.objects.count() == 1
    twice = client.post(url, {"slot": slot.pk}, content_type="application/json")
    assert twice.status_code == 400
    slots = client.get(reverse("api-slots"), {"venue": slot.venue_id}).json()
    assert slots[0]["free_places"] == 2
    mine = client.get(url).json()
    assert [b["id"] for b in mine] == [first.json()["id"]]
    response = client.post(reverse("api-booking-cancel", args=[first.json()["id"]]))
    assert response.status_code == 200 and response.json()["status"] == "cancelled"


def _count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def test_query_counts_do_not_grow_with_the_data(client, item, officer, venue, make_slot, residents):  # noqa: F811
    people = residents(8)
    slots = [
        make_slot(capacity=3, item=item, starts_at=make_slot().starts_at.replace(hour=9 + n))
        for n in range(2)
    ]
    for person in people[:4]:
        services.booking_make(by=person.account, slot=slots[0])
    client.force_login(people[0].account)
    day = slots[0].starts_at.date().isoformat()
    pages = [
        (reverse("hall:item-book", args=[item.pk]), None),
        (reverse("hall:booking-list"), None),
        (reverse("api-slots"), {"venue": venue.pk}),
        (reverse("api-bookings"), None),
    ]
    [_count(client, url, params) for url, params in pages]  # the first requests fill per-process caches
    before = [_count(client, url, params) for url, params in pages]
    client.force_login(officer)
    staff_before = _count(client, reverse("hall:staff-bookings"), {"venue": venue.pk, "day": day})
    for n in range(3):
        extra = make_slot(capacity=3, item=item, starts_at=slots[0].starts_at.replace(hour=14 + n))
        for person in people:
            services.booking_make(by=person.account, slot=extra)
    client.force_login(people[0].account)
    after = [_count(client, url, params) for url, params in pages]
    client.force_login(officer)
    staff_after = _count(client, reverse("hall:staff-bookings"), {"venue": venue.pk, "day": day})
    assert after == before and staff_after == staff_before
