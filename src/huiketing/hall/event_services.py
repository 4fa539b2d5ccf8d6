"""Writes on events, courses and festival series: creating them (refused in a venue's closures), a course's
term with its sessions, the yearly events of a festival series, registering through the bookings, performers
and their programme, gallery photos and a course's attendance per session."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huiketing.core.audit import audit_record
from huiketing.core.db import writer_turn
from huiketing.core.i18n import pick
from huiketing.core.notifications import notification_kind_register, notify

from .event_models import Attendance, Event, EventKind, EventSeries, Festival, GalleryPhoto, Performer
from .festivals import festival_date
from .models import Venue, Zone

# How many years ahead a festival series has its events.
FESTIVAL_YEARS_AHEAD = 3


def _titles_check(titles: dict) -> None:
    if not isinstance(titles, dict) or not any(str(value).strip() for value in titles.values()):
        raise ValidationError({"titles": _("Give the title in at least one language.")})


def _times_check(starts_at: datetime.datetime, ends_at: datetime.datetime) -> None:
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValidationError({"starts_at": _("Give the time with its time zone.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must come after the start.")})


def _zone_check(venue: Venue, zone: Zone | None) -> None:
    if zone is not None and zone.venue_id != venue.pk:
        raise ValidationError({"zone": _("This area is not in the chosen living room.")})


def _open_check(venue: Venue, starts_at, ends_at, zone: Zone | None) -> None:
    """Refuse an event while the venue (or the zone) is closed, with the closure's reason."""
    from . import venue_services

    is_open, reason = venue_services.venue_open_during(venue, starts_at, ends_at, zone=zone)
    if not is_open:
        raise ValidationError({"starts_at": reason or _("The living room is closed then.")})


def _capacity_check(needs_registration: bool, capacity: int | None) -> None:
    if needs_registration and (capacity is None or capacity < 1):
        raise ValidationError({"capacity": _("Give the number of places (at least 1) for registration.")})


def _slot_create(*, by, venue: Venue, starts_at, ends_at, capacity: int, event=None, series=None):
    from . import booking_services

    return booking_services.slot_create(
        by=by,
        venue=venue,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        event=event,
        series=series,
    )


