"""Bookings: creating slots, booking, the waiting list, cancelling, packages, attendance and reminders.

A place is taken only under the slot's row lock: `booking_make` locks the slot, compares `taken` with the
capacity and raises `taken` with an F() update in the same transaction, and the check constraint on the slot
refuses anything past the capacity even if a path forgot the lock. A booking that does not fit joins the
waiting list (in `waiting_since` order), or is refused with "fully booked" when the slot has no waiting list.
A cancellation frees the places and promotes the first waiting bookings that fit, in the same transaction.

Other parts of the app (events and courses) register people through `booking_make` and `booking_cancel` on
the slot of their event or course term (`Slot.event` / `Slot.series`); `slot_create` makes that slot.
"""

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huiketing.core.audit import audit_record
from huiketing.core.db import writer_turn
from huiketing.core.i18n import pick
from huiketing.core.notifications import notification_kind_register, notify
from huiketing.people.models import Organisation, Resident, Role, User

from .booking_models import ACTIVE_STATUSES, Booking, BookingStatus, Slot
from .models import ServiceItem, Venue, Zone

__all__ = [
    "BOOKING_TRANSITIONS",
    "REMIND_BEFORE",
    "BookingRefused",
    "BookingStateError",
    "attendance_mark",
    "booking_cancel",
    "booking_for_resident",
    "booking_make",
    "package_book",
    "reminders_send",
    "slot_create",
    "slot_label",
]

# action → (statuses it is allowed from, status it leads to)
BOOKING_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "cancel": (frozenset(ACTIVE_STATUSES), BookingStatus.CANCELLED),
    "promote": (frozenset({BookingStatus.WAITING}), BookingStatus.CONFIRMED),
    "attend": (
        frozenset({BookingStatus.CONFIRMED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW}),
        BookingStatus.ATTENDED,
    ),
    "no_show": (
        frozenset({BookingStatus.CONFIRMED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW}),
        BookingStatus.NO_SHOW,
    ),
}

# A confirmed booking is reminded the day before and again two hours before its start.
REMIND_BEFORE = (timedelta(hours=24), timedelta(hours=2))
MAX_PARTY_SIZE = 200


class BookingRefused(ValidationError):
    """A booking that cannot be made: the slot is full, has started, or the person already holds it."""


class BookingStateError(ValidationError):
    """A change the booking's status does not allow, or one that is too late."""


for _kind, _title, _body in [
    (
        "hall.booking_promoted",
        gettext_lazy("A place became free for you"),
        gettext_lazy(
            "You moved up from the waiting list: your place for “%(what)s” on %(when)s is confirmed."
        ),
    ),
    (
        "hall.booking_reminder",
        gettext_lazy("Reminder of your booking"),
        gettext_lazy("You have booked “%(what)s” on %(when)s at %(venue)s."),
    ),
    (
        "hall.booking_made_for_you",
        gettext_lazy("A booking was made for you"),
        gettext_lazy("Staff booked “%(what)s” on %(when)s at %(venue)s for you (%(status)s)."),
    ),
    (
        "hall.booking_cancelled_by_staff",
        gettext_lazy("Your booking was cancelled"),
        gettext_lazy("Staff cancelled your booking of “%(what)s” on %(when)s."),
    ),
]:
    notification_kind_register(_kind, title=_title, body=_body)


# Helpers ------------------------------------------------------------------------------------------------


def _actor(by) -> User | None:
    return by if by is not None and getattr(by, "is_authenticated", False) else None


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def slot_lock(slot: Slot | int) -> Slot:
    """The slot read again with its row locked (inside the caller's transaction): every change to its places
    and bookings goes through this lock, events' and courses' included."""
    pk = slot.pk if isinstance(slot, Slot) else slot
    return (
        Slot.objects.select_for_update(of=("self",))
        .select_related("venue__service_point", "zone", "item", "event", "series")
        .get(pk=pk)
    )


def _is_staff_for(by, slot: Slot) -> bool:
    return bool(
        by is not None
        and getattr(by, "is_authenticated", False)
        and by.has_perm("hall.book_for_resident", slot)
    )


