"""Reads for booking a package (a service item bundling other items and a room, such as the theme party-day:
a screening, the activity room and a guide): the package itself, the start times at which every part has a
slot with room, and the organisations the reader may book it for.

The start times follow `booking_services.package_book` exactly: at a time `t`, each part takes its earliest
slot that covers `t`, which must not have started yet and must have room for the party. They are computed
from one query of slots, so the number of queries does not grow with the number of slots."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from huiketing.core.scope import organisation_ids, role_codes, role_set
from huiketing.people.models import Organisation, Resident, Role

from .booking_models import Slot
from .models import ServiceItem

# How far ahead start times are offered (as the booking pages offer slots).
PACKAGE_DAYS = 14
ORGANISATION_CHOICES = 200


@dataclass
class PackagePart:
    name: str
    slot: Slot

    @property
    def free_places(self) -> int:
        return max(self.slot.capacity - self.slot.taken, 0)


@dataclass
class PackageTime:
    """A start time at which every part of the package has a slot with room."""

    starts_at: datetime
    parts: list[PackagePart] = field(default_factory=list)

    @property
    def value(self) -> str:
        """The start as the booking form sends it back (ISO 8601, Beijing time)."""
        return timezone.localtime(self.starts_at).isoformat()

    @property
    def ends_at(self) -> datetime:
        return max(part.slot.ends_at for part in self.parts)

    @property
    def free_places(self) -> int:
        """The largest party every part still has room for."""
        return min(part.free_places for part in self.parts)


def package_get_bookable(*, package_id) -> ServiceItem:
    """An offered package of an open living room, with its parts; anything else looks missing."""
    package = (
        ServiceItem.objects.select_related("venue__service_point", "zone")
        .prefetch_related("components")
        .filter(pk=package_id, is_package=True, is_active=True, venue__is_active=True)
        .first()
        if str(package_id).isdigit()
        else None
    )
    if package is None:
        raise Http404
    return package


def package_parts(package: ServiceItem) -> list[tuple[str, str, int]]:
    """(name, "item" or "zone", id) of each part, in the order `package_book` books them."""
    parts = [(str(component), "item", component.pk) for component in package.components.all()]
    if package.zone_id:
        parts.append((str(package.zone), "zone", package.zone_id))
    return parts


def package_times(
    *, package: ServiceItem, party_size: int = 1, now: datetime | None = None
) -> list[PackageTime]:
    """The start times (not yet begun, in the next two weeks) at which every part of the package has a slot
    with room for `party_size`, soonest first."""
    now = now or timezone.now()
    parts = package_parts(package)
    if not parts:
        return []
    horizon = now + timedelta(days=PACKAGE_DAYS)
    items = [pk for _name, kind, pk in parts if kind == "item"]
    wanted = Q(item_id__in=items) if items else Q(pk__in=[])
    if package.zone_id:
        wanted |= Q(zone_id=package.zone_id)
    slots = list(
        Slot.objects.filter(wanted, venue_id=package.venue_id, ends_at__gt=now, starts_at__lte=horizon)
        .select_related("item", "zone")
        .order_by("starts_at", "id")
    )
    by_part: dict[tuple[str, int], list[Slot]] = {}
    for slot in slots:
        key = ("item", slot.item_id) if slot.item_id else ("zone", slot.zone_id)
        by_part.setdefault(key, []).append(slot)
    starts = sorted({slot.starts_at for slot in slots if slot.starts_at > now})
    times = []
    for start in starts:
        chosen = []
        for name, kind, pk in parts:
            # The earliest slot of the part covering the start, as package_book takes it.
            slot = next((s for s in by_part.get((kind, pk), []) if s.starts_at <= start < s.ends_at), None)
            if slot is None or slot.starts_at <= now or slot.capacity - slot.taken < party_size:
                break
            chosen.append(PackagePart(name=name, slot=slot))
        else:
            times.append(PackageTime(starts_at=start, parts=chosen))
    return times


def organisations_for_booking(*, user, package: ServiceItem) -> list[Organisation]:
    """The organisations the reader may book the package for (as `booking_services._may_book_for` allows):
    the organisations their own accounts act for; for a party member, the organisations of the communities
    they are registered in (party branches hold no accounts of their own); for the staff serving the
    venue, the organisations of the venue's community."""
    if not getattr(user, "is_authenticated", False):
        return []
    wanted = Q(pk__in=organisation_ids(user))
    prefixes = set()
    if Role.PARTY_MEMBER in role_set(user):
        prefixes |= {code[:12] for code in role_codes(user, roles=[Role.PARTY_MEMBER])}
    if user.has_perm("hall.book_for_resident", package.venue):
        prefixes.add(package.venue.place_code[:12])
    for prefix in prefixes:
        wanted |= Q(place_code__startswith=prefix)
    return list(Organisation.objects.filter(wanted).order_by("kind", "id")[:ORGANISATION_CHOICES])


def organisation_for_booking(*, user, package: ServiceItem, organisation_id) -> Organisation | None:
    """The organisation of that id if the reader may book the package for it, else None."""
    if not str(organisation_id).isdigit():
        return None
    wanted = int(organisation_id)
    return next(
        (org for org in organisations_for_booking(user=user, package=package) if org.pk == wanted), None
    )


def has_own_record(*, user) -> bool:
    """Whether the reader has a record in the residents registry, so can book a package for themselves."""
    return getattr(user, "is_authenticated", False) and Resident.objects.filter(account=user).exists()