@transaction.atomic
def event_create(
    *,
    by,
    venue: Venue,
    kind: str,
    titles: dict,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    zone: Zone | None = None,
    descriptions: dict | None = None,
    needs_registration: bool = False,
    capacity: int | None = None,
    performer_sign_up: bool = False,
    series: EventSeries | None = None,
    festival: Festival | None = None,
) -> Event:
    """An event at a venue; with registration, its Slot of `capacity` places (and a waiting list)."""
    if kind not in EventKind.values:
        raise ValidationError({"kind": _("Choose a kind of event.")})
    _titles_check(titles)
    _times_check(starts_at, ends_at)
    _zone_check(venue, zone)
    _capacity_check(needs_registration, capacity)
    _open_check(venue, starts_at, ends_at, zone)
    event = Event(
        venue=venue,
        place_code=venue.place_code,
        zone=zone,
        kind=kind,
        titles=titles,
        descriptions=descriptions or {},
        starts_at=starts_at,
        ends_at=ends_at,
        needs_registration=needs_registration,
        performer_sign_up=performer_sign_up,
        series=series,
        festival=festival,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    event.full_clean(exclude=["created_by"])
    event.save()
    if needs_registration:
        _slot_create(by=by, venue=venue, starts_at=starts_at, ends_at=ends_at, capacity=capacity, event=event)
    audit_record(actor=by, action="hall.event.created", obj=event)
    return event


notification_kind_register(
    "hall.event_cancelled",
    title=gettext_lazy("An event you signed up for is cancelled"),
    body=gettext_lazy("“%(what)s” on %(when)s at %(venue)s is cancelled. %(reason)s"),
)

notification_kind_register(
    "hall.event_moved",
    title=gettext_lazy("An event you signed up for has changed"),
    body=gettext_lazy("“%(what)s” is now on %(when)s at %(where)s."),
)


def event_cancel(*, by, event: Event, reason: str = "", now: datetime.datetime | None = None) -> Event:
    """Cancel an event and tell those signed up for it. The registrations of an event of its own are cancelled
    with it (its places freed, its waiting list ended); those of a course's session stay, for the term goes
    on, and its people are told that this session will not take place."""
    from . import booking_services
    from .booking_models import ACTIVE_STATUSES, Booking, BookingStatus, Slot

    now = now or timezone.now()
    with writer_turn(), transaction.atomic():
        event = Event.objects.select_for_update().select_related("venue__service_point").get(pk=event.pk)
        if event.is_cancelled:
            raise ValidationError({"is_cancelled": _("This event is already cancelled.")})
        event.is_cancelled = True
        event.save(update_fields=["is_cancelled"])
        slot = _slot_of(event)
        bookings = []
        cancelled = 0
        if slot is not None:
            slot = booking_services.slot_lock(slot)
            bookings = list(
                Booking.objects.filter(slot=slot, status__in=ACTIVE_STATUSES).select_related(
                    "user", "resident__account"
                )
            )
            if slot.event_id == event.pk:
                cancelled = Booking.objects.filter(pk__in=[b.pk for b in bookings]).update(
                    status=BookingStatus.CANCELLED, updated_at=now
                )
                Slot.objects.filter(pk=slot.pk).update(taken=0)
        audit_record(
            actor=by,
            action="hall.event.cancelled",
            obj=event,
            place_code=event.place_code,
            reason=reason,
            changes={"is_cancelled": [False, True], "bookings_cancelled": [None, cancelled]},
        )
        _tell_signed_up(
            event, bookings, "hall.event_cancelled", now=now, venue=event.venue.name[:80], reason=reason[:200]
        )
    return event


def _tell_signed_up(event: Event, bookings, kind: str, *, now=None, **params) -> None:
    """Tell those holding `bookings` (each once) of a change to `event`: its title and time, and `params`."""
    from . import booking_services

    notify(
        recipients=[user for booking in bookings for user in booking_services.booking_recipients(booking)],
        kind=kind,
        params={
            "what": pick(event.titles)[:80],
            "when": timezone.localtime(event.starts_at).strftime("%Y-%m-%d %H:%M"),
            **params,
        },
        link=reverse("hall:event-detail", args=[event.pk]),
        obj=event,
        now=now,
    )


@transaction.atomic
def series_create(
    *,
    by,
    venue: Venue,
    titles: dict,
    sessions: Iterable[tuple[datetime.datetime, datetime.datetime]],
    capacity: int,
    kind: str = EventKind.CLASS,
    zone: Zone | None = None,
    descriptions: dict | None = None,
) -> EventSeries:
    """A course's term: its sessions (each an Event of the series) and one Slot for the term, so people enrol
    once and come to every session."""
    _titles_check(titles)
    _zone_check(venue, zone)
    sessions = sorted(sessions)
    if not sessions:
        raise ValidationError({"sessions": _("Give at least one session.")})
    _capacity_check(True, capacity)
    for starts_at, ends_at in sessions:
        _times_check(starts_at, ends_at)
        _open_check(venue, starts_at, ends_at, zone)
    series = EventSeries.objects.create(
        venue=venue,
        kind=kind,
        titles=titles,
        descriptions=descriptions or {},
        zone=zone,
        capacity=capacity,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    for starts_at, ends_at in sessions:
        Event.objects.create(
            venue=venue,
            place_code=venue.place_code,
            zone=zone,
            series=series,
            kind=kind,
            titles=titles,
            descriptions=descriptions or {},
            starts_at=starts_at,
            ends_at=ends_at,
            created_by=series.created_by,
        )
    # The term's slot takes the first session's time: enrolment (and its cancellation deadline) counts from
    # the start of the term, and the slot stays inside the opening hours the bookings check.
    _slot_create(
        by=by, venue=venue, starts_at=sessions[0][0], ends_at=sessions[0][1], capacity=capacity, series=series
    )
    audit_record(actor=by, action="hall.series.created", obj=series, place_code=venue.place_code)
    return series


@transaction.atomic
def festival_series_create(
    *,
    by,
    venue: Venue,
    festival: Festival,
    titles: dict,
    starts_time: datetime.time,
    ends_time: datetime.time,
    zone: Zone | None = None,
    capacity: int | None = None,
    descriptions: dict | None = None,
    today: datetime.date | None = None,
) -> EventSeries:
    """ "Every Double Ninth, 09:30–11:30 at this venue": the series, and its events of the coming years."""
    _titles_check(titles)
    _zone_check(venue, zone)
    if ends_time <= starts_time:
        raise ValidationError({"ends_time": _("The end must come after the start.")})
    if capacity is not None and capacity < 1:
        raise ValidationError({"capacity": _("Give the number of places (at least 1) for registration.")})
    series = EventSeries.objects.create(
        venue=venue,
        kind=EventKind.FESTIVAL,
        titles=titles,
        descriptions=descriptions or {},
        festival=festival,
        zone=zone,
        starts_time=starts_time,
        ends_time=ends_time,
        capacity=capacity,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    audit_record(actor=by, action="hall.series.created", obj=series, place_code=venue.place_code)
    festival_series_expand(by=by, series=series, today=today)
    return series


def festival_series_expand(*, by, series: EventSeries, today: datetime.date | None = None) -> list[Event]:
    """Create the series' events for this year and the next FESTIVAL_YEARS_AHEAD - 1 years that are still to
    come and missing. Idempotent (one event per series and start, under a unique constraint); a year whose
    date falls in a closure is skipped and retried on the next run."""
    today = today or timezone.localdate()
    created = []
    tz = timezone.get_current_timezone()
    for year in range(today.year, today.year + FESTIVAL_YEARS_AHEAD):
        day = festival_date(series.festival, year)
        if day < today:
            continue
        starts_at = datetime.datetime.combine(day, series.starts_time, tzinfo=tz)
        ends_at = datetime.datetime.combine(day, series.ends_time, tzinfo=tz)
        if Event.objects.filter(series=series, starts_at=starts_at).exists():
            continue
        try:
            with transaction.atomic():
                created.append(
                    event_create(
                        by=by,
                        venue=series.venue,
                        kind=EventKind.FESTIVAL,
                        titles=series.titles,
                        descriptions=series.descriptions,
                        starts_at=starts_at,
                        ends_at=ends_at,
                        zone=series.zone,
                        needs_registration=series.capacity is not None,
                        capacity=series.capacity,
                        series=series,
                        festival=series.festival,
                    )
                )
        except IntegrityError:
            continue  # made at the same moment by another run
        except ValidationError as error:
            audit_record(
                actor=by,
                action="hall.series.year_skipped",
                obj=series,
                place_code=series.venue.place_code,
                reason=" ".join(error.messages)[:300],
            )
    return created


def festival_series_expand_all(*, today: datetime.date | None = None) -> int:
    """The weekly job: every active festival series gets its events of the coming years."""
    count = 0
    for series in EventSeries.objects.filter(
        festival__isnull=False, festival__is_active=True, is_active=True
    ).select_related("festival", "venue", "zone"):
        count += len(festival_series_expand(by=None, series=series, today=today))
    return count


# Registration -----------------------------------------------------------------------------------------------


def _slot_of(event: Event):
    """The slot people register in: the event's own, or its course term's."""
    from .booking_models import Slot

    if event.series_id and event.series.festival_id is None:
        return Slot.objects.filter(series_id=event.series_id).first()
    return Slot.objects.filter(event=event).first()


def event_register(*, by, event: Event, resident=None):
    """Register (or join the waiting list) for an event or for its course's term through the bookings."""
    from . import booking_services

    if event.is_cancelled:
        raise ValidationError({"event": _("This event is cancelled.")})
    slot = _slot_of(event)
    if slot is None:
        raise ValidationError({"event": _("This event needs no registration: just come.")})
    return booking_services.booking_make(by=by, slot=slot, resident=resident)


# Performers and the programme -------------------------------------------------------------------------------

PERFORMER_TRANSITIONS = {
    Performer.Status.APPLIED: {Performer.Status.ACCEPTED, Performer.Status.DECLINED},
    Performer.Status.ACCEPTED: {Performer.Status.DECLINED},
    Performer.Status.DECLINED: {Performer.Status.ACCEPTED},
}


class PerformerTransitionError(ValidationError):
    pass


@transaction.atomic
def performer_sign_up(*, by, event: Event, group_name: str, act: str, resident=None) -> Performer:
    event = Event.objects.select_for_update().get(pk=event.pk)
    if not event.performer_sign_up or event.is_cancelled:
        raise ValidationError({"group_name": _("This event takes no sign-ups from performers.")})
    if event.starts_at <= timezone.now():
        raise ValidationError({"group_name": _("This event has already begun.")})
    group_name, act = (group_name or "").strip(), (act or "").strip()
    errors = {}
    if not group_name:
        errors["group_name"] = _("Give the name of the performer or group.")
    if not act:
        errors["act"] = _("Say what you will perform.")
    if errors:
        raise ValidationError(errors)
    performer = Performer(
        event=event,
        resident=resident,
        user=by if getattr(by, "is_authenticated", False) else None,
        group_name=group_name[:100],
        act=act[:200],
    )
    performer.save()
    audit_record(actor=by, action="hall.performer.signed_up", obj=performer, place_code=event.place_code)
    return performer


@transaction.atomic
def performer_decide(*, by, performer: Performer, status: str) -> Performer:
    """Accept a performer onto the programme (at its end) or decline them."""
    performer = Performer.objects.select_for_update().select_related("event").get(pk=performer.pk)
    if status not in PERFORMER_TRANSITIONS.get(performer.status, set()):
        raise PerformerTransitionError(
            {
                "status": _("A performer cannot go from “%(from)s” to this status.")
                % {"from": performer.status}
            }
        )
    performer.status = status
    if status == Performer.Status.ACCEPTED:
        last = (
            Performer.objects.filter(event_id=performer.event_id, status=Performer.Status.ACCEPTED)
            .order_by("-position")
            .values_list("position", flat=True)
            .first()
        )
        performer.position = (last or 0) + 1
    performer.save(update_fields=["status", "position"])
    audit_record(
        actor=by,
        action=f"hall.performer.{status}",
        obj=performer,
        place_code=performer.event.place_code,
    )
    return performer


@transaction.atomic
def programme_order(*, by, event: Event, performer_ids: list[int]) -> list[Performer]:
    """Put the accepted performers in the given order (every accepted one, each once)."""
    Event.objects.select_for_update().get(pk=event.pk)
    accepted = {
        performer.pk: performer
        for performer in Performer.objects.select_for_update().filter(
            event=event, status=Performer.Status.ACCEPTED
        )
    }
    if sorted(performer_ids) != sorted(accepted):
        raise ValidationError({"order": _("List every performer on the programme exactly once.")})
    for position, pk in enumerate(performer_ids, start=1):
        performer = accepted[pk]
        performer.position = position
        performer.save(update_fields=["position"])
    audit_record(actor=by, action="hall.programme.ordered", obj=event, changes={"order": performer_ids})
    return [accepted[pk] for pk in performer_ids]


# Gallery and attendance -------------------------------------------------------------------------------------


@transaction.atomic
def gallery_photo_add(*, by, event: Event, upload, caption: str = "") -> GalleryPhoto:
    """A photo of the event, re-encoded as a JPEG without its EXIF data (a phone's GPS position)."""
    from huiketing.matters.services import photo_clean

    if event.starts_at > timezone.now():
        raise ValidationError({"image": _("Photos are added after the event has begun.")})
    try:
        data, width, height = photo_clean(upload)
    except ValidationError as error:
        raise ValidationError({"image": error.messages}) from None
    photo = GalleryPhoto(
        event=event,
        caption=(caption or "").strip()[:200],
        uploaded_by=by if getattr(by, "is_authenticated", False) else None,
        width=width,
        height=height,
    )
    photo.image.save(f"event-{event.pk}.jpg", ContentFile(data), save=False)
    photo.save()
    audit_record(actor=by, action="hall.gallery.photo_added", obj=photo, place_code=event.place_code)
    return photo


@transaction.atomic
def attendance_record(*, by, event: Event, booking, present: bool) -> Attendance | None:
    """Tick (or untick) one enrolled person as present at one session of a course."""
    from .booking_models import BookingStatus

    if event.series_id is None or booking.slot.series_id != event.series_id:
        raise ValidationError({"booking": _("This person is not enrolled in this course.")})
    if booking.status not in (BookingStatus.CONFIRMED, BookingStatus.ATTENDED):
        raise ValidationError({"booking": _("This person holds no place in this course.")})
    if not present:
        Attendance.objects.filter(event=event, booking=booking).delete()
        audit_record(actor=by, action="hall.attendance.removed", obj=event)
        return None
    attendance, _created = Attendance.objects.get_or_create(
        event=event, booking=booking, defaults={"recorded_by": by if by and by.is_authenticated else None}
    )
    audit_record(actor=by, action="hall.attendance.recorded", obj=event)
    return attendance


# Staff changes: an event's details, festivals, removing photos, a whole attendance sheet -------------------

EVENT_CHANGE_FIELDS = ["titles", "starts_at", "ends_at", "zone_id", "needs_registration", "performer_sign_up"]


def is_course_session(event: Event) -> bool:
    """A session of a course's term (registration is the term's), not an event of a festival series."""
    return event.series_id is not None and event.series.festival_id is None


def _slot_change(*, by, slot, capacity: int, starts_at, ends_at) -> None:
    """Change a slot's places and times under its row lock. The places never go below those taken (the
    check constraint would refuse it anyway); places added go to the waiting list in its order."""
    from django.utils.translation import ngettext

    from . import booking_services

    locked = booking_services.slot_lock(slot)
    if capacity < locked.taken:
        raise ValidationError(
            {
                "capacity": ngettext(
                    "%(taken)d place is already taken: give at least %(taken)d place.",
                    "%(taken)d places are already taken: give at least %(taken)d places.",
                    locked.taken,
                )
                % {"taken": locked.taken}
            }
        )
    added = capacity > locked.capacity
    locked.capacity, locked.starts_at, locked.ends_at = capacity, starts_at, ends_at
    locked.save(update_fields=["capacity", "starts_at", "ends_at"])
    if added:
        booking_services.waiting_list_promote(locked, by=by, now=timezone.now())


@transaction.atomic
def event_update(
    *,
    by,
    event: Event,
    titles: dict,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    zone: Zone | None = None,
    needs_registration: bool | None = None,
    capacity: int | None = None,
    performer_sign_up: bool | None = None,
) -> Event:
    """Change an event's titles, times, area and registration (None: leave as it is).

    Refused while the living room (or the area) is closed at the new time, as `event_create` is. The places
    change through the event's slot, never below the places already taken; registration is turned off only
    while nobody has registered. A course's session has no places of its own: they are its whole term's."""
    from huiketing.core.audit import diff, snapshot

    from .booking_models import Slot

    event = (
        Event.objects.select_for_update(of=("self",))
        .select_related("venue__service_point", "series")
        .get(pk=event.pk)
    )
    if event.is_cancelled:
        raise ValidationError({"is_cancelled": _("A cancelled event can no longer be changed.")})
    _titles_check(titles)
    _times_check(starts_at, ends_at)
    _zone_check(event.venue, zone)
    in_course = is_course_session(event)
    if in_course and (needs_registration or capacity is not None):
        raise ValidationError(
            {"capacity": _("The places of a course are set for its whole term, not for one session.")}
        )
    slot = None if in_course else Slot.objects.filter(event=event).first()
    if needs_registration is None:
        needs_registration = slot is not None
    if performer_sign_up is None:
        performer_sign_up = event.performer_sign_up
    if needs_registration and capacity is None and slot is not None:
        capacity = slot.capacity
    _capacity_check(needs_registration, capacity)
    if not needs_registration and slot is not None and slot.bookings.exists():
        raise ValidationError(
            {
                "needs_registration": _(
                    "People have registered for this event, so registration stays on. Cancel the event "
                    "instead if it will not take place."
                )
            }
        )
    if (starts_at, ends_at, zone.pk if zone else None) != (event.starts_at, event.ends_at, event.zone_id):
        _open_check(event.venue, starts_at, ends_at, zone)
    before = {**snapshot(event, EVENT_CHANGE_FIELDS), "capacity": slot.capacity if slot else None}
    moved = (starts_at, zone.pk if zone else None) != (event.starts_at, event.zone_id)
    event.titles = titles
    event.starts_at, event.ends_at, event.zone = starts_at, ends_at, zone
    event.needs_registration = bool(needs_registration) and not in_course
    event.performer_sign_up = bool(performer_sign_up)
    event.full_clean(exclude=["created_by"])
    event.save()
    if needs_registration and slot is None:
        _slot_create(
            by=by, venue=event.venue, starts_at=starts_at, ends_at=ends_at, capacity=capacity, event=event
        )
    elif needs_registration:
        _slot_change(by=by, slot=slot, capacity=capacity, starts_at=starts_at, ends_at=ends_at)
    elif slot is not None:
        slot.delete()
    after = {**snapshot(event, EVENT_CHANGE_FIELDS), "capacity": capacity if needs_registration else None}
    audit_record(actor=by, action="hall.event.changed", obj=event, changes=diff(before, after))
    if moved:
        _tell_of_move(event)
    return event


def _tell_of_move(event: Event) -> None:
    """Those signed up for an event (or its course) are told its new time and place."""
    from .booking_models import ACTIVE_STATUSES, Booking

    slot = _slot_of(event)
    if slot is None:
        return
    bookings = Booking.objects.filter(slot=slot, status__in=ACTIVE_STATUSES).select_related(
        "user", "resident__account"
    )
    names = (event.venue.name, str(event.zone) if event.zone_id else "")
    where = " · ".join(name[:80] for name in names if name)
    _tell_signed_up(event, bookings, "hall.event_moved", where=where)


FESTIVAL_FIELDS = ["code", "names", "calendar", "month", "day", "is_active"]


@transaction.atomic
def festival_save(
    *,
    by,
    festival: Festival | None = None,
    code: str,
    names: dict,
    calendar: str,
    month: int,
    day: int,
    is_active: bool = True,
) -> Festival:
    """Add a festival (no `festival`) or change one: a day of the Chinese lunar calendar or of the Gregorian
    one, named in the installation's languages. The feasts of the Islamic calendar (Corban, Rozi) fall on a
    day announced each year, which neither calendar gives: they are entered as dated events instead."""
    import calendar as calendar_module
    import re

    from huiketing.core.audit import diff, snapshot

    code = (code or "").strip().lower()
    names = {lang: str(name).strip() for lang, name in (names or {}).items() if str(name or "").strip()}
    errors = {}
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", code) or len(code) > 40:
        errors["code"] = _("Give a short code of Latin letters, digits and hyphens, such as “nowruz”.")
    elif Festival.objects.filter(code=code).exclude(pk=festival.pk if festival else None).exists():
        errors["code"] = _("Another festival already has this code.")
    if not names:
        errors["names"] = _("Give the name in at least one language.")
    if calendar not in Festival.Calendar.values:
        errors["calendar"] = _("Choose the Chinese lunar calendar or the Gregorian calendar.")
    if not isinstance(month, int) or not 1 <= month <= 12:
        errors["month"] = _("Give a month from 1 to 12.")
    elif calendar in Festival.Calendar.values:
        # A lunar month has 29 or 30 days; a Gregorian 29 February is kept (it falls on the 28th in a
        # common year).
        last = 30 if calendar == Festival.Calendar.LUNAR else calendar_module.monthrange(2024, month)[1]
        if not isinstance(day, int) or not 1 <= day <= last:
            errors["day"] = _("This month has days 1 to %(last)d.") % {"last": last}
    if errors:
        raise ValidationError(errors)
    before = snapshot(festival, FESTIVAL_FIELDS) if festival else {}
    festival = festival or Festival()
    festival.code, festival.names, festival.calendar = code, names, calendar
    festival.month, festival.day, festival.is_active = month, day, bool(is_active)
    try:
        with transaction.atomic():
            festival.save()
    except IntegrityError:
        raise ValidationError({"code": _("Another festival already has this code.")}) from None
    audit_record(
        actor=by,
        action="hall.festival.changed" if before else "hall.festival.created",
        obj=festival,
        changes=diff(before, snapshot(festival, FESTIVAL_FIELDS)),
    )
    return festival


@transaction.atomic
def gallery_photo_remove(*, by, photo: GalleryPhoto) -> None:
    """Take a photo out of an event's gallery; its file goes once the removal is committed."""
    photo = (
        GalleryPhoto.objects.select_for_update(of=("self",))
        .select_related("event")
        .filter(pk=photo.pk)
        .first()
    )
    if photo is None:
        raise ValidationError({"photo": _("This photo is no longer in the gallery.")})
    audit_record(actor=by, action="hall.gallery.photo_removed", obj=photo, place_code=photo.event.place_code)
    name = photo.image.name
    storage = GalleryPhoto._meta.get_field("image").storage
    photo.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def attendance_save(*, by, event: Event, present: Iterable[int], now=None) -> dict[str, int]:
    """Save an attendance sheet at once: the people ticked (`present`, booking ids) came, the others did not.

    At a course's session each person holds the term's booking and attendance is recorded per session
    (`attendance_record`); at a single event the booking itself is marked attended or not come
    (`booking_services.attendance_mark`, which asks that the staff serve the venue). Refused before the event
    has begun, for a cancelled one, and when someone ticked no longer holds a place (the sheet is stale)."""
    from . import booking_services
    from .booking_models import Booking, BookingStatus

    now = now or timezone.now()
    event = Event.objects.select_related("series").get(pk=event.pk)
    if event.is_cancelled:
        raise ValidationError({"present": _("This event is cancelled.")})
    if event.starts_at > now:
        raise ValidationError({"present": _("Attendance is taken once the event has begun.")})
    present = set(present)
    in_course = is_course_session(event)
    if in_course:
        bookings = Booking.objects.filter(
            slot__series_id=event.series_id, status__in=[BookingStatus.CONFIRMED, BookingStatus.ATTENDED]
        )
    else:
        bookings = Booking.objects.filter(
            slot__event=event,
            status__in=[BookingStatus.CONFIRMED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW],
        )
    bookings = list(bookings.select_related("slot").order_by("id"))
    if present - {booking.pk for booking in bookings}:
        raise ValidationError(
            {"present": _("Someone ticked no longer holds a place: reload the sheet and save it again.")}
        )
    if in_course:
        recorded = set(Attendance.objects.filter(event=event).values_list("booking_id", flat=True))
        for booking in bookings:
            if (booking.pk in present) != (booking.pk in recorded):
                attendance_record(by=by, event=event, booking=booking, present=booking.pk in present)
    else:
        for booking in bookings:
            came, marked = booking.pk in present, booking.status == BookingStatus.ATTENDED
            if booking.status == BookingStatus.CONFIRMED or marked != came:
                booking_services.attendance_mark(by=by, booking=booking, attended=came, now=now)
    return {"expected": len(bookings), "present": len(present)}
