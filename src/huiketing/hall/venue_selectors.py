"""Reads of the living rooms: the public list and page of a venue, the catalogue of service items, and the
staff's venues (scoped with `scope_q`: missing and out of scope are the same 404).

Every list reads a fixed number of queries whatever the number of venues, zones, items or events.
"""

import datetime
from collections import defaultdict

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from huiketing.core.i18n import pick
from huiketing.core.scope import scope_q
from huiketing.core.workdays import CHINA
from huiketing.people.models import COMMUNITY_AND_ABOVE, REGISTRY_ROLES
from huiketing.places.models import Level, Place

from .event_models import Event
from .models import Closure, ServiceItem, Venue, Zone

UPCOMING_CLOSURES = 5


def _venues():
    return Venue.objects.select_related("service_point")


def communities() -> list[tuple[str, str]]:
    """(code, name) of every community, for the filters."""
    rows = Place.objects.filter(level=Level.COMMUNITY).order_by("code").values_list("code", "names")
    return [(code, pick(names) or code) for code, names in rows]


def place_names(codes) -> dict[str, str]:
    """The name of the community of each place code (one query)."""
    wanted = {code[:12] for code in codes if code}
    rows = Place.objects.filter(code__in=wanted).values_list("code", "names")
    names = {code: pick(value) or code for code, value in rows}
    return {code: names.get(code[:12], "") for code in codes if code}


# Public -----------------------------------------------------------------------------------------------------


def venues_public(*, filters: dict | None = None):
    """Venues open to the public, with their number of zones and of items offered; by community, by kind
    and the demonstration sites only."""
    filters = filters or {}
    qs = _venues().filter(is_active=True)
    if community := filters.get("community"):
        qs = qs.filter(place_code__startswith=community)
    if kind := filters.get("kind"):
        qs = qs.filter(service_point__kind=kind)
    if filters.get("demonstration"):
        qs = qs.filter(is_demonstration_site=True)
    return qs.annotate(
        zone_count=Count("zones", distinct=True),
        item_count=Count("items", filter=Q(items__is_active=True), distinct=True),
    ).order_by("place_code", "id")


def venue_get_public(*, venue_id: int) -> Venue:
    venue = (
        _venues()
        .filter(pk=venue_id, is_active=True)
        .prefetch_related(
            "zones",
            "photos",
            Prefetch(
                "items",
                queryset=ServiceItem.objects.filter(is_active=True)
                .select_related("zone")
                .order_by("category", "position", "id"),
                to_attr="active_items",
            ),
        )
        .first()
    )
    if venue is None:
        raise Http404
    return venue


def closures_coming(*, venue: Venue, now: datetime.datetime | None = None, limit: int = UPCOMING_CLOSURES):
    now = now or timezone.now()
    return list(
        Closure.objects.filter(venue=venue, ends_at__gt=now)
        .select_related("zone")
        .order_by("starts_at", "id")[:limit]
    )


def week_bounds(
    now: datetime.datetime | None = None,
) -> tuple[datetime.datetime, datetime.datetime, datetime.datetime]:
    """(start of today, end of today, end of the seventh day), Beijing time."""
    now = timezone.localtime(now or timezone.now(), CHINA)
    start = datetime.datetime.combine(now.date(), datetime.time(), CHINA)
    return start, start + datetime.timedelta(days=1), start + datetime.timedelta(days=7)


def events_coming(
    *, venue: Venue | None = None, within: str = "", now: datetime.datetime | None = None, limit: int = 20
):
    """Events not cancelled that are on today or in the coming six days (today's first), of a venue or of the
    venues of a place."""
    now = now or timezone.now()
    start, _end_today, end_week = week_bounds(now)
    qs = Event.objects.filter(
        is_cancelled=False, ends_at__gt=max(start, now - datetime.timedelta(hours=12)), starts_at__lt=end_week
    )
    qs = qs.filter(ends_at__gt=now)
    if venue is not None:
        qs = qs.filter(venue=venue)
    elif within:
        qs = qs.filter(place_code__startswith=within)
    qs = qs.filter(venue__is_active=True)
    events = list(qs.select_related("venue__service_point", "zone").order_by("starts_at", "id")[:limit])
    for event in events:
        event.title_text = pick(event.titles)
    return events


