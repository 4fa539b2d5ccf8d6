"""Reads of bookings: the slots open for booking with their free places, a person's own bookings with their
place on the waiting list, and a venue's day for the staff serving it (scoped: another place's venue or
someone else's booking looks missing). Each list is a fixed number of queries whatever its length."""

from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from huiketing.core.scope import scope_q
from huiketing.people.models import REGISTRY_ROLES, Resident

from .booking_models import ACTIVE_STATUSES, Booking, BookingStatus, Slot
from .models import ServiceItem, Venue, Zone

SLOT_DAYS = 14
RESIDENT_MATCHES = 20


def _slots(qs: QuerySet) -> QuerySet:
    return qs.select_related("venue__service_point", "zone", "item").annotate(
        waiting_count=Count("bookings", filter=Q(bookings__status=BookingStatus.WAITING)),
        free_places=F("capacity") - F("taken"),
    )


def waiting_counts(slots) -> dict[int, int]:
    """People on the waiting list of each of the slots, in one query (none for no slot)."""
    ids = {slot.pk for slot in slots if slot is not None}
    if not ids:
        return {}
    rows = (
        Booking.objects.filter(slot_id__in=ids, status=BookingStatus.WAITING)
        .order_by()
        .values("slot_id")
        .annotate(n=Count("id"))
    )
    return {row["slot_id"]: row["n"] for row in rows}


def slots_upcoming(
    *, venue: Venue | None = None, item: ServiceItem | None = None, zone: Zone | None = None, now=None
) -> QuerySet:
    """Slots not yet started (in the next two weeks) of open venues, with `waiting_count`."""
    now = now or timezone.now()
    qs = Slot.objects.filter(
        starts_at__gt=now, starts_at__lte=now + timedelta(days=SLOT_DAYS), venue__is_active=True
    )
    if venue is not None:
        qs = qs.filter(venue=venue)
    if item is not None:
        qs = qs.filter(item=item)
    if zone is not None:
        qs = qs.filter(zone=zone)
    return _slots(qs).order_by("starts_at", "id")


def item_get_bookable(*, item_id: int) -> ServiceItem:
    item = (
        ServiceItem.objects.select_related("venue__service_point")
        .filter(pk=item_id, is_active=True, venue__is_active=True)
        .first()
    )
    if item is None:
        raise Http404
    return item


def zone_get_bookable(*, zone_id: int) -> Zone:
    zone = (
        Zone.objects.select_related("venue__service_point")
        .filter(pk=zone_id, is_bookable=True, venue__is_active=True)
        .first()
    )
    if zone is None:
        raise Http404
    return zone


def slot_get_bookable(*, slot_id, item: ServiceItem | None = None, zone: Zone | None = None) -> Slot:
    qs = Slot.objects.select_related("venue__service_point", "zone", "item").filter(venue__is_active=True)
    if item is not None:
        qs = qs.filter(item=item)
    if zone is not None:
        qs = qs.filter(zone=zone)
    slot = qs.filter(pk=slot_id).first() if str(slot_id).isdigit() else None
    if slot is None:
        raise Http404
    return slot


def _own(user) -> Q:
    return Q(user=user) | Q(resident__account=user)


def bookings_of_user(*, user) -> QuerySet:
    """The person's bookings, newest slot first, with `waiting_position` (1 = next) for waiting ones."""
    ahead = (
        Booking.objects.filter(
            slot=OuterRef("slot"), status=BookingStatus.WAITING, waiting_since__lt=OuterRef("waiting_since")
        )
        .order_by()
        .values("slot")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        Booking.objects.filter(_own(user))
        .select_related(
            "slot__venue__service_point", "slot__zone", "slot__item", "slot__event", "slot__series"
        )
        .annotate(waiting_ahead=Subquery(ahead))
        .order_by("-slot__starts_at", "-id")
    )


def booking_get_own(*, user, booking_id: int) -> Booking:
    booking = Booking.objects.filter(_own(user), pk=booking_id).select_related("slot").first()
    if booking is None:
        raise Http404
    return booking


def venues_for_staff(*, user) -> QuerySet:
    return Venue.objects.filter(scope_q(user, roles=REGISTRY_ROLES)).select_related("service_point")


def venue_get_for_staff(*, user, venue_id) -> Venue:
    venue = venues_for_staff(user=user).filter(pk=venue_id).first() if str(venue_id).isdigit() else None
    if venue is None:
        raise Http404
    return venue


def venue_day(*, venue: Venue, day: date) -> list[Slot]:
    """A venue's slots of a day with their bookings (and the residents'), in two queries."""
    start = timezone.make_aware(datetime.combine(day, time()))
    from django.db.models import Prefetch

    bookings = Booking.objects.select_related("resident", "user", "organisation").order_by(
        F("waiting_since").asc(nulls_first=True), "id"
    )
    return list(
        _slots(
            Slot.objects.filter(venue=venue, starts_at__gte=start, starts_at__lt=start + timedelta(days=1))
        )
        .prefetch_related(Prefetch("bookings", queryset=bookings))
        .order_by("starts_at", "id")
    )


def booking_get_for_staff(*, user, booking_id) -> Booking:
    booking = (
        Booking.objects.filter(scope_q(user, field="slot__place_code", roles=REGISTRY_ROLES), pk=booking_id)
        .select_related("slot")
        .first()
        if str(booking_id).isdigit()
        else None
    )
    if booking is None:
        raise Http404
    return booking


def residents_by_name(*, user, name: str) -> list[Resident]:
    """Residents in the staff member's scope whose name contains `name` (a few at most)."""
    name = (name or "").strip()
    if not name:
        return []
    return list(
        Resident.objects.filter(
            scope_q(user, roles=REGISTRY_ROLES), full_name__icontains=name, status="active"
        ).order_by("full_name", "id")[:RESIDENT_MATCHES]
    )


def resident_get_for_staff(*, user, resident_id) -> Resident:
    resident = (
        Resident.objects.filter(scope_q(user, roles=REGISTRY_ROLES), pk=resident_id).first()
        if str(resident_id).isdigit()
        else None
    )
    if resident is None:
        raise Http404
    return resident


__all__ = [
    "ACTIVE_STATUSES",
    "booking_get_for_staff",
    "booking_get_own",
    "bookings_of_user",
    "item_get_bookable",
    "resident_get_for_staff",
    "residents_by_name",
    "slot_get_bookable",
    "slots_upcoming",
    "venue_day",
    "venue_get_for_staff",
    "venues_for_staff",
    "zone_get_bookable",
]
