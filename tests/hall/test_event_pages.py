"""The residents' pages of events and courses: the list and its filters, an event's page, enrolling in a
course term from its page (and back to it), the waiting list, cancelling, and the queries of the list."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from huiketing.hall import event_services as services
from huiketing.hall.models import Booking, BookingStatus, EventKind, Slot
from tests.hall.test_booking_services import make_venue, venue  # noqa: F401  (fixtures)

CHINA = datetime.timezone(datetime.timedelta(hours=8))
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def text(response) -> str:
    """The page's text, without its tags and with spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()).replace(" .", ".")


def at(days: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour), CHINA)


@pytest.fixture
def manager(tree, make_user):
    return make_user("ep_manager", "community_staff", tree.communities[0].code)


@pytest.fixture
def course(venue, manager):  # noqa: F811
    return services.series_create(
        by=manager,
        venue=venue,
        titles={"en": "Dombra for seniors", "zh-hans": "冬不拉班"},
        sessions=[(at(7 * n + 3), at(7 * n + 3, 11)) for n in range(3)],
        capacity=1,
    )


def _screening(venue, manager, days: int, **fields):  # noqa: F811
    return services.event_create(
        by=manager,
        venue=venue,
        kind=EventKind.SCREENING,
        titles={"en": f"Film {days}", "zh-hans": f"电影{days}"},
        starts_at=at(days, 14),
        ends_at=at(days, 16),
        needs_registration=True,
        capacity=2,
        **fields,
    )


def test_the_list_filters_by_period_and_kind_and_shows_places_left(client, venue, manager, course):  # noqa: F811
    _screening(venue, manager, 2)
    _screening(venue, manager, 20)
    week = text(client.get("/events/?when=week", **EN))
    assert "Film 2" in week and "Film 20" not in week
    month = client.get("/events/?when=month", **EN).content.decode()
    assert "Film 20" in month
    classes = client.get("/events/?when=coming&kind=class", **EN).content.decode()
    assert "Dombra for seniors" in classes and "Film 2" not in classes
    assert "2 places left" in week
    # A filter it does not know falls back to the week, not to an error.
    assert client.get("/events/?when=someday&venue=x", **EN).status_code == 200


def test_enrolling_from_a_course_returns_to_it_then_the_waiting_list_then_promotion(
    client, course, make_user
):
    first, second = make_user("ep_first"), make_user("ep_second")
    session = course.sessions.order_by("starts_at").first()
    course_url = f"/courses/{course.pk}/"

    client.force_login(first)
    page = text(client.get(course_url, **EN))
    assert "1 of 1 places left." in page and "Enrol" in page
    response = client.post(f"/events/{session.pk}/register/", **EN)
    assert response.status_code == 302 and response["Location"] == course_url
    page = text(client.get(course_url, **EN))
    assert "You are enrolled." in page and "0 of 1 places left." in page

    client.force_login(second)
    assert "Join the waiting list" in text(client.get(course_url, **EN))
    client.post(f"/events/{session.pk}/register/", **EN)
    assert "You are on the waiting list." in text(client.get(course_url, **EN))

    client.force_login(first)
    response = client.post(f"/events/{session.pk}/unregister/", **EN)
    assert response["Location"] == course_url
    promoted = Booking.objects.get(user=second)
    assert promoted.status == BookingStatus.CONFIRMED
    assert Slot.objects.get(series=course).taken == 1
    client.force_login(second)
    assert "You are enrolled." in text(client.get(course_url, **EN))


def test_an_event_of_its_own_returns_to_its_page_and_a_second_registration_is_refused(
    client,
    venue,  # noqa: F811
    manager,
    make_user,
):
    event = _screening(venue, manager, 2)
    client.force_login(make_user("ep_viewer"))
    response = client.post(f"/events/{event.pk}/register/", **EN)
    assert response["Location"] == f"/events/{event.pk}/"
    page = client.post(f"/events/{event.pk}/register/", follow=True, **EN).content.decode()
    assert Booking.objects.filter(slot__event=event).count() == 1
    assert "already" in page
    # Leaving without a booking says so.
    client.force_login(make_user("ep_other"))
    page = client.post(f"/events/{event.pk}/unregister/", follow=True, **EN).content.decode()
    assert "You are not registered for this event." in page


def test_registering_needs_signing_in_and_a_missing_event_is_404(client, course):
    session = course.sessions.first()
    response = client.post(f"/events/{session.pk}/register/")
    assert response.status_code in (302, 403)
    assert not Booking.objects.exists()
    assert client.get("/events/999999/").status_code == 404
    assert client.get("/courses/999999/").status_code == 404


def _list_queries(client) -> int:
    client.get("/events/?when=coming", **EN)  # the session and caches, once
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/events/?when=coming", **EN).status_code == 200
    return len(queries)


def test_the_list_asks_as_many_queries_for_many_events_as_for_few(client, venue, manager):  # noqa: F811
    services.series_create(
        by=manager,
        venue=venue,
        titles={"en": "Course A"},
        sessions=[(at(7 * n + 3), at(7 * n + 3, 11)) for n in range(2)],
        capacity=5,
    )
    _screening(venue, manager, 2)
    few = _list_queries(client)
    for days in range(4, 12):
        _screening(venue, manager, days)
    services.series_create(
        by=manager,
        venue=venue,
        titles={"en": "Course B"},
        sessions=[(at(7 * n + 5, 15), at(7 * n + 5, 16)) for n in range(6)],
        capacity=5,
    )
    assert _list_queries(client) == few
