# ruff: noqa: F811  (the fixtures imported from test_visit_services are used as arguments)
"""The walk-in form at the staff's door: the service item chosen from the venue's (another venue's is
refused), the resident found by name in the staff's registry scope and shown masked (one out of scope is
refused like a missing one), in two steps without script; the roll-up counts the visit."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from huiketing.core.models import AuditEntry
from huiketing.hall.visit_models import Visit, VisitMethod, VisitPurpose, VisitTally
from huiketing.people import services as people_services
from huiketing.people.models import Role
from huiketing.people.validators import id_check_character
from tests.hall.test_visit_services import door_staff, far_venue, make_item, venue  # noqa: F401

REFUSED_RESIDENT = "Choose the resident from the search results."


def resident(grid, name: str, first_17: str, phone: str, room: str = "101"):
    household = people_services.household_create(by=None, grid=grid, building="1", room=room)
    return people_services.resident_create(
        by=None,
        household=household,
        full_name=name,
        id_number=first_17 + id_check_character(first_17),
        phone=phone,
    )


@pytest.fixture
def near(tree):
    return resident(tree.grids[0], "王小明", "65430119800101001", "13912345678")


@pytest.fixture
def far(tree):
    return resident(tree.grids[4], "王小明", "65430119800101002", "13987654321")


@pytest.fixture
def door(client, door_staff, venue):
    client.force_login(door_staff)
    client.url = reverse("hall:visit-door", args=[venue.pk]) + "?lang=en"
    return client


def record(door, **fields):
    data = {"walk_in-purpose": fields.pop("purpose", VisitPurpose.REST)}
    data.update({f"walk_in-{name}": value for name, value in fields.items()})
    with translation.override("en"):
        return door.post(door.url, data)


def test_search_shows_only_masked_matches_in_scope(door, near, far):
    entries = AuditEntry.objects.count()
    response = record(door, find="小明", search="1")
    assert response.status_code == 200
    html = response.content.decode()
    radios = re.findall(r'<input type="radio" name="walk_in-resident" value="(\d*)"', html)
    assert radios == ["", str(near.pk)]  # "nobody named", then the one match in scope
    assert "王**" in html and near.id_number_masked in html and "139****5678" in html
    for secret in (
        "王小明",
        near.id_number,
        far.id_number,
        "13912345678",
        "13987654321",
        far.id_number_masked,
    ):
        assert secret not in html
    assert not Visit.objects.exists()
    assert AuditEntry.objects.count() == entries  # nothing revealed, so no full read on record

    none = record(door, find="李", search="1").content.decode()
    assert "registry matches this name." in none


def test_a_resident_out_of_scope_is_refused_like_a_missing_one(door, near, far):
    out_of_scope = record(door, find="小明", resident=str(far.pk))
    missing = record(door, resident="999999")
    for response in (out_of_scope, missing):
        assert response.status_code == 400
        assert REFUSED_RESIDENT in response.content.decode()
    assert not Visit.objects.exists()

    assert record(door, find="小明", resident=str(near.pk)).status_code == 302
    visit = Visit.objects.get()
    assert (visit.resident, visit.method, visit.purpose) == (near, VisitMethod.STAFF, VisitPurpose.REST)


def test_the_service_itself_refuses_a_resident_out_of_the_staffs_scope(door_staff, venue, near, far):
    """Not only the page: whoever calls the service cannot name a resident outside the registry they cover."""
    from django.core.exceptions import ValidationError

    from huiketing.hall import visit_services

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        visit_services.visit_record_walk_in(
            by=door_staff, venue=venue, purpose=VisitPurpose.REST, resident=far
        )
    assert refused.value.messages == [REFUSED_RESIDENT]
    assert not Visit.objects.exists()
    visit = visit_services.visit_record_walk_in(
        by=door_staff, venue=venue, purpose=VisitPurpose.REST, resident=near
    )
    assert visit.resident == near


def test_a_service_item_of_another_venue_is_refused(door, venue, far_venue):
    make_item(venue, "reading")
    elsewhere = make_item(far_venue, "elsewhere")
    response = record(door, purpose=VisitPurpose.SERVICE_ITEM, item=str(elsewhere.pk))
    assert response.status_code == 400
    assert "This service is not offered in this living room." in response.content.decode()
    assert not Visit.objects.exists() and not VisitTally.objects.exists()


def test_the_walk_in_names_the_item_and_the_resident_and_is_tallied(door, venue, near):
    walk_in = make_item(venue, "library")
    booked = make_item(venue, "cinema")
    booked.needs_booking, booked.capacity = True, 20
    booked.save()
    html = door.get(door.url).content.decode()
    assert re.search(rf'<optgroup label="Without booking">\s*<option value="{walk_in.pk}"', html)
    assert re.search(rf'<optgroup label="Booked ahead">\s*<option value="{booked.pk}"', html)

    response = record(
        door, purpose=VisitPurpose.SERVICE_ITEM, item=str(walk_in.pk), find="小明", resident=str(near.pk)
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert (visit.item, visit.resident, visit.user, visit.people) == (walk_in, near, None, 1)
    assert record(door, purpose=VisitPurpose.SERVICE_ITEM, item=str(booked.pk)).status_code == 302
    tally = VisitTally.objects.get(venue=venue, purpose=VisitPurpose.SERVICE_ITEM)
    assert tally.visits == 2
    assert sorted(Visit.objects.values_list("item_id", flat=True)) == sorted([walk_in.pk, booked.pk])
    assert record(door, purpose=VisitPurpose.READING).status_code == 302
    assert VisitTally.objects.get(venue=venue, purpose=VisitPurpose.READING).visits == 1

    # A service named for another purpose, or a service visit naming none, is refused by the service.
    response = record(door, purpose=VisitPurpose.READING, item=str(walk_in.pk))
    assert response.status_code == 400
    assert "A service is chosen only for a visit to a service." in response.content.decode()
    response = record(door, purpose=VisitPurpose.SERVICE_ITEM)
    assert response.status_code == 400 and "Choose the service." in response.content.decode()
    assert Visit.objects.count() == 3


def _count(door, method: str, data=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = door.get(door.url) if method == "get" else door.post(door.url, data)
    assert response.status_code == 200
    return len(queries)


def test_door_page_and_search_queries_do_not_grow(door, tree, venue):
    search = {"walk_in-purpose": VisitPurpose.REST, "walk_in-find": "张", "walk_in-search": "1"}
    resident(tree.grids[0], "张零", "65430119800101101", "13900000001", room="201")
    make_item(venue, "item-0")
    _count(door, "get"), _count(door, "post", search)
    small = (_count(door, "get"), _count(door, "post", search))
    for n in range(1, 8):
        resident(
            tree.grids[n % 2],
            "张" + "一二三四五六七"[n - 1],
            f"654301198001011{n + 1:02d}",
            f"1390000{n:04d}",
            room=f"3{n:02d}",
        )
        make_item(venue, f"item-{n}")
    assert small == (_count(door, "get"), _count(door, "post", search))
    html = door.post(door.url, search).content.decode()
    assert html.count('name="walk_in-resident"') == 9


def test_a_grid_leader_finds_only_their_grid(client, tree, venue, make_user):
    mine = resident(tree.grids[0], "赵一", "65430119800101201", "13900001201")
    other = resident(tree.grids[1], "赵二", "65430119800101202", "13900001202", room="102")
    client.force_login(make_user("w_leader", Role.GRID_LEADER, tree.grids[0].code))
    url = reverse("hall:visit-door", args=[venue.pk])
    html = client.post(url, {"walk_in-purpose": "rest", "walk_in-find": "赵", "walk_in-search": "1"}).content
    values = re.findall(rb'name="walk_in-resident" value="(\d*)"', html)
    assert values == [b"", str(mine.pk).encode()]
    assert client.post(url, {"walk_in-purpose": "rest", "walk_in-resident": str(other.pk)}).status_code == 400
    assert not Visit.objects.exists()
