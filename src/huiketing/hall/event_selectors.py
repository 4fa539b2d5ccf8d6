"""Reads of events, courses and festivals: the public list (today, this week, by venue and kind), an event's
and a course's page, the feeds' events, and the staff's events (scoped with `scope_q`: missing and out of
scope are the same 404). Every list reads a fixed number of queries whatever the number of events."""

import datetime

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from huiketing.core.scope import scope_q
from huiketing.core.workdays import CHINA
from huiketing.people.models import COMMUNITY_AND_ABOVE

from .booking_models import ACTIVE_STATUSES, Booking, BookingStatus, Slot
from .event_models import Event, EventKind, EventSeries, Festival, GalleryPhoto, Performer

WHEN_CHOICES = ("today", "week", "month", "coming")


def _events():
    return Event.objects.filter(venue__is_active=True).select_related(
        "venue__service_point", "zone", "series__slot", "festival", "slot"
    )


def events_public(*, when: str = "week", venue_id: int | None = None, kind: str = "", now=None):
    """Events not cancelled that have not ended: today's, this week's (seven days on), this month's (thirty
    days on) or all coming."""
    now = now or timezone.now()
    today = datetime.datetime.combine(timezone.localtime(now, CHINA).date(), datetime.time(), CHINA)
    qs = _events().filter(is_cancelled=False, ends_at__gt=now)
    if when == "today":
        qs = qs.filter(starts_at__lt=today + datetime.timedelta(days=1))
    elif when == "week":
        qs = qs.filter(starts_at__lt=today + datetime.timedelta(days=7))
    elif when == "month":
        qs = qs.filter(starts_at__lt=today + datetime.timedelta(days=30))
    if venue_id:
        qs = qs.filter(venue_id=venue_id)
    if kind in EventKind.values:
        qs = qs.filter(kind=kind)
    return qs.order_by("starts_at", "id")


