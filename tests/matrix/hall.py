"""The permission matrix's part for hall (see tests/matrix/__init__.py)."""

REGISTRY: dict = {}
EXPECTED: dict = {}
RULE_OBJECTS: dict = {}


# Venues, zones, closures and items (venue_urls, venue_api_urls) ------------------------------------------


def _venue_objects(world, inside: bool):
    """(venue, zone, closure, item) in the grid in scope or out of it, made once per world and side."""
    from datetime import timedelta

    from django.utils import timezone

    from huiketing.hall import venue_services
    from huiketing.places.models import ServicePoint

    cache_ = world.__dict__.setdefault("_hall_venues", {})
    if inside not in cache_:
        grid = world.place(inside)
        point = ServicePoint.objects.create(
            kind="living_room",
            names={"zh-hans": f"matrix-{inside}"},
            place=grid,
            place_code=grid.code,
            lat=47.8,
            lng=88.1,
            opening_hours=[{"days": [1, 2, 3, 4, 5, 6, 7], "opens": "09:00", "closes": "18:00"}],
        )
        venue = venue_services.venue_create(by=None, service_point=point)
        zone = venue_services.zone_save(by=None, venue=venue, kind="reading", names="阅览室", capacity=10)
        start = timezone.now() + timedelta(days=3)
        closure = venue_services.closure_add(
            by=None, venue=venue, starts_at=start, ends_at=start + timedelta(hours=2), reasons="matrix"
        )
        item = venue_services.item_save(
            by=None,
            venue=venue,
            code="matrix",
            names="matrix",
            category="other",
            provider_kind="community",
            audiences=["everyone"],
        )
        cache_[inside] = (venue, zone, closure, item)
    return cache_[inside]


def _venue_sample(world, inside: bool):
    from tests.test_permission_matrix import Sample

    venue = _venue_objects(world, inside)[0]
    return Sample({"pk": venue.pk}, venue)


def _item_sample(world, inside: bool):
    from tests.test_permission_matrix import Sample

    item = _venue_objects(world, inside)[3]
    return Sample({"pk": item.pk}, item.venue)


def _closure_sample(world, inside: bool):
    from tests.test_permission_matrix import Sample

    venue, _zone, closure, _item = _venue_objects(world, inside)
    return Sample({"pk": venue.pk, "closure_id": closure.pk}, venue)


def _item_edit_sample(world, inside: bool):
    from tests.test_permission_matrix import Sample

    venue, _zone, _closure, item = _venue_objects(world, inside)
    return Sample({"pk": venue.pk, "item_id": item.pk}, venue)


def _portal_sample(world, inside: bool):
    from tests.test_permission_matrix import Sample

    return Sample({"code": world.community(inside).code}, None)


REGISTRY.update(
    {
        "hall:venue-detail": _venue_sample,
        "hall:item-detail": _item_sample,
        "hall:portal-community": _portal_sample,
        "api-venue": _venue_sample,
        "hall:staff-venue-detail": _venue_sample,
        "hall:staff-zone-add": _venue_sample,
        "hall:staff-closure-add": _venue_sample,
        "hall:staff-closure-remove": _closure_sample,
        "hall:staff-item-add": _venue_sample,
        "hall:staff-item-edit": _item_edit_sample,
    }
)


# Events, courses and calendars (event_urls) -----------------------------------------------------------------


def _event_objects(world, inside: bool):
    """(event, course) at the matrix venue in scope or out of it; all event pages are public or ask
    hall.book / hall.manage of no object."""
    import datetime

    from django.utils import timezone

    from huiketing.hall import event_services

    cache_ = world.__dict__.setdefault("_hall_events", {})
    if inside not in cache_:
        venue = _venue_objects(world, inside)[0]
        china = datetime.timezone(datetime.timedelta(hours=8))

        def at(days: int, hour: int) -> datetime.datetime:
            day = timezone.localdate() + datetime.timedelta(days=days)
            return datetime.datetime.combine(day, datetime.time(hour), china)

        event = event_services.event_create(
            by=None,
            venue=venue,
            kind="lecture",
            titles={"en": "matrix"},
            starts_at=at(5, 10),
            ends_at=at(5, 11),
            needs_registration=True,
            capacity=5,
            performer_sign_up=True,
        )
        course = event_services.series_create(
            by=None, venue=venue, titles={"en": "matrix"}, sessions=[(at(6, 10), at(6, 11))], capacity=5
        )
        cache_[inside] = (event, course)
    return cache_[inside]