def _may_book_for(by, organisation: Organisation, place) -> bool:
    """Who books in an organisation's name: its own accounts, a party member for an organisation of the
    community they are registered in (party branches hold no accounts of their own), or the staff serving
    the venue for an organisation of the venue's community."""
    from huiketing.core.scope import EVERYTHING, organisation_ids, role_codes

    if organisation.pk in organisation_ids(by):
        return True
    community = organisation.place_code[:12]
    if community and any(
        code and code[:12] == community for code in role_codes(by, roles=[Role.PARTY_MEMBER])
    ):
        return True
    return by.has_perm("hall.book_for_resident", place) and (
        community == place.place_code[:12] or EVERYTHING in role_codes(by)
    )


def slot_label(slot: Slot) -> str:
    """What a slot is for, in the reader's language: the item, room, event or course."""
    for thing in (slot.item, slot.zone):
        if thing is not None:
            return str(thing)
    if slot.event_id:
        event = slot.event
        return pick(getattr(event, "titles", None) or getattr(event, "names", None) or {}) or str(event)
    if slot.series_id:
        series = slot.series
        return pick(getattr(series, "titles", None) or getattr(series, "names", None) or {}) or str(series)
    return ""


def _params(slot: Slot) -> dict:
    return {
        "what": slot_label(slot)[:80],
        "when": timezone.localtime(slot.starts_at).strftime("%Y-%m-%d %H:%M"),
        "venue": slot.venue.name[:80],
    }


def _link() -> str:
    return reverse("hall:booking-list")


def _check(booking: Booking, action: str) -> str:
    allowed_from, target = BOOKING_TRANSITIONS[action]
    if booking.status not in allowed_from:
        raise BookingStateError(
            _("This cannot be done to a booking that is “%(status)s”.")
            % {"status": booking.get_status_display()}
        )
    return target


def booking_recipients(booking: Booking) -> list[User]:
    """The accounts told of a booking: its own, else its resident's."""
    if booking.user_id:
        return [booking.user]
    if booking.resident_id and booking.resident.account_id:
        return [booking.resident.account]
    return []


def _tell(booking: Booking, slot: Slot, kind: str, now: datetime) -> bool:
    """Tell the booking's holder of it (a `kind` of notification about the slot); whether anyone was told."""
    recipients = booking_recipients(booking)
    if recipients:
        notify(recipients=recipients, kind=kind, params=_params(slot), link=_link(), obj=booking, now=now)
    return bool(recipients)


# Slots --------------------------------------------------------------------------------------------------


def _open_during(venue: Venue, starts_at: datetime, ends_at: datetime, zone: Zone | None) -> tuple[bool, str]:
    from huiketing.hall import venue_services

    return venue_services.venue_open_during(venue, starts_at, ends_at, zone=zone)