def event_get_public(*, event_id: int) -> Event:
    event = (
        _events()
        .prefetch_related(
            Prefetch(
                "performers",
                queryset=Performer.objects.filter(status=Performer.Status.ACCEPTED).order_by(
                    "position", "id"
                ),
                to_attr="programme",
            ),
            Prefetch("photos", queryset=GalleryPhoto.objects.order_by("id"), to_attr="gallery"),
        )
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        raise Http404
    return event


def series_get_public(*, series_id: int) -> EventSeries:
    series = (
        EventSeries.objects.filter(pk=series_id, venue__is_active=True)
        .select_related("venue__service_point", "festival", "zone", "slot")
        .prefetch_related(Prefetch("sessions", queryset=Event.objects.order_by("starts_at", "id")))
        .first()
    )
    if series is None:
        raise Http404
    return series


def slot_of(event: Event) -> Slot | None:
    """The slot people register in: the event's own, or its course term's (from the related rows fetched)."""
    if event.series_id and event.series.festival_id is None:
        return getattr(event.series, "slot", None)
    return getattr(event, "slot", None)


def booking_of(*, user, slot: Slot | None) -> Booking | None:
    """The user's active booking in the slot (made by them or for them)."""
    if slot is None or not user.is_authenticated:
        return None
    return (
        Booking.objects.filter(slot=slot, status__in=ACTIVE_STATUSES)
        .filter(Q(user=user) | Q(booked_by=user, resident__isnull=False))
        .order_by("id")
        .first()
    )


def events_of_venue_feed(*, venue_id: int, now=None):
    """A venue's events from 90 days ago on, for its feed."""
    now = now or timezone.now()
    return _events().filter(venue_id=venue_id, starts_at__gte=now - datetime.timedelta(days=90))


def events_of_series_feed(*, series_id: int):
    return _events().filter(series_id=series_id)


def festivals_active():
    return Festival.objects.filter(is_active=True).order_by("calendar", "month", "day")


def festival_events_feed(*, now=None):
    """Festival events (of festival series, or dated, such as Corban) from 90 days ago on."""
    now = now or timezone.now()
    return _events().filter(
        Q(kind=EventKind.FESTIVAL) | Q(festival__isnull=False),
        starts_at__gte=now - datetime.timedelta(days=90),
    )


# Staff -----------------------------------------------------------------------------------------------------


def events_for_staff(*, user):
    return (
        Event.objects.filter(scope_q(user, roles=COMMUNITY_AND_ABOVE))
        .select_related("venue__service_point", "slot", "series")
        .annotate(
            applied=Count("performers", filter=Q(performers__status=Performer.Status.APPLIED), distinct=True)
        )
        .order_by("-starts_at", "id")
    )


def event_get_for_staff(*, user, event_id: int) -> Event:
    event = (
        Event.objects.filter(scope_q(user, roles=COMMUNITY_AND_ABOVE), pk=event_id)
        .select_related("venue__service_point", "slot", "series__slot", "zone")
        .prefetch_related(
            Prefetch("performers", queryset=Performer.objects.order_by("status", "position", "id")),
            Prefetch("photos", queryset=GalleryPhoto.objects.order_by("id"), to_attr="gallery"),
        )
        .first()
    )
    if event is None:
        raise Http404
    return event


def enrolled_for_session(*, event: Event) -> list[Booking]:
    """Those holding a place in the course's term, for ticking attendance at one session."""
    if event.series_id is None:
        return []
    return list(
        Booking.objects.filter(
            slot__series_id=event.series_id, status__in=[BookingStatus.CONFIRMED, BookingStatus.ATTENDED]
        )
        .select_related("resident", "user")
        .order_by("created_at", "id")
    )


# Staff pages of an event, a course and the festivals --------------------------------------------------------


def event_get_for_attendance(*, user, event_id: int) -> Event:
    """An event for its attendance sheet: the grid staff covering its place take attendance too."""
    from huiketing.people.models import REGISTRY_ROLES

    event = (
        Event.objects.filter(scope_q(user, roles=REGISTRY_ROLES), pk=event_id)
        .select_related("venue__service_point", "slot", "series__slot", "zone")
        .first()
    )
    if event is None:
        raise Http404
    return event


def registrations_of(*, slot: Slot | None) -> list[Booking]:
    """Who registered in an event's (or a course term's) slot: holding a place, waiting (in the order they
    joined), or marked as having come or not, with their resident, account or organisation."""
    from django.db.models import F

    if slot is None:
        return []
    return list(
        Booking.objects.filter(
            slot=slot,
            status__in=[
                BookingStatus.CONFIRMED,
                BookingStatus.ATTENDED,
                BookingStatus.NO_SHOW,
                BookingStatus.WAITING,
            ],
        )
        .select_related("resident", "user", "organisation")
        .order_by(F("waiting_since").asc(nulls_first=True), "created_at", "id")
    )


def attendance_sheet(*, event: Event) -> list[Booking]:
    """The people expected at an event, each with `present`: at a course's session those enrolled in its term,
    ticked when their attendance at this session is recorded; at a single event those holding a place,
    ticked when their booking is marked attended. Two queries at most."""
    from .event_models import Attendance

    if event.series_id is not None and event.series.festival_id is None:
        bookings = enrolled_for_session(event=event)
        recorded = set(Attendance.objects.filter(event=event).values_list("booking_id", flat=True))
        for booking in bookings:
            booking.present = booking.pk in recorded
        return bookings
    slot = getattr(event, "slot", None)
    if slot is None:
        return []
    bookings = list(
        Booking.objects.filter(
            slot=slot,
            status__in=[BookingStatus.CONFIRMED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW],
        )
        .select_related("resident", "user", "organisation")
        .order_by("created_at", "id")
    )
    for booking in bookings:
        booking.present = booking.status == BookingStatus.ATTENDED
    return bookings


def series_get_for_staff(*, user, series_id: int) -> EventSeries:
    """A course's term or a festival series at a venue the staff member covers, with its sessions (each with
    `present_count`, the people recorded as present)."""
    sessions = Event.objects.annotate(present_count=Count("attendances")).order_by("starts_at", "id")
    series = (
        EventSeries.objects.filter(
            scope_q(user, field="venue__place_code", roles=COMMUNITY_AND_ABOVE), pk=series_id
        )
        .select_related("venue__service_point", "festival", "zone", "slot")
        .prefetch_related(Prefetch("sessions", queryset=sessions))
        .first()
    )
    if series is None:
        raise Http404
    return series


def venues_for_event_staff(*, user):
    """The open living rooms where the staff member runs events."""
    from .models import Venue

    return (
        Venue.objects.filter(scope_q(user, roles=COMMUNITY_AND_ABOVE), is_active=True)
        .select_related("service_point")
        .order_by("place_code", "id")
    )


def zones_for_event_staff(*, user):
    """The areas of those living rooms, with their venue."""
    from .models import Zone

    return (
        Zone.objects.filter(
            scope_q(user, field="venue__place_code", roles=COMMUNITY_AND_ABOVE), venue__is_active=True
        )
        .select_related("venue__service_point")
        .order_by("venue__place_code", "venue_id", "position", "id")
    )


def festivals_all():
    """Every festival, those celebrated first, with how many yearly series follow it."""
    return Festival.objects.annotate(series_count=Count("series")).order_by(
        "-is_active", "calendar", "month", "day", "id"
    )


def festival_get(*, festival_id: int) -> Festival:
    """Festivals belong to the whole installation: no scope, only missing is a 404."""
    festival = Festival.objects.filter(pk=festival_id).first()
    if festival is None:
        raise Http404
    return festival
