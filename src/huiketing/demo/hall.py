"""The demo's living rooms (会客厅): 23 community living rooms (one in every community, at its centre when the
service points had none there) and the 4 business-district living rooms, 10 of them demonstration sites.

Every venue opens daily 09:00–20:00 and has the same seven zones (everyday services, leisure, deliberation,
reading room, a 60-seat red cinema, a 30-seat classroom and a bookable activity room) and the same catalogue
of 32 service items (`data.hall.ITEMS`), the theme party-day package holding a screening, the activity room
and a guide. The coming two weeks hold places to book: the activity room twice a day, free haircuts
and legal advice once a day. The centre community's venue holds a term of calligraphy classes, a screening,
a gala with three performers on its programme, and its yearly Double Ninth and Mid-Autumn events (expanded
for the coming years); one other venue closes for a day for repairs.

Venues, slots of the centre's venue, events, series, the programme and the closure go through the hall
services. Zones, the catalogue, the other venues' slots and the visits are written in bulk, with one summary
audit entry: through the services they would take minutes. Visits cover the last `VISIT_DAYS` days: about
1,000 a day in the 4 busiest venues (the centre's and three business districts') and 100 to 300 in the
others, walk-ins and head counts of groups, with their purposes, hours and a share of ratings; the hourly
roll-up (`VisitTally`) is written from the same rows. The living rooms do not grow with the scale.
Random choices are seeded, so a demo loaded on the same day is the same.
"""

import datetime
import random
from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.utils import timezone
from shapely.geometry import Point, shape

from huiketing.core.audit import audit_record
from huiketing.demo.data import hall as data
from huiketing.demo.data import places as place_data
from huiketing.demo.data import service_points as point_data
from huiketing.hall import booking_services, event_services, venue_services
from huiketing.hall.festivals import festivals_ensure
from huiketing.hall.models import (
    Event,
    EventKind,
    EventSeries,
    Festival,
    Performer,
    Satisfaction,
    ServiceItem,
    Slot,
    Venue,
    Visit,
    VisitMethod,
    VisitPurpose,
    VisitTally,
    Zone,
)
from huiketing.people.models import Resident
from huiketing.places.models import Level, Place, ServicePoint, ServicePointKind

CITY = place_data.CITY_CODE
VISIT_DAYS = 30
BUSY_VISITS = 1000
QUIET_VISITS = (100, 300)
SLOT_DAYS = 14
# (zone key or item code, start hour, end hour, places): the places to book every day of the coming weeks.
DAILY_SLOTS = (
    ("activity", 10, 12, 40),
    ("activity", 15, 17, 40),
    ("haircut", 10, 11, 6),
    ("legal-advice", 16, 17, 4),
)
PURPOSES = [
    (VisitPurpose.SERVICE_ITEM, 40),
    (VisitPurpose.READING, 20),
    (VisitPurpose.REST, 20),
    (VisitPurpose.MEETING, 10),
    (VisitPurpose.OTHER, 10),
]
# Visits per opening hour 09–19: a morning and an evening peak.
HOUR_WEIGHTS = [5, 9, 10, 8, 6, 6, 8, 10, 12, 14, 12]
VISIT_COLUMNS = (
    "venue",
    "place_code",
    "at",
    "day",
    "hour",
    "purpose",
    "item",
    "resident",
    "method",
    "people",
    "satisfaction",
    "rated_at",
)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_default_timezone())


def hall_generate(scale: int = 1, *, visit_days: int = VISIT_DAYS) -> int:
    """Create the demo's living rooms and their weeks; returns how many records were created."""
    today = timezone.localdate()
    rng = random.Random(f"{CITY}-hall-{today.isoformat()}")
    venues, centre = _venues(rng)
    zones = _zones(venues)
    items = _items(venues, zones)
    closed = _closure(venues, centre, today)
    slots = _slots(venues, centre, zones, items, today, closed)
    events = _events(centre, zones, items, today)
    visits, tallies = _visits(venues, centre, items, today, rng, visit_days)
    audit_record(
        actor=None,
        action="demo.hall.generated",
        obj=centre,
        changes={
            "venues": [None, len(venues)],
            "zones": [None, zones["count"]],
            "items": [None, items["count"]],
            "slots": [None, slots],
            "visits": [None, visits],
        },
        place_code=centre.place_code,
    )
    return len(venues) + zones["count"] + items["count"] + slots + events + visits + tallies + 1


# Venues -----------------------------------------------------------------------------------------------------


