"""The events API: the public list with its filters and places, an event with its programme (no resident
named), photos and the reader's own registration, registering and unregistering with the services' refusals,
a course's and a festival series' sessions, the festivals' dates, and query counts that do not grow with the
number of events."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from huiketing.hall import booking_services
from huiketing.hall import event_services as services
from huiketing.hall.models import Booking, BookingStatus, EventKind, Festival, GalleryPhoto, Performer, Slot
from tests.hall.test_booking_services import make_venue, venue  # noqa: F401  (fixtures)
from tests.hall.test_event_services import at, manager  # noqa: F401  (fixture)
from tests.meetings.conftest import make_resident  # noqa: F401  (fixture)

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _event(venue, manager, days=3, hour=10, capacity=None, kind=EventKind.LECTURE, **extra):  # noqa: F811
    return services.event_create(
        by=manager,
        venue=venue,
        kind=kind,
        titles={"zh-hans": "讲座", "en": "Talk"},
        starts_at=at(days, hour),
        ends_at=at(days, hour + 1),
        needs_registration=capacity is not None,
        capacity=capacity,
        **extra,
    )


def _course(venue, manager, sessions=3, capacity=5):  # noqa: F811
    return services.series_create(
        by=manager,
        venue=venue,
        titles={"zh-hans": "书法班", "en": "Calligraphy"},
        sessions=[(at(2 + 7 * n, 15), at(2 + 7 * n, 16)) for n in range(sessions)],
        capacity=capacity,
    )


# The list ---------------------------------------------------------------------------------------------------


def test_list_gives_titles_in_the_request_language_places_series_and_calendars(
    client,
    venue,  # noqa: F811
    manager,  # noqa: F811
    make_user,
):
    talk = _event(venue, manager, capacity=2)
    for name in ("ea_a", "ea_b", "ea_c"):
        services.event_register(by=make_user(name), event=talk)
    course = _course(venue, manager)
    response = client.get(reverse("api-events"), **EN)
    assert response.status_code == 200
    body = response.json()
    by_id = {row["id"]: row for row in body["results"]}
    assert body["count"] == 4 and set(by_id) == {talk.pk, *course.sessions.values_list("pk", flat=True)}
    row = by_id[talk.pk]
    assert row["title"] == "Talk" and row["kind"] == "lecture" and row["venue"] == venue.pk
    assert row["places"] == {
        "slot": talk.slot.pk,
        "capacity": 2,
        "taken": 2,
        "left": 0,
        "waiting": 1,
        "waiting_list": True,
    }
    assert row["series"] is None and row["calendars"]["series"] is None
    assert row["calendars"]["venue"].endswith(f"/calendars/venues/{venue.pk}.ics?lang=en")
    assert row["url"].endswith(f"/events/{talk.pk}/")
    session = next(r for r in body["results"] if r["series"] == course.pk)
    assert session["places"]["slot"] == course.slot.pk and session["places"]["capacity"] == 5
    assert session["calendars"]["series"].endswith(f"/calendars/series/{course.pk}.ics?lang=en")
    chinese = client.get(reverse("api-events"), HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert {r["title"] for r in chinese["results"]} == {"讲座", "书法班"}


def test_list_filters_by_when_venue_and_kind(
    client,
    make_venue,  # noqa: F811
    manager,  # noqa: F811
):
    here, there = make_venue(), make_venue()
    soon = _event(here, manager, days=2, kind=EventKind.SCREENING)
    in_three_weeks = _event(here, manager, days=20, kind=EventKind.LECTURE)
    in_two_months = _event(there, manager, days=60, kind=EventKind.LECTURE)
    cancelled = _event(here, manager, days=3)
    services.event_cancel(by=manager, event=cancelled)

    def ids(**params):
        response = client.get(reverse("api-events"), params)
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids() == {soon.pk, in_three_weeks.pk, in_two_months.pk}
    assert ids(when="all") == ids()
    assert ids(when="week") == {soon.pk}
    assert ids(when="month") == {soon.pk, in_three_weeks.pk}
    assert ids(when="today") == set()
    assert ids(venue=there.pk) == {in_two_months.pk}
    assert ids(kind="lecture") == {in_three_weeks.pk, in_two_months.pk}
    assert ids(kind="lecture", venue=here.pk, when="month") == {in_three_weeks.pk}


def test_list_refuses_a_bad_filter_naming_it(client, venue):  # noqa: F811
    response = client.get(reverse("api-events"), {"when": "someday", "venue": "x"}, **EN)
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"when", "venue"}


def test_list_is_paginated(client, venue, manager):  # noqa: F811
    for hour in range(9, 14):
        _event(venue, manager, hour=hour)
    first = client.get(reverse("api-events"), {"page_size": 2}).json()
    assert first["count"] == 5 and len(first["results"]) == 2 and first["next"]
    last = client.get(reverse("api-events"), {"page_size": 2, "page": 3}).json()
    assert len(last["results"]) == 1 and last["next"] is None


# One event --------------------------------------------------------------------------------------------------


def test_detail_shows_the_programme_without_residents_names_and_the_photos(
    client,
    venue,  # noqa: F811
    manager,  # noqa: F811
    make_resident,  # noqa: F811
):
    gala = _event(venue, manager, kind=EventKind.GALA, performer_sign_up=True)
    singer = make_resident("阿依古丽", username="ea_singer")
    choir = services.performer_sign_up(
        by=singer.account, event=gala, group_name="Choir", act="Song", resident=singer
    )
    band = services.performer_sign_up(by=singer.account, event=gala, group_name="Band", act="Dombra")
    declined = services.performer_sign_up(by=singer.account, event=gala, group_name="Solo", act="Poem")
    for performer in (choir, band):
        services.performer_decide(by=manager, performer=performer, status=Performer.Status.ACCEPTED)
    services.performer_decide(by=manager, performer=declined, status=Performer.Status.DECLINED)
    services.programme_order(by=manager, event=gala, performer_ids=[band.pk, choir.pk])
    GalleryPhoto.objects.create(event=gala, image="hall/events/2026/01/stage.jpg", caption="Stage")

    response = client.get(reverse("api-event", args=[gala.pk]), **EN)
    assert response.status_code == 200
    body = response.json()
    assert body["programme"] == [
        {"position": 1, "group_name": "Band", "act": "Dombra"},
        {"position": 2, "group_name": "Choir", "act": "Song"},
    ]
    assert "阿依古丽" not in response.content.decode()
    assert "resident" not in body["programme"][1]
    assert len(body["photos"]) == 1
    assert body["photos"][0]["url"].endswith("hall/events/2026/01/stage.jpg")
    assert body["photos"][0]["url"].startswith("http")
    assert body["places"] is None and body["registration"] is None


def test_detail_gives_the_readers_own_registration(client, venue, manager, make_user):  # noqa: F811
    talk = _event(venue, manager, capacity=1)
    first, second = make_user("ea_first"), make_user("ea_second")
    services.event_register(by=first, event=talk)
    services.event_register(by=second, event=talk)
    assert client.get(reverse("api-event", args=[talk.pk])).json()["registration"] is None
    client.force_login(second)
    registration = client.get(reverse("api-event", args=[talk.pk])).json()["registration"]
    assert registration["status"] == "waiting" and registration["waiting_place"] == 1
    client.force_login(first)
    assert client.get(reverse("api-event", args=[talk.pk])).json()["registration"]["status"] == "confirmed"


def test_missing_event_and_series_are_404(client, db):
    assert client.get(reverse("api-event", args=[999999])).status_code == 404
    assert client.get(reverse("api-event-series", args=[999999])).status_code == 404


# Registering ------------------------------------------------------------------------------------------------


def test_register_confirmed_then_waiting_then_already_registered(client, venue, manager, make_user):  # noqa: F811
    talk = _event(venue, manager, capacity=1)
    url = reverse("api-event-register", args=[talk.pk])
    client.force_login(make_user("ea_one"))
    response = client.post(url, **EN)
    assert response.status_code == 201 and response.json()["status"] == "confirmed"
    again = client.post(url, **EN)
    assert again.status_code == 400
    assert again.json()["error"]["message"] == (
        "You have already booked this time or are on its waiting list."
    )
    client.force_login(make_user("ea_two"))
    response = client.post(url, **EN)
    assert response.status_code == 201
    assert response.json()["status"] == "waiting" and response.json()["waiting_place"] == 1
    assert Booking.objects.filter(slot=talk.slot).count() == 2


def test_register_refusals_are_translated_400s(client, venue, manager, make_user):  # noqa: F811
    full = _event(venue, manager, capacity=1, hour=9)
    Slot.objects.filter(pk=full.slot.pk).update(waiting_list=False)
    services.event_register(by=make_user("ea_holder"), event=full)
    cancelled = _event(venue, manager, capacity=5, hour=12)
    services.event_cancel(by=manager, event=cancelled)
    open_door = _event(venue, manager, hour=14)
    begun = _event(venue, manager, days=-2, capacity=5)
    client.force_login(make_user("ea_late"))

    def refusal(event):
        response = client.post(reverse("api-event-register", args=[event.pk]), **EN)
        assert response.status_code == 400
        error = response.json()["error"]
        return [message for messages in error["fields"].values() for message in messages] or [
            error["message"]
        ]

    assert refusal(full) == ["This time is fully booked."]
    assert refusal(cancelled) == ["This event is cancelled."]
    assert refusal(open_door) == ["This event needs no registration: just come."]
    assert refusal(begun) == ["This time has already started; it can no longer be booked."]
    assert not Booking.objects.filter(user__username="ea_late").exists()


def test_register_needs_a_signed_in_account(client, venue, manager):  # noqa: F811
    talk = _event(venue, manager, capacity=3)
    response = client.post(reverse("api-event-register", args=[talk.pk]))
    assert response.status_code in (401, 403)
    assert not Booking.objects.exists()


def test_register_with_an_idempotency_key_books_once(client, venue, manager, make_user):  # noqa: F811
    talk = _event(venue, manager, capacity=3)
    client.force_login(make_user("ea_idem"))
    url = reverse("api-event-register", args=[talk.pk])
    first = client.post(url, HTTP_IDEMPOTENCY_KEY="ev-1")
    again = client.post(url, HTTP_IDEMPOTENCY_KEY="ev-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again["Idempotent-Replayed"] == "true"
    assert Booking.objects.filter(slot=talk.slot).count() == 1


def test_course_session_registers_for_the_term(client, venue, manager, make_user):  # noqa: F811
    course = _course(venue, manager)
    session = course.sessions.order_by("starts_at")[1]
    client.force_login(make_user("ea_student"))
    response = client.post(reverse("api-event-register", args=[session.pk]))
    assert response.status_code == 201
    assert response.json()["slot"] == course.slot.pk


def test_unregister_promotes_the_first_waiting_and_refuses_the_unregistered(
    client,
    venue,  # noqa: F811
    manager,  # noqa: F811
    make_user,
):
    talk = _event(venue, manager, capacity=1)
    holder, waiting = make_user("ea_holder2"), make_user("ea_waiting")
    services.event_register(by=holder, event=talk)
    queued = services.event_register(by=waiting, event=talk)
    url = reverse("api-event-unregister", args=[talk.pk])
    client.force_login(holder)
    response = client.post(url, **EN)
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    queued.refresh_from_db()
    assert queued.status == BookingStatus.CONFIRMED
    again = client.post(url, **EN)
    assert again.status_code == 400
    assert again.json()["error"]["message"] == "You are not registered for this event."


def test_unregister_too_late_is_refused(client, venue, manager, make_user):  # noqa: F811
    talk = _event(venue, manager, capacity=3)
    person = make_user("ea_too_late")
    booking = services.event_register(by=person, event=talk)
    # Cancelling closes 100 hours before the start, which is three days away: already too late.
    Slot.objects.filter(pk=talk.slot.pk).update(cancel_hours=100)
    client.force_login(person)
    response = client.post(reverse("api-event-unregister", args=[talk.pk]), **EN)
    assert response.status_code == 400
    assert "can be cancelled only until 100 hours before the start" in response.json()["error"]["message"]
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


# Series and festivals ---------------------------------------------------------------------------------------


def test_course_series_with_its_sessions_and_the_readers_enrolment(
    client,
    venue,  # noqa: F811
    manager,  # noqa: F811
    make_user,
):
    course = _course(venue, manager, sessions=4, capacity=2)
    student = make_user("ea_enrolled")
    booking_services.booking_make(by=student, slot=course.slot)
    client.force_login(student)
    response = client.get(reverse("api-event-series", args=[course.pk]), **EN)
    assert response.status_code == 200
    body = response.json()
    assert body["is_course"] is True and body["title"] == "Calligraphy" and body["festival"] is None
    assert body["places"]["capacity"] == 2 and body["places"]["left"] == 1
    starts = [session["starts_at"] for session in body["sessions"]]
    assert len(starts) == 4 and starts == sorted(starts)
    assert all(session["places"] is None for session in body["sessions"])
    assert body["registration"]["status"] == "confirmed"
    assert body["calendar"].endswith(f"/calendars/series/{course.pk}.ics?lang=en")


def test_festival_series_sessions_have_their_own_places(client, venue, manager):  # noqa: F811
    festival = Festival.objects.get(code="double-ninth")
    series = services.festival_series_create(
        by=manager,
        venue=venue,
        festival=festival,
        titles={"en": "Double Ninth tea party"},
        starts_time=datetime.time(9, 30),
        ends_time=datetime.time(11, 30),
        capacity=30,
    )
    body = client.get(reverse("api-event-series", args=[series.pk]), **EN).json()
    assert body["is_course"] is False and body["festival"] == festival.pk
    assert body["festival_name"] == "Double Ninth Festival"
    assert body["places"] is None
    assert body["sessions"] and all(s["places"]["capacity"] == 30 for s in body["sessions"])


def test_festivals_with_their_dates_this_year_and_the_next_two(client, db):
    Festival.objects.create(
        code="nowruz", names={"en": "Nowruz"}, calendar=Festival.Calendar.GREGORIAN, month=3, day=21
    )
    Festival.objects.create(
        code="retired", names={"en": "Retired"}, calendar="gregorian", month=1, day=2, is_active=False
    )
    response = client.get(reverse("api-festivals"), **EN)
    assert response.status_code == 200
    next_dates = [row["next_date"] for row in response.json()]
    assert next_dates == sorted(next_dates)  # soonest first
    by_code = {row["code"]: row for row in response.json()}
    assert "retired" not in by_code and "double-ninth" in by_code
    year = timezone.localdate().year
    nowruz = by_code["nowruz"]
    assert nowruz["name"] == "Nowruz"
    assert nowruz["dates"] == [f"{y}-03-21" for y in (year, year + 1, year + 2)]
    today = timezone.localdate().isoformat()
    assert nowruz["next_date"] == min(d for d in nowruz["dates"] if d >= today)
    assert by_code["mid-autumn"]["name"] == "Mid-Autumn Festival"
    assert len(by_code["mid-autumn"]["dates"]) == 3


# Query counts -----------------------------------------------------------------------------------------------


def _count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return len(queries)


def _add_events(venue, manager, make_user, n: int, offset: int):  # noqa: F811
    """n events with places and a waiting list, n without registration, and a course of n sessions."""
    for k in range(n):
        talk = _event(venue, manager, days=offset + k, hour=9, capacity=1)
        for who in ("a", "b"):
            services.event_register(by=make_user(f"ea_q_{offset}_{k}_{who}"), event=talk)
        _event(venue, manager, days=offset + k, hour=13)
    services.series_create(
        by=manager,
        venue=venue,
        titles={"en": f"Course {offset}"},
        sessions=[(at(offset + k, 18), at(offset + k, 19)) for k in range(n)],
        capacity=3,
    )


def test_query_counts_do_not_grow_with_the_number_of_events(client, venue, manager, make_user):  # noqa: F811
    _add_events(venue, manager, make_user, 2, offset=1)
    series = _course(venue, manager, sessions=2)
    festival = Festival.objects.get(code="mid-autumn")
    festival_series = services.festival_series_create(
        by=manager,
        venue=venue,
        festival=festival,
        titles={"en": "Moon cakes"},
        starts_time=datetime.time(15),
        ends_time=datetime.time(17),
        capacity=10,
    )
    gala = _event(venue, manager, kind=EventKind.GALA, performer_sign_up=True, days=2, hour=19)
    client.force_login(make_user("ea_reader"))
    pages = [
        (reverse("api-events"), None),
        (reverse("api-events"), {"when": "week"}),
        (reverse("api-event", args=[gala.pk]), None),
        (reverse("api-event-series", args=[series.pk]), None),
        (reverse("api-event-series", args=[festival_series.pk]), None),
        (reverse("api-festivals"), None),
    ]
    [_count(client, url, params) for url, params in pages]  # the first requests fill per-process caches
    before = [_count(client, url, params) for url, params in pages]

    _add_events(venue, manager, make_user, 6, offset=4)
    for n in range(5):
        performer = services.performer_sign_up(by=None, event=gala, group_name=f"Group {n}", act="Song")
        services.performer_decide(by=manager, performer=performer, status=Performer.Status.ACCEPTED)
        GalleryPhoto.objects.create(event=gala, image=f"hall/events/2026/01/{n}.jpg")
    for k in range(4):
        services.event_create(
            by=manager,
            venue=venue,
            kind=EventKind.CLASS,
            titles={"en": "Extra session"},
            starts_at=at(30 + k, 15),
            ends_at=at(30 + k, 16),
            series=series,
        )
    after = [_count(client, url, params) for url, params in pages]
    assert after == before
    body = client.get(reverse("api-events"), {"page_size": 200}).json()
    assert body["count"] > 20
