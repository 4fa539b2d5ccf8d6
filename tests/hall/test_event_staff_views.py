"""The staff pages of events, courses and festivals: each page answers, each change succeeds or comes back
refused with its message, staff of another community find nothing (404), registrants' names are masked, the
places never go below those taken, the gallery takes only images, attendance counts come from the records,
and the event and attendance pages ask as many queries with more data."""

import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from huiketing.core.models import AuditEntry
from huiketing.hall import booking_services
from huiketing.hall import event_services as services
from huiketing.hall.models import (
    Attendance,
    Booking,
    BookingStatus,
    Closure,
    Event,
    EventKind,
    EventSeries,
    Festival,
    GalleryPhoto,
    Performer,
    Slot,
)
from huiketing.people.models import Role
from tests.hall.test_booking_services import make_venue, residents, venue  # noqa: F401  (fixtures)
from tests.meetings.conftest import make_resident  # noqa: F401  (fixture)

CHINA = datetime.timezone(datetime.timedelta(hours=8))
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def at(days: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour), CHINA)


def a_long_time_ago() -> datetime.datetime:
    return at(-30)


def plain(response) -> str:
    """The page's text without its tags, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", "", response.content.decode()).split())


def png(size=(8, 6)) -> SimpleUploadedFile:
    data = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(data, format="PNG")
    return SimpleUploadedFile("photo.png", data.getvalue(), content_type="image/png")


@pytest.fixture
def manager(tree, make_user):
    return make_user("es_manager", Role.COMMUNITY_STAFF, tree.communities[0].code)


@pytest.fixture
def outsider(tree, make_user):
    """Community staff of the neighbouring community: the venue is not theirs."""
    return make_user("es_outsider", Role.COMMUNITY_STAFF, tree.communities[1].code)


@pytest.fixture
def staff_client(client, manager):
    client.force_login(manager)
    return client


def make_event(venue, *, days=3, capacity=3, **extra) -> Event:  # noqa: F811
    return services.event_create(
        by=None,
        venue=venue,
        kind=extra.pop("kind", EventKind.PERFORMANCE),
        titles=extra.pop("titles", {"en": "Summer gala", "zh-hans": "夏季晚会"}),
        starts_at=at(days),
        ends_at=at(days, 12),
        needs_registration=capacity is not None,
        capacity=capacity,
        **extra,
    )


def register(event, people, *, now=None):
    return [
        booking_services.booking_make(by=person.account, slot=event.slot, now=now or a_long_time_ago())
        for person in people
    ]


# An event's page --------------------------------------------------------------------------------------------


def test_event_page_lists_registrations_with_masked_names(staff_client, venue, residents):  # noqa: F811
    event = make_event(venue, capacity=1)
    people = residents(2)
    register(event, people)
    response = staff_client.get(reverse("hall:staff-event-detail", args=[event.pk]), **EN)
    text = response.content.decode()
    assert response.status_code == 200
    assert "1 of 1 places taken; 1 people on the waiting list." in plain(response)
    assert people[0].full_name not in text and people[1].full_name not in text
    assert "居***" in text
    assert "Confirmed" in text and "On the waiting list" in text
    for name in ("staff-event-programme", "staff-event-gallery", "staff-event-attendance"):
        assert reverse(f"hall:{name}", args=[event.pk]) in text


def _edit(event, **changes) -> dict:
    data = {
        "action": "update",
        "title_zh": "夏季晚会",
        "title_en": "Summer gala",
        "starts_at": timezone.localtime(event.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(event.ends_at).strftime("%Y-%m-%dT%H:%M"),
        "needs_registration": "on",
        "capacity": "3",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_event_update_saves_titles_times_and_places(staff_client, venue, residents):  # noqa: F811
    event = make_event(venue, capacity=1)
    people = residents(2)
    register(event, people)
    new_start = at(4, 14)
    response = staff_client.post(
        reverse("hall:staff-event-detail", args=[event.pk]),
        _edit(
            event,
            title_en="Autumn gala",
            starts_at=new_start.strftime("%Y-%m-%dT%H:%M"),
            ends_at=(new_start + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            capacity="2",
            performer_sign_up="on",
        ),
    )
    assert response.status_code == 302
    event.refresh_from_db()
    slot = Slot.objects.get(event=event)
    assert event.titles == {"zh-hans": "夏季晚会", "en": "Autumn gala"}
    assert event.starts_at == new_start and event.performer_sign_up
    assert (slot.capacity, slot.taken, slot.starts_at) == (2, 2, new_start)
    # The place added went to the one waiting.
    assert sorted(slot.bookings.values_list("status", flat=True)) == ["confirmed", "confirmed"]
    entry = AuditEntry.objects.get(action="hall.event.changed", object_id=str(event.pk))
    assert entry.changes["capacity"] == [1, 2]


def test_places_cannot_go_below_those_taken(staff_client, venue, residents):  # noqa: F811
    event = make_event(venue, capacity=3)
    register(event, residents(2))
    response = staff_client.post(
        reverse("hall:staff-event-detail", args=[event.pk]), _edit(event, capacity="1"), **EN
    )
    assert response.status_code == 400
    assert "2 places are already taken: give at least 2 places." in response.content.decode()
    assert Slot.objects.get(event=event).capacity == 3


def test_registration_stays_on_once_people_registered(staff_client, venue, residents):  # noqa: F811
    event = make_event(venue, capacity=3)
    register(event, residents(1))
    response = staff_client.post(
        reverse("hall:staff-event-detail", args=[event.pk]),
        _edit(event, needs_registration=None, capacity=None),
        **EN,
    )
    assert response.status_code == 400
    assert "registration stays on" in response.content.decode()
    assert Slot.objects.filter(event=event).exists()


def test_registration_turned_on_and_off_while_nobody_registered(staff_client, venue):  # noqa: F811
    event = make_event(venue, capacity=None)
    url = reverse("hall:staff-event-detail", args=[event.pk])
    assert staff_client.post(url, _edit(event, capacity="5")).status_code == 302
    assert Slot.objects.get(event=event).capacity == 5
    assert staff_client.post(url, _edit(event, needs_registration=None, capacity=None)).status_code == 302
    assert not Slot.objects.filter(event=event).exists()


def test_event_update_refused_in_a_closure_with_its_reason(staff_client, venue):  # noqa: F811
    event = make_event(venue)
    Closure.objects.create(
        venue=venue, starts_at=at(5, 0), ends_at=at(6, 0), reasons={"en": "Heating repairs"}
    )
    start = at(5, 10)
    response = staff_client.post(
        reverse("hall:staff-event-detail", args=[event.pk]),
        _edit(
            event,
            starts_at=start.strftime("%Y-%m-%dT%H:%M"),
            ends_at=(start + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        ),
        **EN,
    )
    assert response.status_code == 400
    assert "Heating repairs" in response.content.decode()
    event.refresh_from_db()
    assert event.starts_at == at(3)


def test_cancel_with_a_reason(staff_client, venue):  # noqa: F811
    event = make_event(venue)
    url = reverse("hall:staff-event-detail", args=[event.pk])
    response = staff_client.post(url, {"action": "cancel", "reason": ""}, **EN)
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    response = staff_client.post(url, {"action": "cancel", "reason": "The singer is ill"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.is_cancelled
    assert AuditEntry.objects.get(action="hall.event.cancelled", object_id=str(event.pk)).reason == (
        "The singer is ill"
    )
    response = staff_client.post(url, {"action": "cancel", "reason": "again"}, **EN)
    assert response.status_code == 400
    assert "already cancelled" in response.content.decode()


def test_a_course_session_keeps_the_places_of_its_term(staff_client, venue):  # noqa: F811
    series = _course(venue, [], past=False)
    session = series.sessions.order_by("starts_at").first()
    url = reverse("hall:staff-event-detail", args=[session.pk])
    text = staff_client.get(url).content.decode()
    assert 'name="capacity"' not in text and 'name="needs_registration"' not in text
    response = staff_client.post(url, _edit(session, title_en="Calligraphy, first lesson"))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.titles["en"] == "Calligraphy, first lesson" and not session.needs_registration
    assert Slot.objects.get(series=series).capacity == 10 and not Slot.objects.filter(event=session).exists()
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.event_update(
            by=None,
            event=session,
            titles={"en": "x"},
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            capacity=3,
        )
    assert "whole term" in caught.value.message_dict["capacity"][0]


# The programme ---------------------------------------------------------------------------------------------


def test_programme_accept_decline_and_order(staff_client, venue, make_user):  # noqa: F811
    event = make_event(venue, performer_sign_up=True)
    performers = [
        services.performer_sign_up(by=make_user(f"es_p{n}"), event=event, group_name=f"Group {n}", act="Song")
        for n in range(3)
    ]
    url = reverse("hall:staff-event-programme", args=[event.pk])
    assert staff_client.get(url).status_code == 200
    for performer in performers[:2]:
        response = staff_client.post(url, {"performer": performer.pk, "status": "accepted"})
        assert response.status_code == 302
    assert staff_client.post(url, {"performer": performers[2].pk, "status": "declined"}).status_code == 302
    first, second, third = (Performer.objects.get(pk=p.pk) for p in performers)
    assert (first.status, second.status, third.status) == ("accepted", "accepted", "declined")
    response = staff_client.post(
        url, {"action": "order", f"position_{first.pk}": "2", f"position_{second.pk}": "1"}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.position, first.position) == (1, 2)
    text = staff_client.get(url, **EN).content.decode()
    assert text.index("Group 1") < text.index("Group 0")


def test_the_programme_isolates_and_escapes_what_performers_typed(staff_client, venue, make_user):  # noqa: F811
    event = make_event(venue, performer_sign_up=True)
    performer = services.performer_sign_up(
        by=make_user("es_x"), event=event, group_name="金山<b>合唱团</b>", act="《我和我的祖国》"
    )
    services.performer_decide(by=None, performer=performer, status="accepted")
    text = staff_client.get(reverse("hall:staff-event-programme", args=[event.pk]), **EN).content.decode()
    assert "<bdi>金山&lt;b&gt;合唱团&lt;/b&gt;</bdi> (<bdi>《我和我的祖国》</bdi>)" in text
    assert "<b>合唱团" not in text


def test_programme_refusals(staff_client, venue, make_user):  # noqa: F811
    event = make_event(venue, performer_sign_up=True)
    performer = services.performer_sign_up(by=make_user("es_p"), event=event, group_name="Choir", act="Song")
    url = reverse("hall:staff-event-programme", args=[event.pk])
    services.performer_decide(by=None, performer=performer, status="declined")
    response = staff_client.post(url, {"performer": performer.pk, "status": "declined"}, **EN)
    assert response.status_code == 400 and "cannot go from" in response.content.decode()
    services.performer_decide(by=None, performer=performer, status="accepted")
    response = staff_client.post(url, {"action": "order", f"position_{performer.pk}": "first"}, **EN)
    assert response.status_code == 400 and "Enter a whole number." in response.content.decode()
    other = make_event(venue, performer_sign_up=True)
    stranger = services.performer_sign_up(by=make_user("es_q"), event=other, group_name="Band", act="Song")
    assert staff_client.post(url, {"performer": stranger.pk, "status": "accepted"}).status_code == 404


# The gallery -----------------------------------------------------------------------------------------------


def test_gallery_upload_list_and_remove(staff_client, venue):  # noqa: F811
    event = make_event(venue, days=-2, capacity=None)
    url = reverse("hall:staff-event-gallery", args=[event.pk])
    response = staff_client.post(url, {"action": "add", "image": png(), "caption": "The choir"})
    assert response.status_code == 302
    photo = GalleryPhoto.objects.get(event=event)
    assert photo.caption == "The choir" and photo.image.name.endswith(".jpg")
    text = staff_client.get(url).content.decode()
    assert photo.image.url in text and "The choir" in text
    response = staff_client.post(url, {"action": "remove", "photo": photo.pk})
    assert response.status_code == 302
    assert not GalleryPhoto.objects.filter(event=event).exists()
    assert AuditEntry.objects.filter(action="hall.gallery.photo_removed").exists()
    assert staff_client.post(url, {"action": "remove", "photo": photo.pk}).status_code == 404


def test_gallery_refuses_what_is_not_an_image(staff_client, venue):  # noqa: F811
    event = make_event(venue, days=-2, capacity=None)
    url = reverse("hall:staff-event-gallery", args=[event.pk])

    def fake():
        return SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")

    response = staff_client.post(url, {"action": "add", "image": fake()}, **EN)
    assert response.status_code == 400
    assert "This file is not a photo we can read." in response.content.decode()
    with translation.override("zh-hans"):
        response = staff_client.post(url, {"action": "add", "image": fake()}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert "该文件不是可识别的照片。" in response.content.decode()
    assert not GalleryPhoto.objects.exists()


def test_gallery_refuses_photos_before_the_event(staff_client, venue):  # noqa: F811
    event = make_event(venue, capacity=None)
    url = reverse("hall:staff-event-gallery", args=[event.pk])
    response = staff_client.post(url, {"action": "add", "image": png()}, **EN)
    assert response.status_code == 400
    assert "Photos are added after the event has begun." in response.content.decode()


# Attendance ------------------------------------------------------------------------------------------------


def _course(venue, people, *, past: bool = True):  # noqa: F811
    days = (-14, -7) if past else (7, 14)
    series = services.series_create(
        by=None,
        venue=venue,
        titles={"en": "Calligraphy"},
        sessions=[(at(day), at(day, 11)) for day in days],
        capacity=10,
    )
    for person in people:
        booking_services.booking_make(by=person.account, slot=series.slot, now=at(-40))
    return series


def test_attendance_of_a_course_session_is_saved_at_once(staff_client, venue, residents):  # noqa: F811
    people = residents(3)
    series = _course(venue, people)
    session = series.sessions.order_by("starts_at").first()
    url = reverse("hall:staff-event-attendance", args=[session.pk])
    response = staff_client.get(url, **EN)
    assert "Expected: 3 (3 people) · Present: 0 · Absent: 3" in plain(response)
    assert "@media print" in response.content.decode() and "A4" in response.content.decode()
    bookings = sorted(series.slot.bookings.values_list("pk", flat=True))
    response = staff_client.post(url, {"present": bookings[:2]})
    assert response.status_code == 302
    assert set(Attendance.objects.filter(event=session).values_list("booking_id", flat=True)) == set(
        bookings[:2]
    )
    assert "Expected: 3 (3 people) · Present: 2 · Absent: 1" in plain(staff_client.get(url, **EN))
    # Unticked is absent: saving again with one ticked removes the other's attendance.
    assert staff_client.post(url, {"present": bookings[:1]}).status_code == 302
    assert Attendance.objects.filter(event=session).count() == 1
    series_page = staff_client.get(reverse("hall:staff-series-detail", args=[series.pk]), **EN)
    assert series_page.status_code == 200
    assert url in series_page.content.decode()


def test_attendance_refusals(staff_client, venue, residents):  # noqa: F811
    people = residents(1)
    series = _course(venue, people, past=False)
    session = series.sessions.order_by("starts_at").first()
    url = reverse("hall:staff-event-attendance", args=[session.pk])
    booking = series.slot.bookings.get()
    response = staff_client.post(url, {"present": [booking.pk]}, **EN)
    assert response.status_code == 400 and "once the event has begun" in response.content.decode()
    past = _course(venue, [], past=True)
    past_session = past.sessions.order_by("starts_at").first()
    url = reverse("hall:staff-event-attendance", args=[past_session.pk])
    response = staff_client.post(url, {"present": [booking.pk]}, **EN)
    assert response.status_code == 400 and "no longer holds a place" in response.content.decode()
    response = staff_client.post(url, {"present": ["x"]}, **EN)
    assert response.status_code == 400
    assert not Attendance.objects.exists()


def test_attendance_of_a_single_event_marks_the_bookings(client, tree, make_user, venue, residents):  # noqa: F811
    event = make_event(venue, days=-1, capacity=5)
    people = residents(3)
    bookings = register(event, people, now=at(-5))
    # Grid staff of the venue's grid take attendance too.
    client.force_login(make_user("es_gridleader", Role.GRID_LEADER, tree.grids[0].code))
    url = reverse("hall:staff-event-attendance", args=[event.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"present": [bookings[0].pk, bookings[2].pk]}).status_code == 302
    statuses = [Booking.objects.get(pk=b.pk).status for b in bookings]
    assert statuses == [BookingStatus.ATTENDED, BookingStatus.NO_SHOW, BookingStatus.ATTENDED]
    assert "Expected: 3 (3 people) · Present: 2 · Absent: 1" in plain(client.get(url, **EN))


def test_the_public_event_page_leads_each_staff_member_to_their_page(
    client,
    tree,
    make_user,
    manager,
    outsider,
    venue,  # noqa: F811
    residents,  # noqa: F811
):
    event = make_event(venue)
    page = reverse("hall:event-detail", args=[event.pk])
    manage = reverse("hall:staff-event-detail", args=[event.pk])
    sheet = reverse("hall:staff-event-attendance", args=[event.pk])
    grid_leader = make_user("es_gridleader", Role.GRID_LEADER, tree.grids[0].code)
    other_grid = make_user("es_other_grid", Role.GRID_LEADER, tree.grids[-1].code)
    assert tree.grids[-1].code[:12] != venue.place_code[:12]
    expected = [
        (manager, manage, "Manage this event"),  # the venue's community staff manage it
        (grid_leader, sheet, "Attendance sheet"),  # the grid staff covering its place take attendance
        (outsider, None, None),
        (other_grid, None, None),
        (residents(1)[0].account, None, None),
    ]
    for user, link, label in expected:
        client.force_login(user)
        html = client.get(page, **EN).content.decode()
        assert (f'href="{manage}"' in html) == (link == manage), user
        assert (f'href="{sheet}"' in html) == (link == sheet), user
        if label:
            assert label in html
            assert client.get(link).status_code == 200  # and the link leads to a page they may open
    client.logout()
    html = client.get(page, **EN).content.decode()
    assert f'href="{manage}"' not in html and f'href="{sheet}"' not in html


# Courses and festival series --------------------------------------------------------------------------------


def _course_form(venue, **changes) -> dict:  # noqa: F811
    data = {
        "venue": venue.pk,
        "title_zh": "书法班",
        "title_en": "Calligraphy",
        "capacity": "12",
        "starts_on": at(1).date().isoformat(),
        "weekday": "3",
        "starts_time": "10:00",
        "ends_time": "11:30",
        "weeks": "4",
        "sessions": "",
    }
    data.update(changes)
    return data


def test_course_created_weekly(staff_client, venue):  # noqa: F811
    assert staff_client.get(reverse("hall:staff-course-new")).status_code == 200
    response = staff_client.post(reverse("hall:staff-course-new"), _course_form(venue))
    assert response.status_code == 302
    series = EventSeries.objects.get()
    assert response["Location"] == reverse("hall:staff-series-detail", args=[series.pk])
    sessions = list(series.sessions.order_by("starts_at"))
    assert len(sessions) == 4 and series.slot.capacity == 12
    assert all(timezone.localtime(s.starts_at).isoweekday() == 3 for s in sessions)
    assert all(timezone.localtime(s.starts_at).time() == datetime.time(10) for s in sessions)
    assert sessions[1].starts_at - sessions[0].starts_at == datetime.timedelta(weeks=1)
    text = staff_client.get(response["Location"]).content.decode()
    for session in sessions:
        assert reverse("hall:staff-event-attendance", args=[session.pk]) in text


def test_course_created_from_a_list_of_sessions(staff_client, venue):  # noqa: F811
    days = [at(2).date(), at(9).date()]
    listed = "\n".join(f"{day.isoformat()} 14:00-15:30" for day in days)
    response = staff_client.post(
        reverse("hall:staff-course-new"),
        _course_form(venue, sessions=listed, weekday="", weeks="", starts_on=""),
    )
    assert response.status_code == 302
    starts = [
        timezone.localtime(s.starts_at) for s in EventSeries.objects.get().sessions.order_by("starts_at")
    ]
    assert [(s.date(), s.time()) for s in starts] == [(day, datetime.time(14)) for day in days]


def test_course_refusals(staff_client, venue):  # noqa: F811
    url = reverse("hall:staff-course-new")
    response = staff_client.post(url, _course_form(venue, weeks=""), **EN)
    assert response.status_code == 400
    assert "Give this for a weekly course, or list the sessions." in response.content.decode()
    response = staff_client.post(url, _course_form(venue, sessions="next tuesday"), **EN)
    assert response.status_code == 400 and "Line 1: write the date" in response.content.decode()
    Closure.objects.create(venue=venue, starts_at=at(0, 0), ends_at=at(60, 0), reasons={"en": "Rebuilding"})
    response = staff_client.post(url, _course_form(venue), **EN)
    assert response.status_code == 400 and "Rebuilding" in response.content.decode()
    assert not EventSeries.objects.exists()


def test_festival_series_shows_the_dated_events(staff_client, venue):  # noqa: F811
    festival = Festival.objects.get(code="double-ninth")
    url = reverse("hall:staff-festival-series-new")
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(
        url,
        {
            "festival": festival.pk,
            "venue": venue.pk,
            "title_en": "Double Ninth tea party",
            "starts_time": "09:30",
            "ends_time": "11:30",
            "capacity": "",
        },
    )
    assert response.status_code == 302
    series = EventSeries.objects.get(festival=festival)
    events = list(series.sessions.order_by("starts_at"))
    assert len(events) >= 2
    text = staff_client.get(response["Location"], **EN).content.decode()
    for event in events:
        assert timezone.localtime(event.starts_at).strftime("%Y-%m-%d") in text
        assert reverse("hall:staff-event-detail", args=[event.pk]) in text
    response = staff_client.post(url, {"festival": festival.pk, "venue": venue.pk, "title_en": "x"}, **EN)
    assert response.status_code == 400 and "This field is required." in response.content.decode()


# Festivals -------------------------------------------------------------------------------------------------

NOWRUZ = {
    "code": "nowruz",
    "name_zh": "诺鲁孜节",
    "name_ug": "نورۇز بايرىمى",
    "name_kk": "ناۋرىز مەيرامى",
    "name_en": "Nowruz",
    "calendar": "gregorian",
    "month": "3",
    "day": "21",
}


def test_festivals_listed_for_community_staff_but_added_by_city_officers(client, tree, make_user, manager):
    client.force_login(manager)
    text = client.get(reverse("hall:staff-festival-list"), **EN).content.decode()
    assert "Double Ninth Festival" in text and reverse("hall:staff-festival-new") not in text
    assert client.get(reverse("hall:staff-festival-new")).status_code == 403
    assert client.post(reverse("hall:staff-festival-new"), NOWRUZ).status_code == 403
    qixi = Festival.objects.get(code="qixi")
    assert (
        client.post(reverse("hall:staff-festival-active", args=[qixi.pk]), {"is_active": "0"}).status_code
        == 403
    )
    assert Festival.objects.get(code="qixi").is_active
    client.force_login(make_user("es_city", Role.CITY_OFFICER, tree.city.code))
    form = client.get(reverse("hall:staff-festival-new"), **EN)
    assert form.status_code == 200 and "Only the Chinese lunar calendar" in form.content.decode()
    assert (
        reverse("hall:staff-festival-new") in client.get(reverse("hall:staff-festival-list")).content.decode()
    )
    response = client.post(reverse("hall:staff-festival-new"), NOWRUZ)
    assert response.status_code == 302
    nowruz = Festival.objects.get(code="nowruz")
    assert (nowruz.calendar, nowruz.month, nowruz.day, nowruz.is_active) == ("gregorian", 3, 21, True)
    assert nowruz.names == {
        "zh-hans": "诺鲁孜节",
        "ug": "نورۇز بايرىمى",
        "kk": "ناۋرىز مەيرامى",
        "en": "Nowruz",
    }
    assert AuditEntry.objects.filter(action="hall.festival.created", object_id=str(nowruz.pk)).exists()
    text = client.get(reverse("hall:staff-festival-list"), **EN).content.decode()
    assert f"{timezone.localdate().year}-03-21" in text or f"{timezone.localdate().year + 1}-03-21" in text


def test_festival_refusals_and_deactivation(client, tree, make_user):
    client.force_login(make_user("es_city", Role.CITY_OFFICER, tree.city.code))
    url = reverse("hall:staff-festival-new")
    response = client.post(url, {**NOWRUZ, "month": "2", "day": "30"}, **EN)
    assert response.status_code == 400 and "This month has days 1 to 29." in response.content.decode()
    response = client.post(url, {**NOWRUZ, "code": "double-ninth"}, **EN)
    assert (
        response.status_code == 400 and "Another festival already has this code." in response.content.decode()
    )
    response = client.post(url, {**NOWRUZ, "name_zh": "", "name_ug": "", "name_kk": "", "name_en": ""}, **EN)
    assert (
        response.status_code == 400 and "Give the name in at least one language." in response.content.decode()
    )
    response = client.post(url, {**NOWRUZ, "calendar": "islamic"}, **EN)
    assert response.status_code == 400
    assert "Only the Chinese lunar calendar and the Gregorian calendar are supported." in (
        response.content.decode()
    )
    festival = Festival.objects.get(code="qixi")
    active_url = reverse("hall:staff-festival-active", args=[festival.pk])
    assert client.post(active_url, {"is_active": "0"}).status_code == 302
    festival.refresh_from_db()
    assert not festival.is_active
    assert client.post(active_url, {"is_active": "1"}).status_code == 302
    festival.refresh_from_db()
    assert festival.is_active
    assert (
        client.post(reverse("hall:staff-festival-active", args=[99999]), {"is_active": "0"}).status_code
        == 404
    )


# Scope and query counts -------------------------------------------------------------------------------------


def test_staff_of_another_community_find_nothing(client, outsider, venue, residents):  # noqa: F811
    event = make_event(venue)
    series = _course(venue, [], past=False)
    client.force_login(outsider)
    for name in (
        "staff-event-detail",
        "staff-event-programme",
        "staff-event-gallery",
        "staff-event-attendance",
    ):
        assert client.get(reverse(f"hall:{name}", args=[event.pk])).status_code == 404, name
    assert (
        client.post(
            reverse("hall:staff-event-detail", args=[event.pk]), {"action": "cancel", "reason": "x"}
        ).status_code
        == 404
    )
    assert client.get(reverse("hall:staff-series-detail", args=[series.pk])).status_code == 404
    assert client.get(reverse("hall:staff-event-detail", args=[999999])).status_code == 404
    event.refresh_from_db()
    assert not event.is_cancelled
    # Their forms do not offer the venue either.
    form = client.get(reverse("hall:staff-course-new")).content.decode()
    venues = re.search(r'<select name="venue".*?</select>', form, re.S).group(0)
    assert f'value="{venue.pk}"' not in venues


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_event_and_attendance_pages_ask_as_much_with_more_data(
    staff_client,
    venue,  # noqa: F811
    residents,  # noqa: F811
):
    event = make_event(venue, days=-1, capacity=50, performer_sign_up=True)
    session = _course(venue, residents(2, prefix="c")).sessions.order_by("starts_at").first()
    register(event, residents(2, prefix="a"), now=at(-5))
    GalleryPhoto.objects.create(event=event, image="hall/events/x.jpg", caption="x")
    Performer.objects.create(event=event, group_name="Choir", act="Song")
    urls = [
        reverse("hall:staff-event-detail", args=[event.pk]),
        reverse("hall:staff-event-programme", args=[event.pk]),
        reverse("hall:staff-event-gallery", args=[event.pk]),
        reverse("hall:staff-event-attendance", args=[event.pk]),
        reverse("hall:staff-event-attendance", args=[session.pk]),
        reverse("hall:staff-series-detail", args=[session.series_id]),
        reverse("hall:staff-festival-list"),
    ]
    [_count(staff_client, url) for url in urls]
    small = [_count(staff_client, url) for url in urls]
    register(event, residents(12, prefix="b"), now=at(-5))
    for booking in session.series.slot.bookings.all()[:1]:
        services.attendance_record(by=None, event=session, booking=booking, present=True)
    booking_services.booking_make(
        by=residents(1, prefix="d")[0].account, slot=session.series.slot, now=at(-40)
    )
    for n in range(8):
        GalleryPhoto.objects.create(event=event, image=f"hall/events/{n}.jpg", caption=str(n))
        Performer.objects.create(
            event=event,
            group_name=f"G{n}",
            act="Dance",
            status="accepted" if n % 2 else "applied",
            position=n,
        )
    services.festival_save(
        by=None, code="nowruz", names={"en": "Nowruz"}, calendar="gregorian", month=3, day=21
    )
    large = [_count(staff_client, url) for url in urls]
    assert small == large