def _venues(rng: random.Random) -> tuple[list[Venue], Venue]:
    """The 27 venues, their service points opening 09:00–20:00; the centre community's venue apart."""
    grids = {
        place.code: (place, shape(place.boundary))
        for place in Place.objects.filter(level=Level.GRID, code__startswith=CITY, is_demo=True)
    }
    centre_point = Point(place_data.CENTRE_LNG, place_data.CENTRE_LAT)
    centre_grid = next(code for code, (_, polygon) in sorted(grids.items()) if polygon.covers(centre_point))
    points = list(
        ServicePoint.objects.filter(
            is_demo=True,
            place_code__startswith=CITY,
            kind__in=[ServicePointKind.LIVING_ROOM, ServicePointKind.BUSINESS_LIVING_ROOM],
        )
    )
    have = {point.place_code[:12] for point in points if point.kind == ServicePointKind.LIVING_ROOM}
    new = []
    for community in Place.objects.filter(level=Level.COMMUNITY, code__startswith=CITY, is_demo=True):
        if community.code in have:
            continue
        where = Point(community.centroid_lng, community.centroid_lat)
        inside = [code for code, (_, polygon) in sorted(grids.items()) if code[:12] == community.code]
        grid_code = next((code for code in inside if grids[code][1].covers(where)), inside[0])
        new.append(
            ServicePoint(
                kind=ServicePointKind.LIVING_ROOM,
                names={
                    language: template.format(community=community.names[language])
                    for language, template in point_data.NAME_TEMPLATES["living_room"].items()
                },
                place=grids[grid_code][0],
                place_code=grid_code,
                lat=community.centroid_lat,
                lng=community.centroid_lng,
                address={
                    "zh-hans": f"阿勒泰市{community.names['zh-hans']}社区服务中心",
                    "en": f"Community Service Centre, {community.names['en']}, Altay City",
                },
                phone=f"0906-21{rng.randint(0, 99999):05d}",
                is_demo=True,
            )
        )
    ServicePoint.objects.bulk_create(new)
    points = list(
        ServicePoint.objects.filter(
            is_demo=True,
            place_code__startswith=CITY,
            kind__in=[ServicePointKind.LIVING_ROOM, ServicePointKind.BUSINESS_LIVING_ROOM],
        ).order_by("place_code", "id")
    )
    for point in points:
        point.opening_hours = data.OPENING_HOURS
    ServicePoint.objects.bulk_update(points, ["opening_hours"])

    community_points = [p for p in points if p.kind == ServicePointKind.LIVING_ROOM]
    business_points = [p for p in points if p.kind == ServicePointKind.BUSINESS_LIVING_ROOM]
    centre_point_ = next(
        (p for p in community_points if p.place_code[:12] == centre_grid[:12]), community_points[0]
    )
    others = [p for p in community_points if p != centre_point_]
    demonstrating = {centre_point_.pk: data.DEMONSTRATES[0]}
    for point, texts in zip(rng.sample(others, 7), data.DEMONSTRATES[1:8], strict=True):
        demonstrating[point.pk] = texts
    for point, texts in zip(business_points[:2], data.DEMONSTRATES[8:], strict=True):
        demonstrating[point.pk] = texts
    venues = []
    for point in points:
        fields = {"descriptions": data.DESCRIPTION, "accessibility": data.ACCESSIBILITY}
        if point.pk in demonstrating:
            fields.update(is_demonstration_site=True, demonstrates=demonstrating[point.pk])
        venues.append(venue_services.venue_create(by=None, service_point=point, **fields))
    Venue.objects.filter(pk__in=[v.pk for v in venues]).update(is_demo=True)
    venues = list(Venue.objects.filter(pk__in=[v.pk for v in venues]).select_related("service_point"))
    centre = next(v for v in venues if v.service_point_id == centre_point_.pk)
    return venues, centre


def _zones(venues: list[Venue]) -> dict:
    Zone.objects.bulk_create(
        [
            Zone(
                venue=venue,
                kind=spec.kind,
                names=spec.names,
                capacity=spec.capacity,
                is_bookable=spec.is_bookable,
                position=position,
            )
            for venue in venues
            for position, spec in enumerate(data.ZONES, start=1)
        ]
    )
    keys = {spec.kind: spec.key for spec in data.ZONES}
    zones: dict = defaultdict(dict)
    for zone in Zone.objects.filter(venue__in=venues):
        zones[zone.venue_id][keys[zone.kind]] = zone
    zones = dict(zones)
    zones["count"] = len(venues) * len(data.ZONES)
    return zones


