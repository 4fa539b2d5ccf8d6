"""Visits: check-in at the door (one visit per person per venue per 30 minutes), walk-ins, head counts, the
one-tap rating, and the statistics against figures computed by hand."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone, translation

from huiketing.core.audit import AuditEntry
from huiketing.hall import visit_selectors as selectors
from huiketing.hall import visit_services as services
from huiketing.hall.models import ServiceItem, Venue
from huiketing.hall.visit_models import Visit, VisitMethod, VisitPurpose, VisitTally
from huiketing.people.models import Role
from huiketing.places.models import ServicePoint

CHINA = ZoneInfo("Asia/Shanghai")


def make_venue(grid, name: str = "会客厅") -> Venue:
    point = ServicePoint.objects.create(
        kind="living_room",
        names={"zh-hans": name, "en": name},
        place=grid,
        place_code=grid.code,
        lat=47.8,
        lng=88.1,
    )
    return Venue.objects.create(service_point=point, place_code=grid.code)


def make_item(venue: Venue, code: str = "cinema") -> ServiceItem:
    return ServiceItem.objects.create(
        venue=venue,
        code=code,
        names={"en": code},
        category="culture",
        provider_kind="community",
        audiences=[],
    )


def visit_at(venue: Venue, at: datetime, **fields) -> Visit:
    """A visit at a given time, as the services store it (local day and hour)."""
    fields.setdefault("method", VisitMethod.QR)
    fields.setdefault("purpose", VisitPurpose.READING)
    return services._new_visit(venue=venue, at=at, **fields)


@pytest.fixture
def venue(tree):
    return make_venue(tree.grids[0])


@pytest.fixture
def far_venue(tree):
    return make_venue(tree.grids[4], "远处会客厅")


@pytest.fixture
def door_staff(tree, make_user):
    return make_user("v_staff", Role.COMMUNITY_STAFF, tree.communities[0].code)


def test_check_in_once_per_thirty_minutes(venue, make_user):
    user = make_user("v_phone")
    first = services.visit_check_in_by_token(
        user=user, token=venue.check_in_token, purpose=VisitPurpose.READING
    )
    assert first.is_new and first.method == VisitMethod.QR and first.people == 1
    local = timezone.localtime(first.at, CHINA)
    assert (first.day, first.hour, first.place_code) == (local.date(), local.hour, venue.place_code)

    again = services.visit_check_in_by_token(user=user, token=venue.check_in_token, purpose=VisitPurpose.REST)
    assert again.pk == first.pk and not again.is_new
    assert Visit.objects.count() == 1

    Visit.objects.filter(pk=first.pk).update(at=first.at - timedelta(minutes=31))
    later = services.visit_check_in_by_token(user=user, token=venue.check_in_token, purpose=VisitPurpose.REST)
    assert later.is_new and later.pk != first.pk
    assert Visit.objects.count() == 2


def test_check_in_counts_other_people_and_other_venues_apart(venue, far_venue, make_user):
    one, two = make_user("v_one"), make_user("v_two")
    services.visit_check_in_by_token(user=one, token=venue.check_in_token, purpose=VisitPurpose.READING)
    services.visit_check_in_by_token(user=two, token=venue.check_in_token, purpose=VisitPurpose.READING)
    services.visit_check_in_by_token(user=one, token=far_venue.check_in_token, purpose=VisitPurpose.READING)
    assert Visit.objects.count() == 3


def test_check_in_refusals_name_the_field(venue, far_venue, make_user):
    user = make_user("v_phone")
    with pytest.raises(ValidationError) as error:
        services.visit_check_in_by_token(user=user, token="nope", purpose=VisitPurpose.READING)
    assert "token" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.visit_check_in_by_token(user=user, token=venue.check_in_token, purpose="dancing")
    assert "purpose" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.visit_check_in_by_token(
            user=user, token=venue.check_in_token, purpose=VisitPurpose.SERVICE_ITEM
        )
    assert "item" in error.value.message_dict
    other_item = make_item(far_venue)
    with pytest.raises(ValidationError) as error:
        services.visit_check_in_by_token(
            user=user, token=venue.check_in_token, purpose=VisitPurpose.SERVICE_ITEM, item=other_item
        )
    assert "item" in error.value.message_dict
    Venue.objects.filter(pk=venue.pk).update(is_active=False)
    with pytest.raises(ValidationError):
        services.visit_check_in_by_token(user=user, token=venue.check_in_token, purpose=VisitPurpose.READING)
    assert not Visit.objects.exists()

    item = make_item(far_venue, "library")
    visit = services.visit_check_in_by_token(
        user=user, token=far_venue.check_in_token, purpose=VisitPurpose.SERVICE_ITEM, item=item
    )
    assert visit.item == item


def test_walk_in_and_head_count(venue, door_staff):
    walk_in = services.visit_record_walk_in(by=door_staff, venue=venue, purpose=VisitPurpose.REST)
    assert (walk_in.method, walk_in.people, walk_in.recorded_by) == (VisitMethod.STAFF, 1, door_staff)
    group = services.visit_head_count(by=door_staff, venue=venue, people=23, purpose=VisitPurpose.MEETING)
    assert (group.method, group.people, group.user, group.resident) == (VisitMethod.HEADCOUNT, 23, None, None)
    assert AuditEntry.objects.filter(action__in=["hall.visit.walk_in", "hall.visit.head_count"]).count() == 2
    for people in (0, -3, services.MAX_HEAD_COUNT + 1):
        with pytest.raises(ValidationError) as error:
            services.visit_head_count(by=door_staff, venue=venue, people=people, purpose=VisitPurpose.MEETING)
        assert "people" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.visit_record_walk_in(by=door_staff, venue=venue, purpose=VisitPurpose.REST, people=2)
    assert "people" in error.value.message_dict
    assert selectors.visits_today(venue=venue) == 24


def test_rating_once_by_the_visitor_within_a_day(venue, door_staff, make_user):
    user, other = make_user("v_phone"), make_user("v_other")
    visit = services.visit_check_in_by_token(
        user=user, token=venue.check_in_token, purpose=VisitPurpose.READING
    )
    with pytest.raises(ValidationError):
        services.visit_rate(by=other, visit=visit, satisfaction="good")
    with pytest.raises(ValidationError) as error:
        services.visit_rate(by=user, visit=visit, satisfaction="excellent")
    assert "satisfaction" in error.value.message_dict
    rated = services.visit_rate(by=user, visit=visit, satisfaction="fair")
    assert rated.satisfaction == "fair" and rated.rated_at is not None
    with pytest.raises(ValidationError):
        services.visit_rate(by=user, visit=visit, satisfaction="good")
    assert Visit.objects.get(pk=visit.pk).satisfaction == "fair"
    figures = selectors.visit_statistics(user=user, start=visit.day, end=visit.day, venue_id=None)
    assert figures.venues == []  # a visitor reads no statistics
    assert VisitTally.objects.get(venue=venue).fair == 1

    old = visit_at(venue, timezone.now() - timedelta(hours=25), user=user)
    with pytest.raises(ValidationError):
        services.visit_rate(by=user, visit=old, satisfaction="good")
    group = services.visit_head_count(by=door_staff, venue=venue, people=5, purpose=VisitPurpose.REST)
    with pytest.raises(ValidationError):
        services.visit_rate(by=door_staff, visit=group, satisfaction="good")


def test_statistics_equal_figures_by_hand(venue, far_venue, door_staff, make_user):
    a, b = make_user("v_a"), make_user("v_b")
    day1, day2 = date(2026, 3, 2), date(2026, 3, 3)

    def at(day, hour, minute=0):
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=CHINA)

    visit_at(venue, at(day1, 9), user=a, purpose=VisitPurpose.READING, satisfaction="good")
    visit_at(venue, at(day1, 9, 40), user=a, purpose=VisitPurpose.REST, satisfaction="good")
    visit_at(venue, at(day1, 15), user=b, purpose=VisitPurpose.READING, satisfaction="poor")
    visit_at(venue, at(day2, 0, 30), method=VisitMethod.HEADCOUNT, people=12, purpose=VisitPurpose.MEETING)
    visit_at(venue, at(day2, 15), method=VisitMethod.STAFF, purpose=VisitPurpose.OTHER, satisfaction="fair")
    visit_at(venue, at(day2 + timedelta(days=1), 10), user=a)  # after the range
    visit_at(far_venue, at(day1, 9), user=b, people=1)  # outside the staff member's area

    figures = selectors.visit_statistics(user=door_staff, start=day1, end=day2)
    assert [v.pk for v in figures.venues] == [venue.pk]
    assert figures.total == 3 + 12 + 1
    assert figures.unique_visitors == 2  # a and b; the head count and the anonymous walk-in name nobody
    assert figures.per_day == [(day1, 3), (day2, 13)]
    purposes = {code: n for code, _label, n in figures.per_purpose}
    assert purposes == {"service_item": 0, "event": 0, "reading": 2, "rest": 1, "meeting": 12, "other": 1}
    hours = dict(figures.per_hour)
    assert (
        len(hours) == 24 and hours[0] == 12 and hours[9] == 2 and hours[15] == 2 and sum(hours.values()) == 16
    )
    assert figures.rated == 4
    shares = {code: (count, percent) for code, _label, count, percent in figures.satisfaction}
    assert shares == {"good": (2, 50.0), "fair": (1, 25.0), "poor": (1, 25.0)}

    one = selectors.visit_statistics(user=door_staff, start=day1, end=day1, venue_id=venue.pk)
    assert one.total == 3 and one.per_day == [(day1, 3)]


def test_statistics_scope(venue, far_venue, door_staff, make_user, tree):
    with pytest.raises(Http404):
        selectors.visit_statistics(
            user=door_staff, start=date(2026, 1, 1), end=date(2026, 1, 2), venue_id=far_venue.pk
        )
    with pytest.raises(Http404):
        selectors.venue_get_for_staff(user=door_staff, venue_id=far_venue.pk)
    resident = make_user("v_resident", Role.RESIDENT, tree.grids[0].code)
    assert (
        selectors.visit_statistics(user=resident, start=date(2026, 1, 1), end=date(2026, 1, 1)).venues == []
    )


def test_statistics_range_refused():
    with pytest.raises(ValidationError) as error:
        selectors.statistics_range(start=date(2026, 3, 2), end=date(2026, 3, 1))
    assert "start" in error.value.message_dict
    with pytest.raises(ValidationError):
        selectors.statistics_range(start=date(2025, 1, 1), end=date(2026, 3, 1))
    assert selectors.statistics_range(start=date(2025, 3, 2), end=date(2026, 3, 1))


def test_the_door_offers_today_s_active_items_and_events_and_refuses_a_cancelled_event(
    venue, far_venue, make_user
):
    from huiketing.hall import event_services
    from huiketing.hall.models import Event, EventKind
    from tests.hall.test_booking_services import EVERY_DAY

    ServicePoint.objects.filter(pk__in=[venue.service_point_id, far_venue.service_point_id]).update(
        opening_hours=EVERY_DAY
    )
    venue.service_point.refresh_from_db()
    far_venue.service_point.refresh_from_db()

    def event(at_venue, starts_at, title):
        return event_services.event_create(
            by=None,
            venue=at_venue,
            kind=EventKind.LECTURE,
            titles={"en": title},
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            needs_registration=False,
            capacity=None,
        )

    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    item, stopped = make_item(venue, "cinema"), make_item(venue, "chess")
    ServiceItem.objects.filter(pk=stopped.pk).update(is_active=False)
    make_item(far_venue, "library")
    held = event(venue, today + timedelta(hours=10), "held")
    cancelled = event(venue, today + timedelta(hours=14), "cancelled")
    Event.objects.filter(pk=cancelled.pk).update(is_cancelled=True)
    event(venue, today + timedelta(days=1, hours=10), "tomorrow")
    event(venue, today - timedelta(days=1) + timedelta(hours=10), "yesterday")
    event(far_venue, today + timedelta(hours=10), "elsewhere")

    items, events = selectors.venue_purposes_today(venue=venue)
    assert list(items) == [item.pk]
    assert list(events) == [held.pk]

    # The service itself refuses a visit to a cancelled event, whichever page or client sends it.
    cancelled.refresh_from_db()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.visit_check_in_by_token(
            user=make_user("v_phone"), token=venue.check_in_token, purpose=VisitPurpose.EVENT, event=cancelled
        )
    assert error.value.message_dict == {"event": ["This event is cancelled."]}
    assert not Visit.objects.exists()


def test_only_staff_who_manage_the_venue_renew_its_door_code(venue, door_staff, make_user, tree):
    from django.core.exceptions import PermissionDenied

    token = venue.check_in_token
    for someone in [
        None,
        make_user("v_resident"),
        make_user(
            "v_leader", Role.GRID_LEADER, tree.grids[0].code
        ),  # at the door, but not the venue's keeper
        make_user("v_other", Role.COMMUNITY_STAFF, tree.communities[1].code),
    ]:
        with pytest.raises(PermissionDenied):
            services.venue_check_in_token_renew(by=someone, venue=venue)
    assert Venue.objects.get(pk=venue.pk).check_in_token == token
    renewed = services.venue_check_in_token_renew(by=door_staff, venue=venue)
    assert renewed.check_in_token != token
    assert (
        AuditEntry.objects.filter(action="hall.venue.check_in_code_renewed", object_id=str(venue.pk)).count()
        == 1
    )
