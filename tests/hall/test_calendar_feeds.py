"""The iCalendar feeds: parsed back with icalendar, Beijing time with its VTIMEZONE, stable UIDs, the
language asked for, and the festivals on their Gregorian dates."""

import datetime

import icalendar
import pytest
from django.urls import reverse

from huiketing.hall import event_services as services
from huiketing.hall.models import EventKind
from tests.hall.test_booking_services import make_venue, venue  # noqa: F401  (fixtures)
from tests.hall.test_event_services import at, manager  # noqa: F401  (fixtures)

FESTIVAL_DATES = {
    "Dragon Boat Festival": [
        datetime.date(2026, 6, 19),
        datetime.date(2027, 6, 9),
        datetime.date(2028, 5, 28),
    ],
    "Mid-Autumn Festival": [
        datetime.date(2026, 9, 25),
        datetime.date(2027, 9, 15),
        datetime.date(2028, 10, 3),
    ],
    "Double Ninth Festival": [
        datetime.date(2026, 10, 18),
        datetime.date(2027, 10, 8),
        datetime.date(2028, 10, 26),
    ],
}


def _feed(client, url, **query):
    response = client.get(url, query)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cal = icalendar.Calendar.from_ical(response.content)
    timezones = cal.walk("VTIMEZONE")
    assert [str(tz["TZID"]) for tz in timezones] == ["Asia/Shanghai"]
    standard = timezones[0].walk("STANDARD")[0]
    assert standard["TZOFFSETTO"].td == datetime.timedelta(hours=8)
    assert not timezones[0].walk("DAYLIGHT")
    return cal


@pytest.fixture
def events(venue, manager):  # noqa: F811
    event = services.event_create(
        by=manager,
        venue=venue,
        kind=EventKind.LECTURE,
        titles={"zh-hans": "讲座", "en": "Lecture"},
        starts_at=at(3, 10),
        ends_at=at(3, 11),
    )
    series = services.series_create(
        by=manager,
        venue=venue,
        titles={"zh-hans": "书法班", "en": "Calligraphy"},
        sessions=[(at(4, 15), at(4, 16)), (at(11, 15), at(11, 16))],
        capacity=10,
    )
    return event, series


def test_venue_feed(client, venue, events):  # noqa: F811
    event, _series = events
    url = reverse("hall:calendar-venue", kwargs={"pk": venue.pk})
    cal = _feed(client, url, lang="en")
    vevents = cal.walk("VEVENT")
    assert len(vevents) == 3
    lecture = next(v for v in vevents if str(v["SUMMARY"]) == "Lecture")
    assert lecture.decoded("DTSTART") == at(3, 10)
    assert str(lecture["DTSTART"].params["TZID"]) == "Asia/Shanghai"
    assert str(lecture["URL"]).endswith(reverse("hall:event-detail", kwargs={"pk": event.pk}))
    assert "DTSTAMP" in lecture
    again = _feed(client, url, lang="zh-hans")
    assert {str(v["UID"]) for v in again.walk("VEVENT")} == {str(v["UID"]) for v in vevents}
    assert "讲座" in {str(v["SUMMARY"]) for v in again.walk("VEVENT")}


def test_series_feed(client, events):
    _event, series = events
    cal = _feed(client, reverse("hall:calendar-series", kwargs={"pk": series.pk}), lang="en")
    assert [str(v["SUMMARY"]) for v in cal.walk("VEVENT")] == ["Calligraphy", "Calligraphy"]


@pytest.mark.django_db
def test_festivals_feed_dates(client, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: datetime.date(2026, 1, 1))
    cal = _feed(client, reverse("hall:calendar-festivals"), lang="en")
    by_name: dict = {}
    for vevent in cal.walk("VEVENT"):
        by_name.setdefault(str(vevent["SUMMARY"]), []).append(vevent.decoded("DTSTART"))
    for name, dates in FESTIVAL_DATES.items():
        assert sorted(by_name[name]) == dates
    spring = Calendar_day = sorted(by_name["Spring Festival"])  # noqa: F841
    assert spring[0] == datetime.date(2026, 2, 17)


def test_missing_feed_is_404(client, db):
    assert client.get(reverse("hall:calendar-venue", kwargs={"pk": 999999})).status_code == 404
    assert client.get(reverse("hall:calendar-series", kwargs={"pk": 999999})).status_code == 404
