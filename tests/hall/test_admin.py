"""The living rooms in the Django admin: every list and form opens for a superuser, lists ask the same number
of queries however many rows they show, changes with rules go through the services (their messages next to
the fields, their audit entries), and what runs a workflow is read only."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from huiketing.core.models import AuditEntry
from huiketing.hall import venue_services, visit_services
from huiketing.hall.models import (
    Attendance,
    Booking,
    Closure,
    Event,
    EventSeries,
    Festival,
    GalleryPhoto,
    Performer,
    ServiceItem,
    Slot,
    Venue,
    VenuePhoto,
    Visit,
    VisitTally,
    Zone,
)
from huiketing.people.models import User
from huiketing.places.models import ServicePoint
from tests.hall.test_venue_photos import jpeg

# (model, whether administrators add it here)
MODELS = [
    (Venue, True),
    (Zone, True),
    (Closure, True),
    (ServiceItem, True),
    (VenuePhoto, False),
    (Festival, True),
    (EventSeries, False),
    (Event, False),
    (Performer, False),
    (GalleryPhoto, False),
    (Attendance, False),
    (Slot, False),
    (Booking, False),
    (Visit, False),
    (VisitTally, False),
]


def url(model, page: str = "changelist", *args) -> str:
    from django.urls import reverse

    return reverse(f"admin:hall_{model._meta.model_name}_{page}", args=args)


@pytest.fixture
def superuser(db, client):
    user = User.objects.create_superuser("h_root", "root@example.org", "pass-for-tests-1")
    client.force_login(user)
    return user


def service_point(grid, name: str) -> ServicePoint:
    return ServicePoint.objects.create(
        kind="living_room",
        names={"zh-hans": name, "en": name},
        place=grid,
        place_code=grid.code,
        lat=47.845,
        lng=88.105,
        opening_hours=[{"days": [1, 2, 3, 4, 5, 6, 7], "opens": "08:00", "closes": "21:00"}],
    )


def grow(grid, n: int, user: User) -> None:
    """A venue with n of everything the admin lists."""
    venue = venue_services.venue_create(
        by=None, service_point=service_point(grid, f"会客厅{n}-{timezone.now()}")
    )
    festival = Festival.objects.create(
        code=f"local-{venue.pk}", names={"zh-hans": "节"}, calendar="gregorian", month=3, day=21
    )
    start = timezone.now() + datetime.timedelta(days=3)
    for i in range(n):
        zone = venue_services.zone_save(by=None, venue=venue, kind="reading", names=f"室{i}", capacity=10)
        item = venue_services.item_save(
            by=None,
            venue=venue,
            code=f"item-{i}",
            names=f"服务{i}",
            category="culture",
            provider_kind="community",
            audiences=["everyone", "elderly"],
            zone=zone,
        )
        venue_services.closure_add(
            by=None,
            venue=venue,
            zone=zone,
            starts_at=start + datetime.timedelta(days=i),
            ends_at=start + datetime.timedelta(days=i, hours=1),
            reasons="维修",
        )
        venue_services.venue_photo_add(by=None, venue=venue, upload=jpeg(), captions={"zh-hans": f"照片{i}"})
        series = EventSeries.objects.create(venue=venue, titles={"zh-hans": f"课程{i}"}, festival=festival)
        event = Event.objects.create(
            venue=venue,
            place_code=venue.place_code,
            zone=zone,
            series=series,
            festival=festival,
            item=item,
            kind="class",
            titles={"zh-hans": f"活动{i}"},
            starts_at=start + datetime.timedelta(days=10 + i),
            ends_at=start + datetime.timedelta(days=10 + i, hours=1),
        )
        Performer.objects.create(event=event, group_name=f"合唱团{i}", act="歌")
        GalleryPhoto.objects.create(event=event, image=f"hall/events/{i}.jpg", caption=f"图{i}")
        slot = Slot.objects.create(
            venue=venue,
            place_code=venue.place_code,
            zone=zone,
            starts_at=start + datetime.timedelta(days=20 + i),
            ends_at=start + datetime.timedelta(days=20 + i, hours=1),
            capacity=5,
            taken=1,
        )
        booking = Booking.objects.create(slot=slot, user=user, status="confirmed")
        Attendance.objects.create(event=event, booking=booking)
        visit_services._new_visit(
            venue=venue,
            at=timezone.now() - datetime.timedelta(hours=i),
            purpose="service_item",
            item=item,
            method="staff",
        )


def _count(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


def test_every_list_and_form_opens(client, superuser, tree):
    grow(tree.grids[0], 2, superuser)
    for model, addable in MODELS:
        assert client.get(url(model)).status_code == 200, model
        assert client.get(url(model) + "?q=1").status_code == 200, model
        assert client.get(url(model, "add")).status_code == (200 if addable else 403), model
        obj = model.objects.order_by("pk").first()
        assert client.get(url(model, "change", obj.pk)).status_code == 200, model
    for query in (f"?venue={Venue.objects.first().pk}", "?audience=elderly", "?category=culture"):
        assert client.get(url(ServiceItem) + query).status_code == 200
    assert client.get(url(Venue) + f"?community={tree.communities[0].code}").status_code == 200


def test_lists_do_not_ask_more_with_more_rows(client, superuser, tree):
    grow(tree.grids[0], 1, superuser)
    paths = [url(model) for model, _addable in MODELS]
    [_count(client, path) for path in paths]
    small = {path: _count(client, path) for path in paths}
    grow(tree.grids[1], 4, superuser)
    grow(tree.grids[4], 3, superuser)
    assert {path: _count(client, path) for path in paths} == small


def test_venues_zones_and_items_are_saved_by_their_services(client, superuser, tree):
    point = service_point(tree.grids[0], "新会客厅")
    data = {
        "service_point": str(point.pk),
        "descriptions": "{}",
        "accessibility": "{}",
        "demonstrates": "{}",
        "is_active": "on",
        "is_demonstration_site": "on",
    }
    with translation.override("en"):
        response = client.post(url(Venue, "add") + "?lang=en", data)
    assert response.status_code == 200
    assert "Say what this demonstration site demonstrates." in response.content.decode()
    assert not Venue.objects.exists() and not AuditEntry.objects.filter(action="hall.venue.created").exists()

    response = client.post(url(Venue, "add"), {**data, "demonstrates": '{"zh-hans": "便民服务"}'})
    assert response.status_code == 302
    venue = Venue.objects.get()
    assert (venue.place_code, venue.is_demonstration_site) == (tree.grids[0].code, True)
    assert AuditEntry.objects.filter(action="hall.venue.created", actor=superuser).count() == 1
    response = client.post(
        url(Venue, "change", venue.pk),
        {**data, "demonstrates": '{"zh-hans": "便民服务"}', "is_active": ""},
    )
    assert response.status_code == 302 and not Venue.objects.get().is_active
    assert AuditEntry.objects.get(action="hall.venue.updated").changes["is_active"] == [True, False]

    response = client.post(
        url(Zone, "add"),
        {
            "venue": str(venue.pk),
            "kind": "reading",
            "names": '{"zh-hans": "阅览室"}',
            "capacity": "12",
            "position": "0",
        },
    )
    assert response.status_code == 302 and Zone.objects.get().capacity == 12
    assert AuditEntry.objects.filter(action="hall.zone.created", actor=superuser).exists()

    item = {
        "venue": str(venue.pk),
        "code": "cinema",
        "names": '{"zh-hans": "红色影院"}',
        "descriptions": "{}",
        "category": "culture",
        "provider_kind": "community",
        "provider_names": "{}",
        "audiences": '["everyone"]',
        "needs_booking": "on",
        "price": "0",
        "required_documents": "{}",
        "is_active": "on",
        "position": "0",
    }
    with translation.override("en"):
        response = client.post(url(ServiceItem, "add") + "?lang=en", item)
    assert response.status_code == 200
    assert "An item that needs booking needs a number of places." in response.content.decode()
    assert not ServiceItem.objects.exists()
    assert client.post(url(ServiceItem, "add"), {**item, "capacity": "30"}).status_code == 302
    cinema = ServiceItem.objects.get()
    package = {
        **item,
        "code": "party-day",
        "is_package": "on",
        "needs_booking": "",
        "components": [str(cinema.pk)],
    }
    assert client.post(url(ServiceItem, "add"), package).status_code == 302
    assert list(ServiceItem.objects.get(code="party-day").components.all()) == [cinema]
    assert AuditEntry.objects.filter(action="hall.item.created", actor=superuser).count() == 2
    assert client.get(url(Venue, "delete", venue.pk)).status_code == 403


def test_closures_are_added_and_removed_by_their_services(client, superuser, tree):
    venue = venue_services.venue_create(by=None, service_point=service_point(tree.grids[0], "会客厅"))
    past = {
        "venue": str(venue.pk),
        "starts_at_0": "2020-01-01",
        "starts_at_1": "09:00",
        "ends_at_0": "2020-01-01",
        "ends_at_1": "10:00",
        "reasons": '{"zh-hans": "维修"}',
    }
    with translation.override("en"):
        response = client.post(url(Closure, "add") + "?lang=en", past)
    assert response.status_code == 200
    assert "The closure is already over" in response.content.decode()
    year = timezone.localdate().year + 1
    coming = {**past, "starts_at_0": f"{year}-01-02", "ends_at_0": f"{year}-01-02"}
    assert client.post(url(Closure, "add"), coming).status_code == 302
    closure = Closure.objects.get()
    assert closure.created_by == superuser
    assert AuditEntry.objects.filter(action="hall.closure.added", actor=superuser).exists()
    assert client.post(url(Closure, "change", closure.pk), coming).status_code == 403
    assert client.post(url(Closure, "delete", closure.pk), {"post": "yes"}).status_code == 302
    assert not Closure.objects.exists()
    assert AuditEntry.objects.filter(action="hall.closure.removed", actor=superuser).exists()


def test_festivals_are_edited_here_and_audited(client, superuser):
    data = {
        "code": "nowruz",
        "names": '{"zh-hans": "纳吾肉孜节"}',
        "calendar": "gregorian",
        "month": "4",
        "day": "31",
        "is_active": "on",
    }
    with translation.override("en"):
        response = client.post(url(Festival, "add") + "?lang=en", data)
    assert response.status_code == 200 and "This month does not have this day." in response.content.decode()
    assert client.post(url(Festival, "add"), {**data, "month": "3", "day": "21"}).status_code == 302
    nowruz = Festival.objects.get(code="nowruz")
    assert AuditEntry.objects.get(action="hall.festival.added", actor=superuser).changes["day"] == [None, 21]
    response = client.post(
        url(Festival, "change", nowruz.pk), {**data, "month": "3", "day": "22", "code": "other"}
    )
    assert response.status_code == 302
    nowruz.refresh_from_db()
    assert (nowruz.code, nowruz.day) == ("nowruz", 22)  # the code stays
    assert AuditEntry.objects.get(action="hall.festival.changed").changes == {"day": [21, 22]}
    assert client.get(url(Festival, "delete", nowruz.pk)).status_code == 403


def test_read_only_records_are_not_changed_here(client, superuser, tree):
    grow(tree.grids[0], 1, superuser)
    slot = Slot.objects.get()
    response = client.post(url(Slot, "change", slot.pk), {"capacity": "0"})
    assert response.status_code == 403
    assert Slot.objects.get().capacity == 5
    tally = VisitTally.objects.get()
    assert client.post(url(VisitTally, "change", tally.pk), {"visits": "99"}).status_code == 403
    assert VisitTally.objects.get().visits == 1
    photo = VenuePhoto.objects.get()
    assert client.post(url(VenuePhoto, "delete", photo.pk), {"post": "yes"}).status_code == 302
    assert AuditEntry.objects.filter(action="hall.venue.photo_removed", actor=superuser).exists()