@transaction.atomic
def slot_create(
    *,
    by: User | None,
    venue: Venue,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    zone: Zone | None = None,
    item: ServiceItem | None = None,
    event=None,
    series=None,
    cancel_hours: int = 2,
    waiting_list: bool = True,
) -> Slot:
    """Offer places at a time for one room (zone), service item, event or course term of a venue. Refused when
    the venue (or the room) is closed then, or when the capacity does not fit the room."""
    things = [t for t in (zone, item, event, series) if t is not None]
    if len(things) != 1:
        raise _invalid("zone", _("Choose exactly one room, service item, event or course."))
    if zone is not None and zone.venue_id != venue.pk:
        raise _invalid("zone", _("This room belongs to another living room."))
    if item is not None and item.venue_id != venue.pk:
        raise _invalid("item", _("This service item belongs to another living room."))
    if starts_at is None or ends_at is None or timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise _invalid("starts_at", _("Give the start and end with a date and a time."))
    if ends_at <= starts_at:
        raise _invalid("ends_at", _("The end must come after the start."))
    room = zone or (item.zone if item is not None else None)
    if not isinstance(capacity, int) or capacity < 1:
        raise _invalid("capacity", _("Offer at least one place."))
    if room is not None and capacity > room.capacity:
        raise _invalid(
            "capacity",
            _("The room “%(room)s” holds at most %(n)d people.") % {"room": str(room), "n": room.capacity},
        )
    if not isinstance(cancel_hours, int) or not 0 <= cancel_hours <= 24 * 30:
        raise _invalid("cancel_hours", _("Give the cancellation limit in hours, from 0 to 720."))
    is_open, reason = _open_during(venue, starts_at, ends_at, room)
    if not is_open:
        raise _invalid("starts_at", reason or _("The living room is closed at that time."))
    slot = Slot.objects.create(
        venue=venue,
        place_code=venue.place_code,
        zone=zone,
        item=item,
        event=event,
        series=series,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        cancel_hours=cancel_hours,
        waiting_list=waiting_list,
        is_demo=venue.is_demo,
    )
    audit_record(
        actor=_actor(by),
        action="hall.slot_create",
        obj=slot,
        place_code=slot.place_code,
        changes={
            "starts_at": [None, starts_at.isoformat()],
            "ends_at": [None, ends_at.isoformat()],
            "capacity": [None, capacity],
            "cancel_hours": [None, cancel_hours],
            "waiting_list": [None, waiting_list],
        },
    )
    return slot


# Booking ------------------------------------------------------------------------------------------------


def _already_message(*, for_self: bool) -> str:
    if for_self:
        return _("You have already booked this time or are on its waiting list.")
    return _("This person has already booked this time or is on its waiting list.")


def _book(
    *,
    by: User | None,
    slot: Slot,
    resident: Resident | None,
    user: User | None,
    organisation: Organisation | None,
    party_size: int,
    note: str,
    now: datetime,
    booked_by: User | None,
    package: ServiceItem | None = None,
    group: uuid.UUID | None = None,
    allow_waiting: bool = True,
) -> Booking:
    """Book under the slot's lock, which the caller holds (the slot passed in is the locked row)."""
    for_self = booked_by is None
    if not isinstance(party_size, int) or not 1 <= party_size <= MAX_PARTY_SIZE:
        raise _invalid("party_size", _("Give the number of people, from 1 to %(n)d.") % {"n": MAX_PARTY_SIZE})
    if len(note) > 200:
        raise _invalid("note", _("Keep the note under 200 characters."))
    if slot.starts_at <= now:
        raise BookingRefused(_("This time has already started; it can no longer be booked."))
    if not slot.venue.is_active:
        raise BookingRefused(_("This living room is not open to the public."))
    holder = Q()
    if resident is not None:
        holder |= Q(resident=resident)
    if user is not None:
        holder |= Q(user=user)
    if holder and Booking.objects.filter(holder, slot=slot, status__in=ACTIVE_STATUSES).exists():
        raise BookingRefused(_already_message(for_self=for_self))
    if slot.taken + party_size <= slot.capacity:
        status = BookingStatus.CONFIRMED
    elif slot.waiting_list and allow_waiting:
        if party_size > slot.capacity:
            raise _invalid("party_size", _("This time has only %(n)d places in all.") % {"n": slot.capacity})
        status = BookingStatus.WAITING
    else:
        raise BookingRefused(_("This time is fully booked."))
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                slot=slot,
                resident=resident,
                user=user,
                organisation=organisation,
                party_size=party_size,
                status=status,
                waiting_since=now if status == BookingStatus.WAITING else None,
                package=package,
                group=group,
                booked_by=booked_by,
                note=note,
            )
    except IntegrityError:
        raise BookingRefused(_already_message(for_self=for_self)) from None
    if status == BookingStatus.CONFIRMED:
        Slot.objects.filter(pk=slot.pk).update(taken=F("taken") + party_size)
        slot.taken += party_size
    audit_record(
        actor=_actor(by),
        action="hall.booking_make",
        obj=booking,
        place_code=slot.place_code,
        changes={
            "slot": [None, slot.pk],
            "status": [None, status],
            "party_size": [None, party_size],
            "resident": [None, resident.pk if resident else None],
            "organisation": [None, organisation.pk if organisation else None],
        },
        reason=_("Booked on the person's behalf.") if booked_by is not None else "",
    )
    return booking