def _event_sample(world, inside: bool):
    from tests.test_permission_matrix import Sample

    return Sample({"pk": _event_objects(world, inside)[0].pk})


def _course_sample(world, inside: bool):
    from tests.test_permission_matrix import Sample

    return Sample({"pk": _event_objects(world, inside)[1].pk})


def _event_venue_sample(world, inside: bool):
    from tests.test_permission_matrix import Sample

    return Sample({"pk": _venue_objects(world, inside)[0].pk})


REGISTRY.update(
    {
        "hall:event-detail": _event_sample,
        "hall:event-register": _event_sample,
        "hall:event-unregister": _event_sample,
        "hall:event-perform": _event_sample,
        "hall:course-detail": _course_sample,
        "hall:calendar-venue": _event_venue_sample,
        "hall:calendar-series": _course_sample,
    }
)


# --- Visits (hall/visit_urls.py, hall/visit_api_urls.py) ----------------------------------------------------
#
# A venue of its own in the grid in scope or out of it, with a visit of the world's resident (in scope) or of
# an account outside the world (out of scope): the rating page is its visitor's (others: 404).


def _visit_objects(world, inside: bool):
    from django.utils import timezone

    from huiketing.hall import visit_services
    from huiketing.hall.models import Venue
    from huiketing.people.models import User
    from huiketing.places.models import ServicePoint

    cache_ = world.__dict__.setdefault("_hall_visits", {})
    if inside not in cache_:
        grid = world.place(inside)
        point = ServicePoint.objects.create(
            kind="living_room",
            names={"zh-hans": f"matrix-visits-{inside}"},
            place=grid,
            place_code=grid.code,
            lat=47.8,
            lng=88.1,
        )
        venue = Venue.objects.create(service_point=point, place_code=grid.code)
        visitor = world.users["resident"] if inside else User.objects.create_user("m_visitor_outside")
        visit = visit_services._new_visit(
            venue=venue, at=timezone.now(), purpose="reading", method="qr", user=visitor, recorded_by=visitor
        )
        cache_[inside] = (venue, visit)
    return cache_[inside]


def _visit_venue_sample(world, inside: bool):
    from tests.test_permission_matrix import Sample

    venue = _visit_objects(world, inside)[0]
    return Sample({"pk": venue.pk}, venue)


def _visit_token_sample(world, inside: bool):
    """The door page asks `hall.book` of no object: any signed-in phone checks in at any venue."""
    from tests.test_permission_matrix import Sample

    return Sample({"token": _visit_objects(world, inside)[0].check_in_token})


def _visit_rate_sample(world, inside: bool):
    from tests.test_permission_matrix import Sample

    visit = _visit_objects(world, inside)[1]
    return Sample({"pk": visit.pk}, visit)


REGISTRY.update(
    {
        "hall:visit-check-in": _visit_token_sample,
        "hall:visit-rate": _visit_rate_sample,
        "hall:visit-door": _visit_venue_sample,
    }
)

_VT, _VF = True, False
_VISIT_STAFF = {
    "resident": (_VF, _VF, _VF),
    "grid_leader": (_VT, _VT, _VF),
    "grid_worker": (_VT, _VT, _VF),
    "community_staff": (_VT, _VT, _VF),
    "subdistrict_officer": (_VT, _VT, _VF),
    "city_officer": (_VT, _VT, _VT),
    "department_staff": (_VF, _VF, _VF),
    "institution_operator": (_VF, _VF, _VF),
    "merchant": (_VF, _VF, _VF),
    "party_member": (_VF, _VF, _VF),
    "volunteer": (_VF, _VF, _VF),
    "admin": (_VT, _VT, _VT),
    "anonymous": (_VF, _VF, _VF),
}
EXPECTED.update(
    {
        # Staff covering a venue's place record walk-ins and head counts at its door, and read its figures.
        "hall.record_visit": dict(_VISIT_STAFF),
        "hall.view_statistics": dict(_VISIT_STAFF),
        # The rating is the visitor's: every signed-in account may rate its own visits (no object), only the
        # world's resident is the visitor of the visit in scope, nobody in the world of the one outside.
        "hall.rate_visit": {
            **dict.fromkeys(_VISIT_STAFF, (_VT, _VF, _VF)),
            "resident": (_VT, _VT, _VF),
            "admin": (_VT, _VT, _VT),
            "anonymous": (_VF, _VF, _VF),
        },
    }
)
RULE_OBJECTS.update(
    {
        "hall.record_visit": lambda w, inside: _visit_objects(w, inside)[0],
        "hall.view_statistics": lambda w, inside: _visit_objects(w, inside)[0],
        "hall.rate_visit": lambda w, inside: _visit_objects(w, inside)[1],
    }
)


