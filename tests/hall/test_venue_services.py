"""Venues, zones, closures and items: the services' validation, and venue_open_during."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from huiketing.core.models import CalendarDay
from huiketing.hall import venue_services as services
from huiketing.hall.models import ServiceItem
from huiketing.places.models import ServicePoint

CHINA = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2030, 3, 1, 8, 0, tzinfo=CHINA)  # a Friday


def at(day, hour, minute=0):
    return datetime.datetime(2030, 3, day, hour, minute, tzinfo=CHINA)


@pytest.fixture
def venue(tree):
    grid = tree.grids[0]
    point = ServicePoint.objects.create(
        kind="living_room",
        names={"zh-hans": "测试会客厅", "en": "Test living room"},
        place=grid,
        place_code=grid.code,
        lat=47.845,
        lng=88.105,
        opening_hours=[
            {"days": [1, 2, 3, 4, 5], "opens": "09:00", "closes": "18:00"},
            {"days": [6], "opens": "10:00", "closes": "16:00"},
        ],
    )
    return services.venue_create(by=None, service_point=point, closed_on_public_holidays=True)


@pytest.fixture
def zone(venue):
    return services.zone_save(by=None, venue=venue, kind="cinema", names="红色影院", capacity=40)


def test_venue_needs_a_living_room_service_point(tree):
    grid = tree.grids[0]
    point = ServicePoint.objects.create(
        kind="canteen", names={"zh-hans": "食堂"}, place=grid, place_code=grid.code, lat=47.8, lng=88.1
    )
    with pytest.raises(ValidationError) as caught:
        services.venue_create(by=None, service_point=point)
    assert "service_point" in caught.value.message_dict


def test_open_inside_hours_and_closed_outside(venue):
    assert services.venue_open_during(venue, at(4, 9), at(4, 18)) == (True, "")
    with translation.override("en"):
        ok, reason = services.venue_open_during(venue, at(4, 8, 30), at(4, 10))
    assert not ok and "opening hours" in reason
    assert not services.venue_open_during(venue, at(4, 17), at(4, 18, 1))[0]
    assert services.venue_open_during(venue, at(2, 10), at(2, 16))[0]  # Saturday
    assert not services.venue_open_during(venue, at(3, 10), at(3, 11))[0]  # Sunday: no hours
    assert not services.venue_open_during(venue, at(4, 17), at(5, 10))[0]  # overnight


def test_closed_on_public_holidays_only_when_it_says_so(venue):
    CalendarDay.objects.create(date=datetime.date(2030, 3, 5), is_working_day=False, name="测试假日")
    with translation.override("en"):
        ok, reason = services.venue_open_during(venue, at(5, 10), at(5, 11))
    assert not ok and "public holidays" in reason
    services.venue_update(by=None, venue=venue, closed_on_public_holidays=False)
    venue.refresh_from_db()
    assert services.venue_open_during(venue, at(5, 10), at(5, 11))[0]


def test_closures_of_the_venue_and_of_a_zone(venue, zone):
    other = services.zone_save(by=None, venue=venue, kind="reading", names="阅览室", capacity=20)
    services.closure_add(
        by=None,
        venue=venue,
        zone=zone,
        starts_at=at(6, 9),
        ends_at=at(6, 12),
        reasons={"en": "Projector repair"},
        now=NOW,
    )
    with translation.override("en"):
        ok, reason = services.venue_open_during(venue, at(6, 11), at(6, 13), zone=zone)
    assert not ok and "Projector repair" in reason
    assert services.venue_open_during(venue, at(6, 12), at(6, 13), zone=zone)[0]  # touching the end
    assert services.venue_open_during(venue, at(6, 10), at(6, 11), zone=other)[0]
    assert services.venue_open_during(venue, at(6, 10), at(6, 11))[0]  # the venue itself is open
    services.closure_add(
        by=None, venue=venue, starts_at=at(7, 9), ends_at=at(7, 18), reasons={"en": "Election"}, now=NOW
    )
    with translation.override("en"):
        ok, reason = services.venue_open_during(venue, at(7, 15), at(7, 16), zone=other)
    assert not ok and "Election" in reason


def test_open_during_asks_one_query_without_holidays(venue):
    services.venue_update(by=None, venue=venue, closed_on_public_holidays=False)
    venue.refresh_from_db()
    venue.service_point  # noqa: B018 (loaded)
    with CaptureQueriesContext(connection) as queries:
        services.venue_open_during(venue, at(4, 9), at(4, 10))
    assert len(queries) == 1


def test_closure_errors_name_the_field(venue):
    with pytest.raises(ValidationError) as caught:
        services.closure_add(
            by=None, venue=venue, starts_at=at(6, 12), ends_at=at(6, 9), reasons="x", now=NOW
        )
    assert "ends_at" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.closure_add(
            by=None,
            venue=venue,
            starts_at=at(1, 1) - datetime.timedelta(days=3),
            ends_at=at(1, 2) - datetime.timedelta(days=3),
            reasons="x",
            now=NOW,
        )
    assert "ends_at" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.closure_add(by=None, venue=venue, starts_at=at(6, 9), ends_at=at(6, 12), reasons="", now=NOW)
    assert "reasons" in caught.value.message_dict


def test_closure_remove(venue):
    closure = services.closure_add(
        by=None, venue=venue, starts_at=at(6, 9), ends_at=at(6, 12), reasons="维修", now=NOW
    )
    services.closure_remove(by=None, closure=closure, now=NOW)
    assert not venue.closures.exists()


def _item(venue, **extra):
    fields = {
        "code": "blood-pressure",
        "names": {"zh-hans": "血压测量"},
        "category": "health",
        "provider_kind": "community",
        "audiences": ["elderly"],
    }
    fields.update(extra)
    return services.item_save(by=None, venue=venue, **fields)


def test_item_validation(venue, zone):
    for extra, field in [
        ({"audiences": ["aliens"]}, "audiences"),
        ({"needs_booking": True}, "capacity"),
        ({"price": "-1"}, "price"),
        ({"price": "abc"}, "price"),
        ({"category": "nope"}, "category"),
        ({"names": {}}, "names"),
    ]:
        with pytest.raises(ValidationError) as caught:
            _item(venue, **extra)
        assert field in caught.value.message_dict, extra
    item = _item(venue, needs_booking=True, capacity=10, price="0")
    assert item.capacity == 10 and item.price == 0
    with pytest.raises(ValidationError) as caught:
        _item(venue)
    assert "code" in caught.value.message_dict


def test_package_components_from_the_same_venue(venue, zone, tree):
    screening = _item(venue, code="screening", category="culture", zone=zone)
    grid = tree.grids[4]
    point = ServicePoint.objects.create(
        kind="living_room", names={"zh-hans": "别处"}, place=grid, place_code=grid.code, lat=47.8, lng=88.2
    )
    elsewhere = services.venue_create(by=None, service_point=point)
    foreign = _item(elsewhere, code="guide")
    with pytest.raises(ValidationError) as caught:
        _item(venue, code="party-day", is_package=True, components=[screening, foreign])
    assert "components" in caught.value.message_dict
    package = _item(venue, code="party-day", is_package=True, components=[screening])
    assert list(package.components.all()) == [screening]
    assert ServiceItem.objects.filter(venue=venue).count() == 2
