"""The demo's living rooms (demo/hall.py): venues, the catalogue, the coming weeks and the visits."""

import datetime
import functools
import statistics

import pytest
from django.db.models import Count, Max, Min, Q, Sum
from django.utils import timezone

from huiketing.demo import hall as demo_hall
from huiketing.demo import loader, registry
from huiketing.demo.data import hall as data
from huiketing.demo.loader import demo_load
from huiketing.hall.festivals import festival_date, lunar_to_gregorian
from huiketing.hall.models import (
    Closure,
    Event,
    EventSeries,
    Festival,
    Performer,
    ServiceItem,
    Slot,
    Venue,
    Visit,
    VisitTally,
    Zone,
)
from huiketing.hall.visit_selectors import visit_statistics
from huiketing.people.models import User
from huiketing.places.models import Level, Place, ServicePointKind

VISIT_DAYS = 3


@pytest.fixture
def hall_demo(db, monkeypatch):
    monkeypatch.setattr(
        loader,
        "SCALED_GENERATORS",
        [
            functools.partial(registry.registry_generate, households_per_grid=2),
            functools.partial(demo_hall.hall_generate, visit_days=VISIT_DAYS),
        ],
    )
    return demo_load()


@pytest.fixture
def hall_year(db, monkeypatch):
    monkeypatch.setattr(
        loader,
        "SCALED_GENERATORS",
        [
            functools.partial(registry.registry_generate, households_per_grid=2),
            functools.partial(demo_hall.hall_generate, visit_days=demo_hall.VISIT_DAYS),
        ],
    )
    return demo_load()


def test_the_demo_living_rooms(hall_demo):
    venues = Venue.objects.select_related("service_point")
    assert venues.count() == 27
    kinds = [venue.service_point.kind for venue in venues]
    assert kinds.count(ServicePointKind.LIVING_ROOM) == 23
    assert kinds.count(ServicePointKind.BUSINESS_LIVING_ROOM) == 4
    # One community living room in every community.
    communities = set(
        Place.objects.filter(level=Level.COMMUNITY, is_demo=True).values_list("code", flat=True)
    )
    assert {
        v.place_code[:12] for v in venues if v.service_point.kind == ServicePointKind.LIVING_ROOM
    } == communities
    sites = venues.filter(is_demonstration_site=True)
    assert sites.count() == 10
    assert all(set(site.demonstrates) == {"zh-hans", "ug", "kk", "en"} for site in sites)
    assert all(venue.service_point.opening_hours == data.OPENING_HOURS for venue in venues)

    # Seven zones and the same 32 items in every venue, named in four languages.
    assert set(Zone.objects.values("venue").annotate(n=Count("id")).values_list("n", flat=True)) == {7}
    codes = {spec.code for spec in data.ITEMS}
    for venue in venues:
        assert set(ServiceItem.objects.filter(venue=venue).values_list("code", flat=True)) == codes
    assert ServiceItem.objects.count() == 27 * 32
    assert all(set(item.names) == {"zh-hans", "ug", "kk", "en"} for item in ServiceItem.objects.all())
    package = ServiceItem.objects.filter(code="party-day").first()
    assert set(package.components.values_list("code", flat=True)) == {"red-cinema"}
    # Every afternoon of the coming weeks the screening and the room are free together: a branch can book it.
    from huiketing.hall.package_selectors import package_times

    assert len(package_times(package=package, party_size=30)) >= demo_hall.SLOT_DAYS - 1

    # The coming weeks: slots in every venue, one closure, no slot on the closed day.
    assert Slot.objects.values("venue").distinct().count() == 27
    closure = Closure.objects.get()
    assert not Slot.objects.filter(
        venue=closure.venue, starts_at__lt=closure.ends_at, ends_at__gt=closure.starts_at
    ).exists()


