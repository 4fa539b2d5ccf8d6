"""The demo's living rooms (demo/hall.py): venues, the catalogue, the coming weeks and the visits."""

import functools

import pytest
from django.db.models import Count, Sum
from django.utils import timezone

from huiketing.demo import hall as demo_hall
from huiketing.demo import loader, registry
from huiketing.demo.data import hall as data
from huiketing.demo.loader import demo_load
from huiketing.hall.festivals import festival_date
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
    term = EventSeries.objects.get(festival__isnull=True)
    assert term.sessions.count() == 8
    assert Slot.objects.filter(series=term, capacity=30).exists()
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
