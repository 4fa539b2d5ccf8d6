"""Stored XSS: names and free text that staff or imports put in the database come back escaped on every page
that shows them: registry lists and details, the household page with its visits, the places pages and the
audit log."""

import pytest
from django.urls import reverse
from django.utils import timezone

from huiketing.core.audit import audit_record
from huiketing.core.models import AuditEntry
from huiketing.people import services as people_services
from huiketing.people.models import Resident, Role
from huiketing.people.validators import id_check_character
from huiketing.places.models import Place, ServicePoint
from huiketing.places.services import service_point_create

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
PAYLOADS = [SCRIPT, ATTRIBUTE]
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
RAW_MARKERS = ["<script>alert(1)", "<img src=x", "onerror=alert(1)>"]


def _names(text: str) -> dict:
    return {"zh-hans": text, "en": text, "ug": text, "kk": text}


@pytest.fixture
def hostile(tree, make_user):
    """Every kind of stored text a page shows, holding both payloads."""
    leader = make_user("t_xss_leader", Role.GRID_LEADER, tree.grids[0].code)
    grid = tree.grids[0]
    # Place and service point names are written straight to the rows: whatever a validator lets through
    # today, the pages must not rely on it.
    Place.objects.filter(pk=grid.pk).update(names=_names(f"{SCRIPT}网格"))
    Place.objects.filter(pk=tree.communities[0].pk).update(names=_names(f"{ATTRIBUTE}社区"))
    Place.objects.filter(pk=tree.city.pk).update(names=_names(f"{SCRIPT}市"))
    grid.refresh_from_db()
    point = service_point_create(
        by=None, kind="red_post", names=_names("驿站"), lat=grid.centroid_lat, lng=grid.centroid_lng
    )
    ServicePoint.objects.filter(pk=point.pk).update(names=_names(f"{ATTRIBUTE}{SCRIPT}驿站"))
    household = people_services.household_create(
        by=leader, grid=grid, building="1", room="101", address_note=f"{SCRIPT}{ATTRIBUTE}"
    )
    residents = []
    for n, payload in enumerate(PAYLOADS, start=1):
        first_17 = f"6543011980010100{n}"
        resident = people_services.resident_create(
            by=leader,
            household=household,
            full_name="测试居民",
            id_number=first_17 + id_check_character(first_17),
        )
        # The name validator refuses digits (so both payloads); an older row or another writer may not have.
        Resident.objects.filter(pk=resident.pk).update(full_name=payload)
        resident.refresh_from_db()
        residents.append(resident)
        audit_record(
            actor=leader,
            action="people.resident.update",
            obj=resident,
            changes={"full_name": ["测试居民", payload]},
            reason=payload,
        )
    visit = people_services.visit_record(
        by=leader,
        household=household,
        visited_on=timezone.localdate(),
        findings=f"findings {SCRIPT} {ATTRIBUTE}",
        follow_up=f"follow-up {ATTRIBUTE} {SCRIPT}",
    )
    return {"leader": leader, "household": household, "residents": residents, "visit": visit, "grid": grid}


def assert_escaped(response, *, must_show: str = ESCAPED_SCRIPT):
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    for marker in RAW_MARKERS:
        assert marker not in html, f"{response.request['PATH_INFO']}: unescaped {marker!r}"
    # The page does show the text (escaped), so the check above looked at the right thing.
    assert must_show in html, f"{response.request['PATH_INFO']}: the stored text is not shown at all"


def test_registry_pages_escape_names_addresses_and_visit_findings(client, hostile):
    client.force_login(hostile["leader"])
    household, residents = hostile["household"], hostile["residents"]
    assert_escaped(client.get(reverse("people:registry-residents")))
    assert_escaped(client.get(reverse("people:registry-residents"), {"name": "script"}))
    assert_escaped(client.get(reverse("people:registry-households")))
    for resident in residents:
        response = client.get(reverse("people:registry-resident", kwargs={"pk": resident.pk}))
        assert_escaped(response, must_show="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;")
    response = client.get(reverse("people:registry-household", kwargs={"pk": household.pk}))
    assert_escaped(response)
    html = response.content.decode()
    assert "findings &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "follow-up &quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    # Forms put stored values back into attributes.
    for name in ("people:registry-resident-edit", "people:registry-resident-move"):
        assert_escaped(
            client.get(reverse(name, kwargs={"pk": residents[1].pk})),
            must_show="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
        )


def test_places_pages_escape_place_and_service_point_names(client, hostile, tree):
    response = client.get(reverse("places:index"))
    assert_escaped(response)
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;社区" in response.content.decode()
    response = client.get(reverse("places:detail", kwargs={"code": hostile["grid"].code}))
    assert_escaped(response)
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;" in response.content.decode()
    assert_escaped(
        client.get(reverse("places:detail", kwargs={"code": tree.communities[0].code})),
        must_show="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
    )


def test_audit_pages_escape_what_the_entries_name(client, hostile, staff):
    client.force_login(staff[Role.ADMIN])
    assert_escaped(client.get(reverse("core:audit-list")))
    for entry in AuditEntry.objects.filter(action="people.resident.update"):
        assert entry.object_repr in PAYLOADS
        assert_escaped(
            client.get(reverse("core:audit-detail", kwargs={"pk": entry.pk})),
            must_show=ESCAPED_SCRIPT if entry.object_repr == SCRIPT else "&quot;&gt;&lt;img src=x",
        )