def test_the_centre_venues_events(hall_demo):
    today = timezone.localdate()
    double_ninth = Festival.objects.get(code="double-ninth")
    events = Event.objects.filter(festival=double_ninth)
    assert events.exists()
    for event in events:
        start = timezone.localtime(event.starts_at)
        assert start.date() == festival_date(double_ninth, start.year)
        assert start.date() >= today
    assert Event.objects.filter(festival__code="mid-autumn").exists()
    term = EventSeries.objects.get(festival__isnull=True, titles__en__startswith="Calligraphy")
    assert term.sessions.count() == 8
    assert Slot.objects.filter(series=term, capacity=30).exists()
    # The dombra class has one place left, the others taken by residents the staff enrolled at the desk.
    dombra = Slot.objects.get(series__titles__en=data.DOMBRA_CLASS["en"])
    assert (dombra.capacity, dombra.taken) == (data.DOMBRA_PLACES, data.DOMBRA_PLACES - 1)
    desk = dombra.bookings.filter(status="confirmed")
    assert desk.count() == data.DOMBRA_PLACES - 1
    assert not desk.filter(booked_by=None).exists() and not desk.filter(resident=None).exists()
    assert dombra.starts_at > timezone.now() + timezone.timedelta(days=2)
    gala = Event.objects.get(kind="gala")
    assert list(
        gala.performers.filter(status=Performer.Status.ACCEPTED).values_list("position", flat=True)
    ) == [1, 2, 3]
    assert Slot.objects.filter(event__kind="screening", capacity=60).exists()


def test_the_visits(hall_demo):
    today = timezone.localdate()
    visits = Visit.objects.all()
    assert visits.exists()
    assert set(visits.values_list("day", flat=True).distinct()) == {
        today - timezone.timedelta(days=n) for n in range(1, VISIT_DAYS + 1)
    }
    assert set(visits.values_list("hour", flat=True).distinct()) <= set(range(9, 20))
    assert visits.values("venue").distinct().count() == 27
    assert len(set(visits.values_list("purpose", flat=True))) >= 4
    assert visits.filter(method="headcount").exists() and visits.exclude(satisfaction=None).exists()
    # The busiest four see about 1,000 visits a day, the others 100 to 300.
    per_day = sorted(
        visits.values("venue", "day").annotate(n=Sum("people")).values_list("n", flat=True), reverse=True
    )
    assert all(n >= 880 for n in per_day[: 4 * VISIT_DAYS])
    assert all(100 <= n <= 300 for n in per_day[4 * VISIT_DAYS :])
    # The hourly roll-up adds up to the visits.
    assert VisitTally.objects.aggregate(n=Sum("visits"))["n"] == visits.aggregate(n=Sum("people"))["n"]
    assert VisitTally.objects.aggregate(n=Sum("good"))["n"] == visits.filter(satisfaction="good").count()


def _by_visits(tallies):
    """(day, visits) of the roll-up rows given, summed over venues, hours and purposes."""
    return dict(tallies.order_by().values_list("day").annotate(n=Sum("visits")))