def booking_make(
    *,
    by: User,
    slot: Slot,
    resident: Resident | None = None,
    party_size: int = 1,
    organisation: Organisation | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Booking:
    """Book a place for the signed-in person (their registry record, if their account is verified), or put
    them on the waiting list when the slot is full. Raises BookingRefused with a clear message otherwise."""
    now = now or timezone.now()
    if not getattr(by, "is_authenticated", False):
        raise BookingRefused(_("Sign in to book."))
    own = Resident.objects.filter(account=by).first()
    if resident is not None and (own is None or resident.pk != own.pk):
        if by.has_perm("hall.book_for_resident", slot):
            return booking_for_resident(
                by=by, slot=slot, resident=resident, party_size=party_size, note=note, now=now
            )
        raise _invalid("resident", _("You can book only for yourself; staff can book for a resident."))
    resident = own
    if organisation is not None and not _may_book_for(by, organisation, slot):
        raise _invalid("organisation", _("You cannot book for this organisation."))
    with writer_turn(), transaction.atomic():
        locked = slot_lock(slot)
        booking = _book(
            by=by,
            slot=locked,
            resident=resident,
            user=by,
            organisation=organisation,
            party_size=party_size,
            note=note,
            now=now,
            booked_by=None,
        )
    slot.taken = locked.taken
    return booking


def booking_for_resident(
    *,
    by: User,
    slot: Slot,
    resident: Resident,
    party_size: int = 1,
    note: str = "",
    now: datetime | None = None,
) -> Booking:
    """Staff book on a resident's behalf (assisted mode, for someone who does not use a phone): the booking
    records who made it, the audit entry says so, and the resident's account (if any) is told."""
    now = now or timezone.now()
    if not by.has_perm("hall.book_for_resident", slot) or not by.has_perm("hall.book_for_resident", resident):
        raise _invalid("resident", _("This resident is not in a place you serve."))
    with writer_turn(), transaction.atomic():
        locked = slot_lock(slot)
        booking = _book(
            by=by,
            slot=locked,
            resident=resident,
            user=resident.account if resident.account_id else None,
            organisation=None,
            party_size=party_size,
            note=note,
            now=now,
            booked_by=by,
        )
        if resident.account_id:
            notify(
                recipients=[resident.account],
                kind="hall.booking_made_for_you",
                params={**_params(locked), "status": str(booking.get_status_display())},
                link=_link(),
                obj=booking,
                now=now,
            )
    slot.taken = locked.taken
    return booking


def waiting_list_promote(slot: Slot, *, by, now: datetime) -> list[Booking]:
    """Confirm the first waiting bookings that fit into the free places, in the order they joined."""
    promoted = []
    free = slot.capacity - slot.taken
    if free <= 0:
        return promoted
    waiting = Booking.objects.select_for_update(of=("self",)).filter(slot=slot, status=BookingStatus.WAITING)
    for booking in waiting.select_related("user", "resident__account").order_by("waiting_since", "id"):
        if booking.party_size > free:
            continue
        target = _check(booking, "promote")
        booking.status = target
        booking.save(update_fields=["status", "updated_at"])
        Slot.objects.filter(pk=slot.pk).update(taken=F("taken") + booking.party_size)
        slot.taken += booking.party_size
        free -= booking.party_size
        audit_record(
            actor=_actor(by),
            action="hall.booking_promote",
            obj=booking,
            place_code=slot.place_code,
            changes={"status": [BookingStatus.WAITING, target]},
        )
        _tell(booking, slot, "hall.booking_promoted", now)
        promoted.append(booking)
        if free <= 0:
            break
    return promoted


def booking_cancel(*, by: User, booking: Booking, now: datetime | None = None) -> Booking:
    """Cancel a booking or leave the waiting list. A resident cannot cancel a confirmed place later than the
    slot's limit (staff still can); the freed places go to the first waiting bookings that fit."""
    now = now or timezone.now()
    with writer_turn(), transaction.atomic():
        slot = slot_lock(booking.slot_id)
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("user", "resident__account")
            .get(pk=booking.pk)
        )
        staff = _is_staff_for(by, slot)
        own = booking.user_id == getattr(by, "pk", None) or (
            booking.resident_id is not None and booking.resident.account_id == getattr(by, "pk", None)
        )
        if not own and not staff:
            raise BookingStateError(_("You can cancel only your own bookings."))
        target = _check(booking, "cancel")
        if not staff and booking.status == BookingStatus.CONFIRMED:
            if slot.starts_at <= now:
                raise BookingStateError(_("This time has already started; it can no longer be cancelled."))
            limit = slot.starts_at - timedelta(hours=slot.cancel_hours)
            if now > limit:
                raise BookingStateError(
                    _(
                        "Bookings of this time can be cancelled only until %(hours)d hours before the "
                        "start. Ask the living room's staff."
                    )
                    % {"hours": slot.cancel_hours}
                )
        before = booking.status
        booking.status = target
        booking.save(update_fields=["status", "updated_at"])
        if before == BookingStatus.CONFIRMED:
            Slot.objects.filter(pk=slot.pk).update(taken=F("taken") - booking.party_size)
            slot.taken -= booking.party_size
        audit_record(
            actor=_actor(by),
            action="hall.booking_cancel",
            obj=booking,
            place_code=slot.place_code,
            changes={"status": [before, target]},
            reason="" if own else _("Cancelled by staff."),
        )
        if not own:
            _tell(booking, slot, "hall.booking_cancelled_by_staff", now)
        if before == BookingStatus.CONFIRMED:
            waiting_list_promote(slot, by=by, now=now)
    return booking