def _items(venues: list[Venue], zones: dict) -> dict:
    ServiceItem.objects.bulk_create(
        [
            ServiceItem(
                venue=venue,
                code=spec.code,
                names=spec.names,
                category=spec.category,
                zone=zones[venue.pk][spec.zone],
                provider_kind=spec.provider_kind,
                audiences=list(spec.audiences),
                needs_booking=spec.needs_booking,
                duration_minutes=spec.duration,
                capacity=spec.capacity,
                price=Decimal(spec.price),
                is_package=bool(spec.components),
                descriptions=data.PACKAGE_DESCRIPTION if spec.components else {},
                position=position,
            )
            for venue in venues
            for position, spec in enumerate(data.ITEMS, start=1)
        ]
    )
    items: dict = defaultdict(dict)
    for item in ServiceItem.objects.filter(venue__in=venues):
        items[item.venue_id][item.code] = item
    through = ServiceItem.components.through
    through.objects.bulk_create(
        [
            through(
                from_serviceitem_id=items[venue.pk][spec.code].pk, to_serviceitem_id=items[venue.pk][c].pk
            )
            for venue in venues
            for spec in data.ITEMS
            for c in spec.components
        ]
    )
    items = dict(items)
    items["count"] = len(venues) * len(data.ITEMS)
    return items


# The coming weeks -------------------------------------------------------------------------------------------


def _closure(venues: list[Venue], centre: Venue, today: datetime.date) -> tuple[int, datetime.date]:
    venue = next(v for v in venues if v.pk != centre.pk and not v.is_demonstration_site)
    day = today + datetime.timedelta(days=5)
    venue_services.closure_add(
        by=None,
        venue=venue,
        starts_at=_at(day, 0),
        ends_at=_at(day + datetime.timedelta(days=1), 0),
        reasons=data.CLOSURE,
    )
    return venue.pk, day


def _slots(venues, centre, zones, items, today, closed) -> int:
    """Places to book for the coming weeks: through the services in the centre's venue, in bulk elsewhere
    (at the same times, inside the opening hours, none on the closed day)."""
    rows = []
    count = 0
    for offset in range(1, SLOT_DAYS + 1):
        day = today + datetime.timedelta(days=offset)
        for venue in venues:
            if (venue.pk, day) == closed:
                continue
            for key, start, end, capacity in DAILY_SLOTS:
                zone = zones[venue.pk].get(key)
                item = None if zone is not None else items[venue.pk][key]
                if venue.pk == centre.pk:
                    booking_services.slot_create(
                        by=None,
                        venue=venue,
                        starts_at=_at(day, start),
                        ends_at=_at(day, end),
                        capacity=capacity,
                        zone=zone,
                        item=item,
                    )
                    count += 1
                    continue
                rows.append(
                    Slot(
                        venue=venue,
                        place_code=venue.place_code,
                        zone=zone,
                        item=item,
                        starts_at=_at(day, start),
                        ends_at=_at(day, end),
                        capacity=capacity,
                        is_demo=True,
                    )
                )
    Slot.objects.bulk_create(rows, batch_size=2000)
    Slot.objects.filter(venue=centre).update(is_demo=True)
    return count + len(rows)


def _events(centre: Venue, zones: dict, items: dict, today: datetime.date) -> int:
    room = zones[centre.pk]
    first_tuesday = today + datetime.timedelta(days=(1 - today.weekday()) % 7 or 7)
    event_services.series_create(
        by=None,
        venue=centre,
        titles=data.CLASS_TERM,
        sessions=[
            (
                _at(first_tuesday + datetime.timedelta(weeks=n), 10),
                _at(first_tuesday + datetime.timedelta(weeks=n), 11, 30),
            )
            for n in range(8)
        ],
        capacity=30,
        zone=room["classroom"],
    )
    screening_day = today + datetime.timedelta(days=3)
    event_services.event_create(
        by=None,
        venue=centre,
        kind=EventKind.SCREENING,
        titles=data.SCREENING,
        starts_at=_at(screening_day, 14),
        ends_at=_at(screening_day, 16, 30),
        zone=room["cinema"],
        needs_registration=True,
        capacity=60,
    )
    gala_day = today + datetime.timedelta(days=10)
    gala = event_services.event_create(
        by=None,
        venue=centre,
        kind=EventKind.GALA,
        titles=data.GALA,
        starts_at=_at(gala_day, 18),
        ends_at=_at(gala_day, 20),
        zone=room["activity"],
        performer_sign_up=True,
    )
    for group_name, act in data.PERFORMERS:
        performer = event_services.performer_sign_up(by=None, event=gala, group_name=group_name, act=act)
        event_services.performer_decide(by=None, performer=performer, status=Performer.Status.ACCEPTED)
    festivals_ensure()
    for code, titles, start, end in (
        ("double-ninth", data.DOUBLE_NINTH, datetime.time(9, 30), datetime.time(11, 30)),
        ("mid-autumn", data.MID_AUTUMN, datetime.time(18, 0), datetime.time(20, 0)),
    ):
        event_services.festival_series_create(
            by=None,
            venue=centre,
            festival=Festival.objects.get(code=code),
            titles=titles,
            starts_time=start,
            ends_time=end,
            zone=room["activity"],
            today=today,
        )
    Event.objects.filter(venue=centre).update(is_demo=True)
    EventSeries.objects.filter(venue=centre).update(is_demo=True)
    Slot.objects.filter(venue=centre).update(is_demo=True)
    return Event.objects.filter(venue=centre).count() + len(data.PERFORMERS)


