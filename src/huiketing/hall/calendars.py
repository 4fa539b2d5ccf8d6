"""iCalendar (RFC 5545) feeds of a venue's events, of a course's or festival series' sessions, and of the
festivals of the coming years, to subscribe to from a phone's calendar.

Times are Beijing time with a VTIMEZONE for Asia/Shanghai; every event keeps the same UID across requests so
that calendars update it rather than add a copy; SUMMARY is in the language asked for with ?lang=.
"""

import datetime
import zoneinfo

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from huiketing.core.i18n import pick

from .festivals import festival_dates

CONTENT_TYPE = "text/calendar; charset=utf-8"
TZID = "Asia/Shanghai"
PRODID = "-//huiketing//living rooms//EN"


def feed_language(requested: str | None) -> str:
    """The language asked for with ?lang= when it is one of ours, else the active one."""
    codes = [code for code, _name in settings.LANGUAGES]
    if requested in codes:
        return requested
    from django.utils import translation

    return translation.get_language() or settings.LANGUAGE_CODE


def _calendar(name: str) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", TZID)
    cal.add_component(_vtimezone())
    return cal


def _vtimezone() -> icalendar.Timezone:
    """Asia/Shanghai as China has kept it since 1991: +08:00 all year, no daylight saving time. Built by hand:
    the one derived from the tz database carries the 1986–1991 summer times and ends in 2038."""
    zone = icalendar.Timezone()
    zone.add("tzid", TZID)
    zone.add("x-lic-location", TZID)
    standard = icalendar.TimezoneStandard()
    standard.add("dtstart", datetime.datetime(1970, 1, 1))
    standard.add("tzoffsetfrom", datetime.timedelta(hours=8))
    standard.add("tzoffsetto", datetime.timedelta(hours=8))
    standard.add("tzname", "CST")
    zone.add_component(standard)
    return zone


def _stamp() -> datetime.datetime:
    """DTSTAMP: the day the feed was produced (UTC midnight), so that the same feed read twice in a day is the
    same bytes (caches and ETags hold) while a client still sees the stamp move forward."""
    return timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)


def _uid(kind: str, key, host: str) -> str:
    return f"hall-{kind}-{key}@{host}"


def _event_component(event, *, language: str, build_url, host: str, stamp) -> icalendar.Event:
    tz = zoneinfo.ZoneInfo(TZID)
    component = icalendar.Event()
    component.add("uid", _uid("event", event.pk, host))
    component.add("dtstamp", stamp)
    component.add("dtstart", timezone.localtime(event.starts_at, tz))
    component.add("dtend", timezone.localtime(event.ends_at, tz))
    component.add("summary", pick(event.titles, language) or str(event.pk))
    description = pick(event.descriptions, language)
    if description:
        component.add("description", description)
    component.add("location", pick(event.venue.service_point.names, language))
    component.add("url", build_url(reverse("hall:event-detail", kwargs={"pk": event.pk})))
    component.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    return component


def events_calendar(events, *, name: str, language: str, build_url, host: str) -> bytes:
    """A calendar of the given events (with venue and its service point fetched)."""
    cal = _calendar(name)
    stamp = _stamp()
    for event in events:
        cal.add_component(
            _event_component(event, language=language, build_url=build_url, host=host, stamp=stamp)
        )
    return cal.to_ical()


def festivals_calendar(festivals, events, *, years, name: str, language: str, build_url, host: str) -> bytes:
    """Each festival of the given years as an all-day event on its date, and the festival events."""
    cal = _calendar(name)
    stamp = _stamp()
    for day, festival in festival_dates(festivals, years):
        component = icalendar.Event()
        component.add("uid", _uid("festival", f"{festival.code}-{day.year}", host))
        component.add("dtstamp", stamp)
        component.add("dtstart", day)
        component.add("dtend", day + datetime.timedelta(days=1))
        component.add("summary", pick(festival.names, language) or festival.code)
        component.add("transp", "TRANSPARENT")
        component.add("categories", ["festival"])
        cal.add_component(component)
    for event in events:
        cal.add_component(
            _event_component(event, language=language, build_url=build_url, host=host, stamp=stamp)
        )
    return cal.to_ical()
