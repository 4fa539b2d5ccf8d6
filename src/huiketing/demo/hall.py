"""The demo's living rooms (会客厅): 23 community living rooms (one in every community, at its centre when the
service points had none there) and the 4 business-district living rooms, 10 of them demonstration sites.

Every venue opens daily 09:00–20:00 and has the same seven zones (everyday services, leisure, deliberation,
reading room, a 60-seat red cinema, a 30-seat classroom and a bookable activity room) and the same catalogue
of 32 service items (`data.hall.ITEMS`), the theme party-day package holding a red-cinema screening and the
activity room. The coming two weeks hold places to book: the activity room twice a day, a red-cinema
screening every afternoon at the time of the room's second sitting (so the party-day package can be booked),
free haircuts and legal advice once a day. The centre community's venue holds a term of calligraphy
classes, a winter term of dombra for seniors with one place left (the community's staff enrolled eleven
residents at the desk), a screening, a gala with three performers on its programme, and its yearly Double
Ninth and Mid-Autumn events (expanded for the coming years); one other venue closes for a day for repairs.

Venues, slots of the centre's venue, events, series, the programme and the closure go through the hall
services. Zones, the catalogue, the other venues' slots and the visits are written in bulk, with one summary
audit entry: through the services they would take minutes. Visits cover the last `VISIT_DAYS` days (a
year): about 1,000 a day in the 4 busiest venues (the centre's and three business districts') and 100 to 300
in the others. The last `RECENT_VISIT_DAYS` days are recorded as the door records them now: persons one at a
time (half of them named residents, three in ten rated) and head counts of groups, with their purposes and
hours. The days before are recorded as they were before the door had its QR code: a head count per venue and
opening hour, split into one to three rows by purpose, naming nobody (so the unique visitors come from the
recent days alone), with the year's rhythm: more on weekends and in the 金山之夏 summer season, fewer over
the Spring Festival. The hourly roll-up (`VisitTally`) is written for every day from the same rows, a few
days at a time, so memory stays bounded. The living rooms do not grow with the scale. Random choices are
seeded by the day, so a demo loaded on the same day is the same.
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
from huiketing.people.models import Resident, User
from huiketing.places.models import Level, Place, ServicePoint, ServicePointKind

CITY = place_data.CITY_CODE
# A year of visits; the last RECENT_VISIT_DAYS of it as the door records them now (phones' check-ins written
# by staff, walk-ins, group head counts, ratings), the days before as they were recorded before the door had
# its QR code: head counts per opening hour.
VISIT_DAYS = 365
RECENT_VISIT_DAYS = 30
BUSY_VISITS = 1000
QUIET_VISITS = (100, 300)
# The rhythm of the head-counted days, as a factor of a day's visits: by weekday (Monday first), in the
# summer season of 金山之夏 (15 June to 31 August, months and days) and over the Spring Festival holiday
# (New Year's Eve to the sixth day of the first lunar month); the factors of the period are scaled to average
# 1, so that the busiest venues still see BUSY_VISITS a day on average.
WEEKDAY_RHYTHM = (0.9, 0.9, 0.9, 0.95, 1.0, 1.2, 1.25)
SUMMER_SEASON = ((6, 15), (8, 31))
SUMMER_RHYTHM = 1.3
SPRING_FESTIVAL_DAYS = (-1, 6)
SPRING_FESTIVAL_RHYTHM = 0.45
# A head count names a purpose: an hour's count is split into one to three rows by purpose.
HEAD_COUNT_SPLITS = (1, 2, 2, 3)
# Rows written to the database at a time: memory stays bounded whatever the number of days.
VISIT_BATCH = 5000
SLOT_DAYS = 14
# (zone key or item code, start hour, end hour, places): the places to book every day of the coming weeks.
DAILY_SLOTS = (
    ("activity", 10, 12, 40),
    ("activity", 15, 17, 40),
    # The afternoon screening, at the activity room's time: with it the theme party-day package can be booked.
    ("red-cinema", 15, 17, 60),
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
VISIT_HOURS = tuple(range(9, 20))
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
TALLY_COLUMNS = ("venue", "day", "hour", "purpose", "visits", "good", "fair", "poor")


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
    _dombra_class(centre, room["classroom"], today)
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


def _dombra_class(centre: Venue, classroom: Zone, today: datetime.date) -> EventSeries:
    """A winter term of dombra for seniors with one place left: the community's staff have enrolled residents
    who do not use a phone on their behalf, as they do at the desk."""
    first_thursday = today + datetime.timedelta(days=(3 - today.weekday()) % 7)
    if first_thursday - today < datetime.timedelta(days=3):
        first_thursday += datetime.timedelta(weeks=1)
    series = event_services.series_create(
        by=None,
        venue=centre,
        titles=data.DOMBRA_CLASS,
        descriptions=data.DOMBRA_DESCRIPTION,
        sessions=[
            (
                _at(first_thursday + datetime.timedelta(weeks=n), 10),
                _at(first_thursday + datetime.timedelta(weeks=n), 11, 30),
            )
            for n in range(10)
        ],
        capacity=data.DOMBRA_PLACES,
        zone=classroom,
    )
    staff = User.objects.get(username="community", is_demo=True)
    community_code = centre.place_code[:12]
    residents = Resident.objects.filter(
        is_demo=True, place_code__startswith=community_code, account__isnull=True
    ).order_by("pk")[: data.DOMBRA_ENROLLED]
    for resident in residents:
        booking_services.booking_for_resident(by=staff, slot=series.slot, resident=resident)
    return series


# Visits -----------------------------------------------------------------------------------------------------


def _visits(venues, centre, items, today, rng: random.Random, days: int) -> tuple[int, int]:
    """The last `days` days of visits and their hourly roll-up, in bulk, a day at a time: the last
    `RECENT_VISIT_DAYS` as the door records them now, the days before as hourly head counts. Returns how many
    visit rows and roll-up rows were written."""
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
    recent = min(days, RECENT_VISIT_DAYS)
    rhythm = _visit_rhythm([today - datetime.timedelta(days=offset) for offset in range(days, recent, -1)])
    quiet = sum(QUIET_VISITS) / 2
    rows: list[tuple] = []
    tallies: list[tuple] = []
    written = tallied = 0
    with connection.cursor() as cursor:
        for offset in range(days, 0, -1):
            day = today - datetime.timedelta(days=offset)
            # (venue, hour, purpose) → [visits, good, fair, poor]
            day_tallies: dict = defaultdict(lambda: [0, 0, 0, 0])
            if day in rhythm:
                stamps = {
                    hour: connection.ops.adapt_datetimefield_value(_at(day, hour, 59)) for hour in VISIT_HOURS
                }
            for venue in venues:
                if day not in rhythm:
                    target = (
                        rng.randint(BUSY_VISITS - 120, BUSY_VISITS + 120)
                        if venue.pk in busy
                        else rng.randint(*QUIET_VISITS)
                    )
                    nearby = residents.get(venue.place_code[:12], [])
                    _recent_visits(
                        rng, venue, day, target, nearby, walk_in_items[venue.pk], rows, day_tallies
                    )
                elif venue.pk in busy:
                    target = round(BUSY_VISITS * rhythm[day] * rng.uniform(0.9, 1.1))
                    _head_counts(rng, venue, day, target, walk_in_items[venue.pk], stamps, rows, day_tallies)
                else:
                    target = round(quiet * rhythm[day] * rng.uniform(0.8, 1.2))
                    target = min(max(target, QUIET_VISITS[0]), QUIET_VISITS[1])
                    _head_counts(rng, venue, day, target, walk_in_items[venue.pk], stamps, rows, day_tallies)
            adapted_day = connection.ops.adapt_datefield_value(day)
            tallies.extend(
                (venue_id, adapted_day, hour, purpose, *counts)
                for (venue_id, hour, purpose), counts in day_tallies.items()
            )
            if len(rows) >= VISIT_BATCH or offset == 1:
                _insert(cursor, Visit, VISIT_COLUMNS, rows)
                _insert(cursor, VisitTally, TALLY_COLUMNS, tallies)
                written, tallied = written + len(rows), tallied + len(tallies)
                rows, tallies = [], []
    return written, tallied


def _visit_rhythm(days: list[datetime.date]) -> dict[datetime.date, float]:
    """Each day's factor of a venue's visits (WEEKDAY_RHYTHM and the seasons), scaled to average 1."""
    from huiketing.hall.festivals import lunar_to_gregorian

    holiday = set()
    for year in {day.year for day in days}:
        new_year = lunar_to_gregorian(year, 1, 1)
        first, last = SPRING_FESTIVAL_DAYS
        holiday.update(new_year + datetime.timedelta(days=n) for n in range(first, last + 1))
    factors = {}
    for day in days:
        factor = WEEKDAY_RHYTHM[day.weekday()]
        if SUMMER_SEASON[0] <= (day.month, day.day) <= SUMMER_SEASON[1]:
            factor *= SUMMER_RHYTHM
        if day in holiday:
            factor *= SPRING_FESTIVAL_RHYTHM
        factors[day] = factor
    mean = sum(factors.values()) / len(factors) if factors else 1
    return {day: factor / mean for day, factor in factors.items()}


def _recent_visits(rng, venue, day, target: int, nearby: list, walk_ins: list, rows: list, tallies) -> None:
    """One venue's day as the door records it now: persons one at a time (half of them named, three in ten
    rated) and, one record in seven, a group counted at once."""
    adapt_at = connection.ops.adapt_datetimefield_value
    adapted_day = connection.ops.adapt_datefield_value(day)
    purposes = [str(p) for p, _ in PURPOSES]
    purpose_weights = [w for _, w in PURPOSES]
    ratings = list(Satisfaction.values)
    people_so_far = 0
    while people_so_far < target:
        hour = rng.choices(VISIT_HOURS, HOUR_WEIGHTS)[0]
        at = _at(day, hour, rng.randint(0, 59))
        purpose = rng.choices(purposes, purpose_weights)[0]
        item = rng.choice(walk_ins) if purpose == str(VisitPurpose.SERVICE_ITEM) else None
        if rng.random() < 0.15:
            method, people, resident = str(VisitMethod.HEADCOUNT), rng.randint(3, 25), None
            satisfaction = None
        else:
            method, people = str(VisitMethod.STAFF), 1
            resident = rng.choice(nearby) if nearby and rng.random() < 0.5 else None
            satisfaction = rng.choices(ratings, [80, 15, 5])[0] if rng.random() < 0.3 else None
        people = min(people, target - people_so_far) if method == str(VisitMethod.HEADCOUNT) else 1
        if people < 1:
            break
        people_so_far += people
        rows.append(
            (
                venue.pk,
                venue.place_code,
                adapt_at(at),
                adapted_day,
                hour,
                purpose,
                item.pk if item else None,
                resident,
                method,
                people,
                satisfaction,
                adapt_at(at + datetime.timedelta(minutes=rng.randint(5, 90))) if satisfaction else None,
            )
        )
        tally = tallies[(venue.pk, hour, purpose)]
        tally[0] += people
        if satisfaction:
            tally[1 + ratings.index(satisfaction)] += 1


def _head_counts(rng, venue, day, target: int, walk_ins: list, stamps: dict, rows: list, tallies) -> None:
    """One venue's day before the QR code: `target` people counted hour by hour (HOUR_WEIGHTS, give or take
    a fifth), each hour's count split into one to three rows by purpose, written at the end of the hour."""
    adapted_day = connection.ops.adapt_datefield_value(day)
    weights = [weight * rng.uniform(0.8, 1.2) for weight in HOUR_WEIGHTS]
    total, so_far, counted = sum(weights), 0.0, 0
    for hour, weight in zip(VISIT_HOURS, weights, strict=True):
        # Rounding the running total keeps the day's sum at `target` exactly.
        so_far += weight
        upto = round(target * so_far / total)
        people, counted = upto - counted, upto
        if people < 1:
            continue
        splits = 1 if people < 6 else rng.choice(HEAD_COUNT_SPLITS)
        # Distinct purposes drawn by weight (a weighted shuffle), the hour's people shared by their weights.
        chosen = sorted(PURPOSES, key=lambda purpose: rng.random() ** (1 / purpose[1]), reverse=True)[:splits]
        share_total, share_so_far, shared = sum(w for _, w in chosen), 0, 0
        for purpose, purpose_weight in chosen:
            share_so_far += purpose_weight
            upto = round(people * share_so_far / share_total)
            n, shared = upto - shared, upto
            if n < 1:
                continue
            item = rng.choice(walk_ins) if purpose == VisitPurpose.SERVICE_ITEM else None
            rows.append(
                (
                    venue.pk,
                    venue.place_code,
                    stamps[hour],
                    adapted_day,
                    hour,
                    str(purpose),
                    item.pk if item else None,
                    None,
                    str(VisitMethod.HEADCOUNT),
                    n,
                    None,
                    None,
                )
            )
            tallies[(venue.pk, hour, str(purpose))][0] += n


def _insert(cursor, model, names: tuple, rows: list[tuple]) -> None:
    """Rows holding the values of the fields `names`, adapted for the database, written with plain INSERTs
    (a year of visits through bulk_create's model instances takes several times longer), or on PostgreSQL
    with COPY, four times faster there than the INSERTs."""
    if not rows:
        return
    # Table and column names come from the model, quoted by the backend; the values are parameters.
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(name).column) for name in names)
    if connection.vendor == "postgresql":
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    # As many rows a statement as the database takes parameters: a fifth faster on SQLite than one a row.
    per_statement = max(1, (connection.features.max_query_params or 1000) // len(names))
    values = "({})".format(", ".join(["%s"] * len(names)))
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES {', '.join([values] * len(chunk))}",  # noqa: S608
            [value for row in chunk for value in row],
        )