# Visits -----------------------------------------------------------------------------------------------------


def _visits(venues, centre, items, today, rng: random.Random, days: int) -> tuple[int, int]:
    """The last `days` days of visits, in bulk, and their hourly roll-up."""
    business = [v for v in venues if v.service_point.kind == ServicePointKind.BUSINESS_LIVING_ROOM]
    busy = {centre.pk, *(v.pk for v in business[:3])}
    walk_in_items = {
        venue_id: [item for item in by_code.values() if not item.needs_booking]
        for venue_id, by_code in items.items()
        if venue_id != "count"
    }
    residents = defaultdict(list)
    for pk, place_code in Resident.objects.filter(is_demo=True, place_code__startswith=CITY).values_list(
        "pk", "place_code"
    ):
        residents[place_code[:12]].append(pk)
    purposes = [str(p) for p, _ in PURPOSES]
    purpose_weights = [w for _, w in PURPOSES]
    hours = list(range(9, 20))
    adapt_at, adapt_day = connection.ops.adapt_datetimefield_value, connection.ops.adapt_datefield_value
    rows = []
    tallies: dict = defaultdict(lambda: [0, 0, 0, 0])
    for offset in range(days, 0, -1):
        day = today - datetime.timedelta(days=offset)
        for venue in venues:
            target = (
                rng.randint(BUSY_VISITS - 120, BUSY_VISITS + 120)
                if venue.pk in busy
                else rng.randint(*QUIET_VISITS)
            )
            nearby = residents.get(venue.place_code[:12], [])
            people_so_far = 0
            while people_so_far < target:
                hour = rng.choices(hours, HOUR_WEIGHTS)[0]
                at = _at(day, hour, rng.randint(0, 59))
                purpose = rng.choices(purposes, purpose_weights)[0]
                item = (
                    rng.choice(walk_in_items[venue.pk]) if purpose == str(VisitPurpose.SERVICE_ITEM) else None
                )
                if rng.random() < 0.15:
                    method, people, resident = str(VisitMethod.HEADCOUNT), rng.randint(3, 25), None
                    satisfaction = None
                else:
                    method, people = str(VisitMethod.STAFF), 1
                    resident = rng.choice(nearby) if nearby and rng.random() < 0.5 else None
                    satisfaction = (
                        rng.choices(list(Satisfaction.values), [80, 15, 5])[0] if rng.random() < 0.3 else None
                    )
                people = min(people, target - people_so_far) if method == str(VisitMethod.HEADCOUNT) else 1
                if people < 1:
                    break
                people_so_far += people
                rows.append(
                    (
                        venue.pk,
                        venue.place_code,
                        adapt_at(at),
                        adapt_day(day),
                        hour,
                        purpose,
                        item.pk if item else None,
                        resident,
                        method,
                        people,
                        satisfaction,
                        adapt_at(at + datetime.timedelta(minutes=rng.randint(5, 90)))
                        if satisfaction
                        else None,
                    )
                )
                tally = tallies[(venue.pk, day, hour, purpose)]
                tally[0] += people
                if satisfaction:
                    tally[1 + list(Satisfaction.values).index(satisfaction)] += 1
    # Plain inserts: a month of visits through bulk_create's model instances takes several times longer.
    columns = [Visit._meta.get_field(name).column for name in VISIT_COLUMNS]
    # Table and column names come from the model, quoted by the backend; the values are parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        connection.ops.quote_name(Visit._meta.db_table),
        ", ".join(connection.ops.quote_name(column) for column in columns),
        ", ".join(["%s"] * len(columns)),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])
    VisitTally.objects.bulk_create(
        [
            VisitTally(
                venue_id=venue_id, day=day, hour=hour, purpose=purpose, visits=v, good=g, fair=f, poor=p
            )
            for (venue_id, day, hour, purpose), (v, g, f, p) in tallies.items()
        ],
        batch_size=5000,
    )
    return len(rows), len(tallies)