def test_a_year_of_visits(hall_year):
    today = timezone.localdate()
    days = demo_hall.VISIT_DAYS
    assert days == 365
    first = today - datetime.timedelta(days=days)
    # The first day the door records as it does now; the days before are head counts.
    recent = today - datetime.timedelta(days=demo_hall.RECENT_VISIT_DAYS)
    tallies = VisitTally.objects.all()

    # The roll-up holds every day of the year for every venue.
    assert tallies.aggregate(first=Min("day"), last=Max("day")) == {
        "first": first,
        "last": today - datetime.timedelta(days=1),
    }
    assert tallies.values("day").distinct().count() == days
    assert tallies.values("venue", "day").distinct().count() == 27 * days

    # The busiest four (the centre's and three business districts') average about 1,000 a day over the year,
    # the others 100 to 300.
    per_venue = list(
        tallies.order_by().values("venue").annotate(n=Sum("visits")).order_by("-n").values_list("venue", "n")
    )
    assert all(900 * days <= n <= 1100 * days for _venue, n in per_venue[:4])
    assert all(100 * days <= n <= 300 * days for _venue, n in per_venue[4:])
    busiest = [venue for venue, _n in per_venue[:4]]
    assert (
        Venue.objects.filter(
            pk__in=busiest, service_point__kind=ServicePointKind.BUSINESS_LIVING_ROOM
        ).count()
        == 3
    )

    # The roll-up is the visits' own sum: over the year, and per venue, day, hour and purpose on a sample of
    # days (the first, one in the head-counted months, both sides of the door's records, yesterday).
    assert tallies.aggregate(n=Sum("visits"))["n"] == Visit.objects.aggregate(n=Sum("people"))["n"]
    assert tallies.aggregate(n=Sum("good"))["n"] == Visit.objects.filter(satisfaction="good").count()
    sample = [
        first,
        first + datetime.timedelta(days=100),
        recent - datetime.timedelta(days=1),
        recent,
        today - datetime.timedelta(days=1),
    ]
    key = ("venue", "day", "hour", "purpose")
    from_visits = set(
        Visit.objects.filter(day__in=sample)
        .order_by()
        .values(*key)
        .annotate(
            n=Sum("people"),
            good=Count("pk", filter=Q(satisfaction="good")),
            fair=Count("pk", filter=Q(satisfaction="fair")),
            poor=Count("pk", filter=Q(satisfaction="poor")),
        )
        .values_list(*key, "n", "good", "fair", "poor")
    )
    from_tallies = set(tallies.filter(day__in=sample).values_list(*key, "visits", "good", "fair", "poor"))
    assert len(from_tallies) > 27 * len(sample) * 11
    assert from_visits == from_tallies

    # Before the door's records: head counts naming nobody, in opening hours, one to three rows an hour, by
    # purpose (a service naming the service).
    before = Visit.objects.filter(day__lt=recent)
    assert before.exists() and not before.exclude(method="headcount").exists()
    assert not before.filter(Q(resident__isnull=False) | Q(user__isnull=False)).exists()
    assert not before.exclude(hour__gte=9, hour__lte=19).exists()
    assert before.values("purpose").distinct().count() >= 4
    assert not before.filter(purpose="service_item", item=None).exists()
    assert (
        not before.order_by().values("venue", "day", "hour").annotate(n=Count("pk")).filter(n__gt=3).exists()
    )
    assert before.order_by().values("venue", "day", "hour").annotate(n=Count("pk")).filter(n=3).exists()
    # The unique visitors are the residents the door's records name.
    officer = User.objects.get(username="city")
    figures = visit_statistics(user=officer, start=first, end=today - datetime.timedelta(days=1))
    assert figures.total == tallies.aggregate(n=Sum("visits"))["n"]
    named = Visit.objects.filter(day__gte=recent).aggregate(n=Count("resident", distinct=True))["n"]
    assert figures.unique_visitors == named > 0

    # The year's rhythm in the busiest venues: more on weekends and in the summer season, fewer over the
    # Spring Festival holiday.
    daily = _by_visits(tallies.filter(venue__in=busiest, day__lt=recent))
    weekends = statistics.fmean(n for day, n in daily.items() if day.weekday() >= 5)
    weekdays = statistics.fmean(n for day, n in daily.items() if day.weekday() < 5)
    assert weekends > 1.15 * weekdays
    new_years = {lunar_to_gregorian(year, 1, 1) for year in (first.year, today.year)}
    holiday = {new_year + datetime.timedelta(days=n) for new_year in new_years for n in range(-1, 7)}
    summer = [n for day, n in daily.items() if (6, 15) <= (day.month, day.day) <= (8, 31)]
    usual = [
        n for day, n in daily.items() if day not in holiday and not (6, 15) <= (day.month, day.day) <= (8, 31)
    ]
    if summer:
        assert statistics.fmean(summer) > 1.15 * statistics.fmean(usual)
    festival = [n for day, n in daily.items() if day in holiday]
    if festival:
        assert statistics.fmean(festival) < 0.7 * statistics.fmean(usual)
