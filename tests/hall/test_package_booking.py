"""Booking a package (the theme party-day: a screening, a guide and the activity hall) from its page and the
API: the start times at which every part has room, all parts or none, the part that is full named in the
refusal, the organisations a party member may book for, and query counts that do not grow with the slots."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from huiketing.core.models import AuditEntry
from huiketing.hall import package_selectors as selectors
from huiketing.hall.models import Booking, BookingStatus, ServiceItem, Slot
from huiketing.people.models import Organisation, Role
from tests.hall.test_booking_services import (  # noqa: F401  (fixtures)
    english,
    make_slot,
    make_venue,
    party_day,
    residents,
    room,
    tomorrow_at,
    venue,
)
from tests.meetings.conftest import make_resident  # noqa: F401  (fixture)

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def party_member(tree, make_user):
    """A party member registered in the first grid (of the first community)."""
    return make_user("pk_member", Role.PARTY_MEMBER, tree.grids[0].code)


@pytest.fixture
def branches(tree):
    """A party branch in the member's community and one in another subdistrict's community."""

    def branch(name, community):
        return Organisation.objects.create(
            kind=Organisation.Kind.CO_BUILDING_UNIT, names={"en": name}, place_code=community.code
        )

    return branch("Branch here", tree.communities[0]), branch("Branch elsewhere", tree.communities[2])


@pytest.fixture
def afternoon(
    make_slot,  # noqa: F811
    party_day,  # noqa: F811
    room,  # noqa: F811
):
    """Every part of the package has a slot at 14:00 tomorrow: the screening (60), the guide (20) and the
    activity hall (40)."""
    _package, screening, guide = party_day
    start = tomorrow_at(14)
    return {
        "start": start,
        "screening": make_slot(capacity=60, starts_at=start, item=screening),
        "guide": make_slot(capacity=20, starts_at=start, item=guide),
        "room": make_slot(capacity=40, starts_at=start, zone=room),
    }


# Start times ------------------------------------------------------------------------------------------------


def test_times_are_those_at_which_every_part_has_room(
    make_slot,  # noqa: F811
    party_day,  # noqa: F811
    room,  # noqa: F811
    afternoon,
    english,  # noqa: F811
):
    package, screening, guide = party_day
    # 10:00: no guide; 16:00: the guide is full; the room's slot of 16:00 is taken for a party of 5 only.
    make_slot(capacity=60, starts_at=tomorrow_at(10), item=screening)
    make_slot(capacity=40, starts_at=tomorrow_at(10), zone=room)
    make_slot(capacity=60, starts_at=tomorrow_at(16), item=screening)
    full_guide = make_slot(capacity=20, starts_at=tomorrow_at(16), item=guide)
    Slot.objects.filter(pk=full_guide.pk).update(taken=20)
    make_slot(capacity=40, starts_at=tomorrow_at(16), zone=room)
    times = selectors.package_times(package=package)
    assert [t.starts_at for t in times] == [afternoon["start"]]
    (time,) = times
    assert [part.name for part in time.parts] == ["Red film", "Guided tour", "Activity hall"]
    assert [part.slot for part in time.parts] == [afternoon[k] for k in ("screening", "guide", "room")]
    assert time.free_places == 20
    assert selectors.package_times(package=package, party_size=20) == times
    assert selectors.package_times(package=package, party_size=21) == []


def test_a_part_whose_slot_has_begun_makes_the_time_unbookable(
    make_slot,  # noqa: F811
    party_day,  # noqa: F811
    room,  # noqa: F811
):
    package, screening, guide = party_day
    now = timezone.now()
    start = now + timedelta(minutes=30)
    make_slot(capacity=60, starts_at=start, item=screening)
    make_slot(capacity=20, starts_at=start, item=guide)
    # The room's slot has begun (it covers the start, as the booking takes it): it can no longer be booked.
    Slot.objects.create(
        venue=room.venue,
        place_code=room.venue.place_code,
        zone=room,
        starts_at=now - timedelta(minutes=30),
        ends_at=now + timedelta(hours=2),
        capacity=40,
    )
    assert selectors.package_times(package=package, now=now) == []


def test_a_plain_item_has_no_package_page(
    client,
    party_day,  # noqa: F811
    party_member,
):
    _package, screening, _guide = party_day
    client.force_login(party_member)
    assert client.get(reverse("hall:package-book", args=[screening.pk])).status_code == 404
    assert client.get(reverse("api-package-times", args=[screening.pk])).status_code == 404


# The page ---------------------------------------------------------------------------------------------------


def test_page_shows_parts_times_and_the_members_branches(
    client,
    party_day,  # noqa: F811
    afternoon,
    party_member,
    branches,
):
    package, _screening, _guide = party_day
    client.force_login(party_member)
    response = client.get(reverse("hall:package-book", args=[package.pk]), **EN)
    assert response.status_code == 200
    text = response.content.decode()
    for part in ("Red film", "Guided tour", "Activity hall"):
        assert part in text
    assert timezone.localtime(afternoon["start"]).isoformat() in text
    assert "room for <bdi>20</bdi> people" in text
    assert "Branch here" in text and "Branch elsewhere" not in text
    assert 'name="organisation"' in text and 'for="id_organisation"' in text


def test_page_books_every_part_and_lists_them(
    client,
    party_day,  # noqa: F811
    afternoon,
    party_member,
    branches,
):
    package, _screening, _guide = party_day
    here, _elsewhere = branches
    client.force_login(party_member)
    url = reverse("hall:package-book", args=[package.pk])
    data = {
        "starts_at": timezone.localtime(afternoon["start"]).isoformat(),
        "organisation": str(here.pk),
        "party_size": "15",
        "note": "Projector, please",
    }
    response = client.post(url, data, follow=True, **EN)
    assert response.redirect_chain[-1][0] == reverse("hall:booking-list")
    assert "The package is booked: Red film, Guided tour, Activity hall." in response.content.decode()
    bookings = list(Booking.objects.order_by("id"))
    assert len(bookings) == 3 and len({b.group for b in bookings}) == 1
    assert all(b.organisation_id == here.pk and b.party_size == 15 for b in bookings)
    assert all(b.status == BookingStatus.CONFIRMED and b.note == "Projector, please" for b in bookings)
    assert AuditEntry.objects.filter(action="hall.package_book", object_id=str(package.pk)).exists()


def test_page_refusal_names_the_full_part_and_books_nothing(
    client,
    party_day,  # noqa: F811
    afternoon,
    party_member,
    branches,
):
    package, _screening, _guide = party_day
    here, _elsewhere = branches
    client.force_login(party_member)
    data = {
        "starts_at": timezone.localtime(afternoon["start"]).isoformat(),
        "organisation": str(here.pk),
        "party_size": "25",  # the guide has 20 places
    }
    response = client.post(reverse("hall:package-book", args=[package.pk]), data, **EN)
    assert response.status_code == 400
    assert "“Guided tour” of the package: This time is fully booked." in response.content.decode()
    assert not Booking.objects.exists()
    assert set(Slot.objects.values_list("taken", flat=True)) == {0}


def test_page_refuses_an_organisation_not_allowed(
    client,
    party_day,  # noqa: F811
    afternoon,
    residents,  # noqa: F811
    branches,
):
    package, _screening, _guide = party_day
    here, _elsewhere = branches
    (person,) = residents(1, prefix="pk")
    start = timezone.localtime(afternoon["start"]).isoformat()
    url = reverse("hall:package-book", args=[package.pk])
    client.force_login(person.account)
    # A resident without a party role books for nobody but themselves.
    response = client.post(url, {"starts_at": start, "organisation": str(here.pk), "party_size": "2"}, **EN)
    assert response.status_code == 400
    assert "You cannot book for this organisation." in response.content.decode()
    assert not Booking.objects.exists()
    # ... which they may: their own registry record holds the bookings.
    response = client.post(url, {"starts_at": start, "organisation": "", "party_size": "2"}, **EN)
    assert response.status_code == 302
    assert Booking.objects.filter(resident=person, organisation=None).count() == 3


def test_page_refuses_another_communitys_branch_to_a_member(
    client,
    party_day,  # noqa: F811
    afternoon,
    party_member,
    branches,
):
    package, _screening, _guide = party_day
    _here, elsewhere = branches
    client.force_login(party_member)
    data = {
        "starts_at": timezone.localtime(afternoon["start"]).isoformat(),
        "organisation": str(elsewhere.pk),
        "party_size": "5",
    }
    response = client.post(reverse("hall:package-book", args=[package.pk]), data, **EN)
    assert response.status_code == 400
    assert "You cannot book for this organisation." in response.content.decode()
    # Without a registry record of their own, the member must name an organisation.
    response = client.post(
        reverse("hall:package-book", args=[package.pk]), {**data, "organisation": ""}, **EN
    )
    assert response.status_code == 400
    assert "Choose the organisation the package is booked for." in response.content.decode()
    assert not Booking.objects.exists()


def test_page_refuses_a_bad_start_and_a_bad_party_size(
    client,
    party_day,  # noqa: F811
    afternoon,
    party_member,
    branches,
):
    package, _screening, _guide = party_day
    here, _elsewhere = branches
    client.force_login(party_member)
    url = reverse("hall:package-book", args=[package.pk])
    response = client.post(url, {"starts_at": "soon", "organisation": here.pk, "party_size": "0"}, **EN)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Choose a start time." in text and 'aria-invalid="true"' in text
    assert "greater than or equal to 1" in text
    # A time at which a part has no slot is refused naming that part.
    later = timezone.localtime(afternoon["start"] + timedelta(hours=3)).isoformat()
    response = client.post(url, {"starts_at": later, "organisation": here.pk, "party_size": "1"}, **EN)
    assert (
        response.status_code == 400
        and "“Red film” of the package has no time at" in response.content.decode()
    )
    assert not Booking.objects.exists()


def test_item_booking_page_sends_a_package_to_its_own_page(
    client,
    party_day,  # noqa: F811
    party_member,
):
    package, screening, _guide = party_day
    client.force_login(party_member)
    response = client.get(reverse("hall:item-book", args=[package.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("hall:package-book", args=[package.pk])
    assert client.get(reverse("hall:item-book", args=[screening.pk])).status_code == 200
    detail = client.get(reverse("hall:item-detail", args=[package.pk]), **EN).content.decode()
    assert reverse("hall:package-book", args=[package.pk]) in detail and "Book the package" in detail


def _count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return len(queries)


def test_query_counts_do_not_grow_with_the_slots(
    client,
    make_slot,  # noqa: F811
    party_day,  # noqa: F811
    room,  # noqa: F811
    afternoon,
    party_member,
    branches,
):
    package, screening, guide = party_day
    client.force_login(party_member)
    pages = [
        (reverse("hall:package-book", args=[package.pk]), None),
        (reverse("api-package-times", args=[package.pk]), {"party_size": 2}),
    ]
    [_count(client, url, params) for url, params in pages]  # the first requests fill per-process caches
    before = [_count(client, url, params) for url, params in pages]
    for days in range(2, 8):
        for hour in (9, 11, 15):
            start = tomorrow_at(hour, days=days)
            make_slot(capacity=60, starts_at=start, item=screening)
            make_slot(capacity=20, starts_at=start, item=guide)
            make_slot(capacity=40, starts_at=start, zone=room)
    Organisation.objects.create(
        kind="co_building_unit", names={"en": "Another branch"}, place_code=branches[0].place_code
    )
    assert len(selectors.package_times(package=package)) == 19
    assert [_count(client, url, params) for url, params in pages] == before


# The API ----------------------------------------------------------------------------------------------------


def test_api_times_and_booking_with_an_idempotency_key(
    client,
    party_day,  # noqa: F811
    afternoon,
    party_member,
    branches,
):
    package, _screening, _guide = party_day
    here, _elsewhere = branches
    times = client.get(reverse("api-package-times", args=[package.pk]), **EN).json()
    assert len(times) == 1 and times[0]["free_places"] == 20
    assert [part["name"] for part in times[0]["parts"]] == ["Red film", "Guided tour", "Activity hall"]
    client.force_login(party_member)
    url = reverse("api-package-book", args=[package.pk])
    payload = {"starts_at": times[0]["starts_at"], "organisation": here.pk, "party_size": 12, "note": "x"}
    first = client.post(url, payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="pk-1")
    again = client.post(url, payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="pk-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    body = first.json()
    assert body["package"] == package.pk and body["organisation"] == here.pk
    assert [b["status"] for b in body["bookings"]] == ["confirmed"] * 3
    assert Booking.objects.count() == 3 and Booking.objects.filter(group=body["group"]).count() == 3
    left = client.get(reverse("api-package-times", args=[package.pk])).json()
    assert left[0]["free_places"] == 8


def test_api_refusals_are_400s_and_book_nothing(
    client,
    party_day,  # noqa: F811
    afternoon,
    party_member,
    branches,
):
    package, _screening, _guide = party_day
    here, elsewhere = branches
    client.force_login(party_member)
    url = reverse("api-package-book", args=[package.pk])
    start = afternoon["start"].isoformat()

    def post(**payload):
        return client.post(url, {"starts_at": start, **payload}, content_type="application/json", **EN)

    response = post(organisation=elsewhere.pk)
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"organisation": ["You cannot book for this organisation."]}
    response = post(organisation=here.pk, party_size=25)
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "“Guided tour” of the package: This time is fully booked."
    response = post(organisation=here.pk, party_size=0)
    assert response.status_code == 400 and "party_size" in response.json()["error"]["fields"]
    assert not Booking.objects.exists()


def test_api_booking_needs_a_signed_in_account(
    client,
    party_day,  # noqa: F811
    afternoon,
):
    package, _screening, _guide = party_day
    response = client.post(
        reverse("api-package-book", args=[package.pk]),
        {"starts_at": afternoon["start"].isoformat()},
        content_type="application/json",
    )
    assert response.status_code in (401, 403)
    assert not Booking.objects.exists()


def test_an_inactive_package_looks_missing(
    client,
    party_day,  # noqa: F811
    party_member,
):
    package, _screening, _guide = party_day
    ServiceItem.objects.filter(pk=package.pk).update(is_active=False)
    client.force_login(party_member)
    assert client.get(reverse("hall:package-book", args=[package.pk])).status_code == 404
    response = client.post(
        reverse("api-package-book", args=[package.pk]),
        {"starts_at": tomorrow_at(14).isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 404