# Packages -----------------------------------------------------------------------------------------------


def _package_parts(package: ServiceItem) -> list[tuple[str, Q]]:
    """(name, filter for its slot) for each part of a package, as the package page lists them."""
    from .package_selectors import package_parts

    return [(name, Q(**{f"{kind}_id": pk})) for name, kind, pk in package_parts(package)]


def package_book(
    *,
    by: User,
    package: ServiceItem,
    starts_at: datetime,
    organisation: Organisation | None = None,
    resident: Resident | None = None,
    party_size: int = 1,
    note: str = "",
    now: datetime | None = None,
) -> list[Booking]:
    """Book every part of a package (a theme party-day: the screening, a room, the guide) for the time it
    starts, together: one booking per part with the same group, all or none. A part that has no slot then,
    or is full, is named in the refusal."""
    now = now or timezone.now()
    if not package.is_package:
        raise _invalid("package", _("This service item is not a package."))
    if organisation is None and resident is None:
        own = Resident.objects.filter(account=by).first()
        if own is None:
            raise _invalid("organisation", _("Choose the organisation the package is booked for."))
        resident = own
    if organisation is not None and not _may_book_for(by, organisation, package.venue):
        raise _invalid("organisation", _("You cannot book for this organisation."))
    if (
        resident is not None
        and resident.account_id != by.pk
        and not by.has_perm("hall.book_for_resident", resident)
    ):
        raise _invalid("resident", _("This resident is not in a place you serve."))
    parts = _package_parts(package)
    if not parts:
        raise _invalid("package", _("This package has no parts to book."))
    found = []
    for name, query in parts:
        # Read in this process's writer turn too: SQLite's shared cache refuses to read a table another
        # thread is writing ("table is locked") instead of waiting.
        with writer_turn():
            slot = (
                Slot.objects.filter(
                    query, venue=package.venue, starts_at__lte=starts_at, ends_at__gt=starts_at
                )
                .order_by("starts_at", "id")
                .first()
            )
        if slot is None:
            raise BookingRefused(
                _("“%(part)s” of the package has no time at %(when)s.")
                % {"part": name, "when": timezone.localtime(starts_at).strftime("%Y-%m-%d %H:%M")}
            )
        found.append((name, slot))
    group = uuid.uuid4()
    bookings = []
    with writer_turn(), transaction.atomic():
        locked = {
            s.pk: slot_lock(s) for s in sorted({s.pk: s for _n, s in found}.values(), key=lambda s: s.pk)
        }
        for name, slot in found:
            try:
                with transaction.atomic():
                    booking = _book(
                        by=by,
                        slot=locked[slot.pk],
                        resident=resident,
                        user=by if resident is None or resident.account_id == by.pk else resident.account,
                        organisation=organisation,
                        party_size=party_size,
                        note=note,
                        now=now,
                        booked_by=None if resident is None or resident.account_id == by.pk else by,
                        package=package,
                        group=group,
                        allow_waiting=False,
                    )
            except BookingRefused as error:
                raise BookingRefused(
                    _("“%(part)s” of the package: %(reason)s")
                    % {"part": name, "reason": " ".join(error.messages)}
                ) from None
            bookings.append(booking)
        audit_record(
            actor=_actor(by),
            action="hall.package_book",
            obj=package,
            place_code=package.venue.place_code,
            changes={"group": [None, str(group)], "bookings": [None, [b.pk for b in bookings]]},
        )
    return bookings