def split_today(events, now: datetime.datetime | None = None) -> tuple[list, list]:
    """(today's events, the rest of the week's)."""
    _start, end_today, _end = week_bounds(now)
    return [e for e in events if e.starts_at < end_today], [e for e in events if e.starts_at >= end_today]


def items_by_category(items) -> list[tuple[str, list[ServiceItem]]]:
    """Items grouped by their category, in the order of the categories."""
    groups: dict[str, list] = defaultdict(list)
    labels = {}
    for item in items:
        groups[item.category].append(item)
        labels[item.category] = item.get_category_display()
    return [(labels[key], groups[key]) for key in groups]


def items_public(*, filters: dict | None = None):
    """The catalogue across venues: items offered in venues open to the public; by venue, category, audience
    and community."""
    filters = filters or {}
    qs = ServiceItem.objects.filter(is_active=True, venue__is_active=True).select_related(
        "venue__service_point", "zone"
    )
    if venue := filters.get("venue"):
        qs = qs.filter(venue_id=venue)
    if category := filters.get("category"):
        qs = qs.filter(category=category)
    if audience := filters.get("audience"):
        # JSON containment is not on SQLite: the audience codes are plain words, matched inside the list.
        qs = qs.filter(Q(audiences__icontains=f'"{audience}"') | Q(audiences__icontains='"everyone"'))
    if community := filters.get("community"):
        qs = qs.filter(venue__place_code__startswith=community)
    if filters.get("bookable"):
        qs = qs.filter(needs_booking=True)
    return qs.order_by("venue__place_code", "venue_id", "position", "id")


def item_get_public(*, item_id: int) -> ServiceItem:
    item = (
        ServiceItem.objects.filter(pk=item_id, is_active=True, venue__is_active=True)
        .select_related("venue__service_point", "zone", "provider")
        .prefetch_related("components")
        .first()
    )
    if item is None:
        raise Http404
    return item


def venue_choices() -> list[tuple[int, str]]:
    return [(venue.pk, venue.name) for venue in _venues().filter(is_active=True)]


# Staff ------------------------------------------------------------------------------------------------------


def venues_for_staff(*, user, filters: dict | None = None):
    filters = filters or {}
    qs = _venues().filter(scope_q(user, roles=REGISTRY_ROLES))
    if community := filters.get("community"):
        qs = qs.filter(place_code__startswith=community)
    return qs.annotate(
        zone_count=Count("zones", distinct=True),
        item_count=Count("items", distinct=True),
        closure_count=Count("closures", filter=Q(closures__ends_at__gt=timezone.now()), distinct=True),
    ).order_by("place_code", "id")


def venue_get_for_staff(*, user, venue_id: int, manage: bool = False) -> Venue:
    """A venue the user covers (for managing it: community staff and above); otherwise 404."""
    roles = COMMUNITY_AND_ABOVE if manage else REGISTRY_ROLES
    venue = (
        _venues()
        .filter(scope_q(user, roles=roles), pk=venue_id)
        .prefetch_related(
            "zones",
            Prefetch(
                "items", queryset=ServiceItem.objects.select_related("zone").prefetch_related("components")
            ),
        )
        .first()
    )
    if venue is None:
        raise Http404
    return venue


def zone_of(venue: Venue, zone_id: int) -> Zone:
    zone = Zone.objects.filter(venue=venue, pk=zone_id).first()
    if zone is None:
        raise Http404
    return zone


def closure_of(venue: Venue, closure_id: int) -> Closure:
    closure = Closure.objects.filter(venue=venue, pk=closure_id).select_related("venue").first()
    if closure is None:
        raise Http404
    return closure


def item_of(venue: Venue, item_id: int) -> ServiceItem:
    item = ServiceItem.objects.filter(venue=venue, pk=item_id).prefetch_related("components").first()
    if item is None:
        raise Http404
    return item


def venue_get_for_photos(*, user, venue_id: int) -> Venue:
    """A venue whose photos the user manages (community staff and above covering its place), with its
    photos in order; otherwise 404."""
    venue = (
        _venues()
        .filter(scope_q(user, roles=COMMUNITY_AND_ABOVE), pk=venue_id)
        .prefetch_related("photos")
        .first()
    )
    if venue is None:
        raise Http404
    return venue