# --- Bookings (hall/booking_urls.py, hall/booking_api_urls.py) ---------------------------------------------
#
# A bookable room with a slot tomorrow, and a booking of it by the world's resident (in scope) or by an
# account outside the world (out of scope), at the matrix venue in scope or out of it. The booking pages ask
# hall.book of no object (a person's own bookings are found through their account: others' look missing).


def _booking_objects(world, inside: bool):
    """(zone, slot, booking) at the matrix venue in scope or out of it."""
    from datetime import timedelta

    from django.utils import timezone

    from huiketing.hall import booking_services, venue_services
    from huiketing.hall.models import Slot
    from huiketing.people.models import User

    cache_ = world.__dict__.setdefault("_hall_bookings", {})
    if inside not in cache_:
        venue, _zone, _closure, item = _venue_objects(world, inside)
        zone = venue_services.zone_save(
            by=None, venue=venue, kind="meeting_room", names="会议室", capacity=12, is_bookable=True
        )
        start = (timezone.localtime() + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
        slot = Slot.objects.create(
            venue=venue,
            place_code=venue.place_code,
            zone=zone,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            capacity=5,
        )
        Slot.objects.create(
            venue=venue,
            place_code=venue.place_code,
            item=item,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            capacity=5,
        )
        booker = world.users["resident"] if inside else User.objects.create_user("m_booker_outside")
        booking = booking_services.booking_make(by=booker, slot=slot)
        cache_[inside] = (zone, slot, booking)
    return cache_[inside]


def _booking_item_sample(world, inside: bool):
    from tests.test_permission_matrix import Sample

    _booking_objects(world, inside)
    return Sample({"item": _venue_objects(world, inside)[3].pk})


def _booking_room_sample(world, inside: bool):
    from tests.test_permission_matrix import Sample

    return Sample({"zone": _booking_objects(world, inside)[0].pk})


def _booking_sample(world, inside: bool):
    from tests.test_permission_matrix import Sample

    return Sample({"pk": _booking_objects(world, inside)[2].pk})


REGISTRY.update(
    {
        "hall:item-book": _booking_item_sample,
        "hall:room-book": _booking_room_sample,
        "hall:booking-cancel": _booking_sample,
        "api-booking-cancel": _booking_sample,
    }
)

_BT, _BF = True, False
EXPECTED.update(
    {
        # Every signed-in account books for itself.
        "hall.book": {**dict.fromkeys(_VISIT_STAFF, (_BT, _BT, _BT)), "anonymous": (_BF, _BF, _BF)},
        # Staff covering a slot's venue book on a resident's behalf, cancel late and mark attendance.
        "hall.book_for_resident": dict(_VISIT_STAFF),
    }
)
RULE_OBJECTS.update(
    {
        "hall.book": lambda w, inside: _booking_objects(w, inside)[1],
        "hall.book_for_resident": lambda w, inside: _booking_objects(w, inside)[1],
    }
)

# Venues (venue_*.py): staff covering a venue's place see its staff pages; the community's committees and the
# cadres above them run it (zones, closures, service items).
EXPECTED.update(
    {
        "hall.view_staff": dict(_VISIT_STAFF),
        "hall.manage": {
            **_VISIT_STAFF,
            "grid_leader": (_VF, _VF, _VF),
            "grid_worker": (_VF, _VF, _VF),
        },
    }
)
RULE_OBJECTS.update(
    {
        "hall.view_staff": lambda w, inside: _visit_objects(w, inside)[0],
        "hall.manage": lambda w, inside: _visit_objects(w, inside)[0],
    }
)