# Attendance and reminders -------------------------------------------------------------------------------


@transaction.atomic
def attendance_mark(*, by: User, booking: Booking, attended: bool, now: datetime | None = None) -> Booking:
    """Staff mark whether a confirmed booking's person came (after the start; a mark can be corrected)."""
    now = now or timezone.now()
    booking = Booking.objects.select_for_update(of=("self",)).select_related("slot").get(pk=booking.pk)
    if not _is_staff_for(by, booking.slot):
        raise BookingStateError(_("Only the living room's staff can mark attendance."))
    if booking.slot.starts_at > now:
        raise BookingStateError(_("Attendance can be marked only once the time has started."))
    target = _check(booking, "attend" if attended else "no_show")
    before = booking.status
    if before != target:
        booking.status = target
        booking.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=_actor(by),
            action="hall.attendance_mark",
            obj=booking,
            place_code=booking.slot.place_code,
            changes={"status": [before, target]},
        )
    return booking


def reminders_send(*, now: datetime | None = None) -> int:
    """Remind each confirmed booking once the day before its start and once two hours before. `reminded_at`
    records the last reminder: a booking is due when a reminder moment has passed since then (or since it
    was made). Returns how many reminders went out."""
    now = now or timezone.now()
    sent = 0
    horizon = now + max(REMIND_BEFORE)
    candidates = Booking.objects.filter(
        status=BookingStatus.CONFIRMED, slot__starts_at__gt=now, slot__starts_at__lte=horizon
    ).values_list("pk", flat=True)
    for pk in list(candidates):
        with transaction.atomic():
            booking = (
                Booking.objects.select_for_update(of=("self",))
                .select_related("slot__venue__service_point", "slot__item", "slot__zone", "user")
                .select_related("resident__account")
                .get(pk=pk)
            )
            if booking.status != BookingStatus.CONFIRMED:
                continue
            starts = booking.slot.starts_at
            due = [starts - before for before in REMIND_BEFORE if starts - before <= now]
            if not due:
                continue
            moment = max(due)
            last = booking.reminded_at or booking.created_at
            if last >= moment:
                continue
            booking.reminded_at = now
            booking.save(update_fields=["reminded_at"])
            if _tell(booking, booking.slot, "hall.booking_reminder", now):
                sent += 1
            audit_record(
                actor=None,
                action="hall.booking_remind",
                obj=booking,
                place_code=booking.slot.place_code,
                changes={"reminded_at": [None, now.isoformat()]},
            )
    return sent


def bookings_of_group(group: uuid.UUID) -> Sequence[Booking]:
    return list(Booking.objects.filter(group=group).order_by("id"))
