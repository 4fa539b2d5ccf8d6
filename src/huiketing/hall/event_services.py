"""Writes on events, courses and festival series: creating them (refused in a venue's closures), a course's
term with its sessions, the yearly events of a festival series, registering through the bookings, performers
and their programme, gallery photos and a course's attendance per session."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huiketing.core.audit import audit_record

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


@transaction.atomic
def event_cancel(*, by, event: Event, reason: str = "") -> Event:
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.is_cancelled:
        raise ValidationError({"is_cancelled": _("This event is already cancelled.")})
    event.is_cancelled = True
    event.save(update_fields=["is_cancelled"])
    audit_record(actor=by, action="hall.event.cancelled", obj=event, reason=reason)
    return event


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
    for series in EventSeries.objects.filter(festival__isnull=False, is_active=True).select_related(
        "festival", "venue", "zone"
    ):
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
