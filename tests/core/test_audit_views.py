"""Browsing the audit log: scoped list, filters, pages, detail, CSV export, API, admin; query counts."""

import csv
import datetime
import io
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from huiketing.core.audit import audit_record
from huiketing.core.models import AuditEntry
from huiketing.people.models import Role


def at(day: str, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(day).replace(hour=hour))


def record(action="tests.thing.done", place_code="", when=None, **kwargs) -> AuditEntry:
    if when is None:
        return audit_record(actor=kwargs.pop("actor", None), action=action, place_code=place_code, **kwargs)
    with mock.patch("django.utils.timezone.now", return_value=when):
        return audit_record(actor=kwargs.pop("actor", None), action=action, place_code=place_code, **kwargs)


@pytest.fixture
def world(tree, make_user):
    users = {
        "leader": make_user("t_a_leader", Role.GRID_LEADER, tree.grids[0].code),
        "community": make_user("t_a_community", Role.COMMUNITY_STAFF, tree.communities[0].code),
        "admin": make_user("t_a_admin", Role.ADMIN),
        "resident": make_user("t_a_resident", Role.RESIDENT, tree.grids[0].code),
    }
    AuditEntry.objects.filter(action="people.role.assigned").exists()  # the fixture's own entries stay
    entries = {
        "grid0": record("places.place.changed", tree.grids[0].code, actor=users["admin"]),
        "grid1": record("places.place.renamed", tree.grids[1].code),
        "outside": record("places.place.changed", tree.grids[4].code),
        "noplace": record("core.settings.changed", ""),
    }
    return users, entries


def visible(client, **params) -> set[int]:
    response = client.get("/audit/", params)
    assert response.status_code == 200
    return {entry.pk for entry in response.context["entries"]}


def test_list_is_scoped(client, world):
    users, entries = world
    client.force_login(users["leader"])
    seen = visible(client)
    assert entries["grid0"].pk in seen
    assert entries["grid1"].pk not in seen  # the next grid is not the leader's
    assert entries["outside"].pk not in seen
    assert entries["noplace"].pk not in seen  # entries about no place: administrators only
    client.force_login(users["community"])
    assert {entries["grid0"].pk, entries["grid1"].pk} <= visible(client)
    assert entries["outside"].pk not in visible(client)
    client.force_login(users["admin"])
    assert {e.pk for e in entries.values()} <= visible(client)


def test_list_refuses_residents_and_sends_anonymous_to_login(client, world):
    users, _entries = world
    client.force_login(users["resident"])
    assert client.get("/audit/").status_code == 403
    client.logout()
    response = client.get("/audit/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"action": "places."}, {"grid0", "grid1", "outside"}),
        ({"action": "places.place.ren"}, {"grid1"}),
        ({"place": "654301002"}, {"outside"}),
        ({"place": "654301001001", "action": "places."}, {"grid0", "grid1"}),
        ({"actor": "t_a_admin", "action": "places."}, {"grid0"}),
        ({"object_type": "people.", "action": "places."}, set()),
    ],
)
def test_filters(client, world, params, expected):
    users, entries = world
    client.force_login(users["admin"])
    assert visible(client, **params) == {entries[name].pk for name in expected}


def test_date_filters_are_inclusive_local_days(client, world):
    users, _entries = world
    early = record("tests.dated", "654301001001001", when=at("2026-03-01", 0) + datetime.timedelta(minutes=5))
    middle = record("tests.dated", "654301001001001", when=at("2026-03-02"))
    late = record(
        "tests.dated", "654301001001001", when=at("2026-03-03", 23) + datetime.timedelta(minutes=59)
    )
    client.force_login(users["admin"])
    assert visible(client, action="tests.dated", date_from="2026-03-02") == {middle.pk, late.pk}
    assert visible(client, action="tests.dated", date_to="2026-03-02") == {early.pk, middle.pk}
    assert visible(client, action="tests.dated", date_from="2026-03-01", date_to="2026-03-01") == {early.pk}
    assert visible(client, action="tests.dated", date_from="2026-03-03", date_to="2026-03-03") == {late.pk}


def test_invalid_filters_show_errors_and_no_entries(client, world):
    users, _entries = world
    client.force_login(users["admin"])
    response = client.get("/audit/", {"place": "65x", "date_from": "2026-03-05", "date_to": "2026-03-01"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"place", "date_to"}
    assert list(response.context["entries"]) == []


def test_pages_of_fifty_keep_the_filters(client, world):
    users, _entries = world
    for n in range(55):
        record(f"tests.paged.{n:02d}", "654301001001001")
    client.force_login(users["leader"])
    first = client.get("/audit/", {"action": "tests.paged."})
    assert len(first.context["entries"]) == 50
    assert first.context["page"].paginator.count == 55
    assert "action=tests.paged.&amp;page=2" in first.content.decode()
    second = client.get("/audit/", {"action": "tests.paged.", "page": 2})
    assert len(second.context["entries"]) == 5
    # An impossible page number shows the last page rather than an error.
    assert client.get("/audit/", {"action": "tests.paged.", "page": 99}).context["page"].number == 2


def test_detail_shows_masked_changes(client, world, tree):
    users, _entries = world
    entry = record(
        "people.resident.changed",
        tree.grids[0].code,
        changes={
            "phone": ["13912345678", "13987654321"],
            "id_number": [None, "65430119900101123X"],
            "names": ["甲", "乙"],
        },
    )
    client.force_login(users["leader"])
    response = client.get(f"/audit/{entry.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "13912345678" not in html and "65430119900101123X" not in html
    assert "13*******78" in html and "65**************3X" in html
    assert "甲" in html and "乙" in html


@pytest.mark.parametrize(
    ("user", "entry", "status"),
    [
        ("leader", "grid0", 200),
        ("leader", "grid1", 404),
        ("leader", "outside", 404),
        ("leader", "noplace", 404),
        ("community", "grid1", 200),
        ("admin", "noplace", 200),
        ("admin", "outside", 200),
        ("resident", "grid0", 404),
    ],
)
def test_detail_is_scoped(client, world, user, entry, status):
    users, entries = world
    client.force_login(users[user])
    assert client.get(f"/audit/{entries[entry].pk}/").status_code == status


def test_detail_of_a_missing_entry_is_404(client, world):
    users, _entries = world
    client.force_login(users["admin"])
    assert client.get("/audit/999999/").status_code == 404


def read_csv(response) -> list[list[str]]:
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark, so that Excel reads Chinese"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_export_is_filtered_scoped_neutralised_and_audited(client, world, tree):
    users, entries = world
    dangerous = record(
        "tests.csv",
        tree.grids[1].code,
        obj=None,
        reason='=HYPERLINK("http://evil.example","点我")',
    )
    for prefix in ["+1", "-1", "@SUM(A1)", "\tx", "\rx"]:
        record("tests.csv", tree.grids[1].code, reason=prefix)
    client.force_login(users["community"])
    response = client.get("/audit/export.csv", {"place": tree.communities[0].code})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    rows = read_csv(response)
    header, body = rows[0], rows[1:]
    reasons = [row[header.index("Reason")] if "Reason" in header else row[9] for row in body]
    assert '\'=HYPERLINK("http://evil.example","点我")' in reasons
    assert {"'+1", "'-1", "'@SUM(A1)", "'\tx", "'\rx"} <= set(reasons)
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in body for cell in row)
    places = {row[7] for row in body}
    assert places <= {tree.grids[0].code, tree.grids[1].code, tree.communities[0].code}
    assert entries["outside"].place_code not in places
    ids = len(body)
    assert (
        ids
        == AuditEntry.objects.filter(place_code__startswith=tree.communities[0].code)
        .exclude(action="core.audit.exported")
        .count()
    )
    export = AuditEntry.objects.get(action="core.audit.exported")
    assert export.actor == users["community"]
    assert export.place_code == tree.communities[0].code
    assert export.changes == {"filters": [None, {"place": tree.communities[0].code}]}
    assert dangerous.pk  # written before the export, so it is in the file


def test_export_masks_personal_fields(client, world, tree):
    users, _entries = world
    record("people.resident.changed", tree.grids[0].code, changes={"phone": [None, "13912345678"]})
    client.force_login(users["admin"])
    raw = b"".join(client.get("/audit/export.csv").streaming_content).decode("utf-8-sig")
    assert "13912345678" not in raw
    assert "13*******78" in raw


def test_export_needs_community_staff_or_above(client, world):
    users, _entries = world
    client.force_login(users["leader"])
    assert client.get("/audit/export.csv").status_code == 403
    assert not AuditEntry.objects.filter(action="core.audit.exported").exists()
    response = client.get("/audit/")
    assert response.context["can_export"] is False
    client.force_login(users["community"])
    assert client.get("/audit/").context["can_export"] is True


def test_export_with_invalid_filters_is_refused(client, world):
    users, _entries = world
    client.force_login(users["admin"])
    assert client.get("/audit/export.csv", {"date_from": "yesterday"}).status_code == 400
    assert not AuditEntry.objects.filter(action="core.audit.exported").exists()


def test_api_list_is_scoped_filtered_and_masked(world, tree):
    users, entries = world
    record("people.resident.changed", tree.grids[0].code, changes={"phone": [None, "13912345678"]})
    api = APIClient()
    api.force_authenticate(users["leader"])
    body = api.get("/api/v1/audit/").json()
    ids = {item["id"] for item in body["results"]}
    assert entries["grid0"].pk in ids
    assert not ids & {entries["grid1"].pk, entries["outside"].pk, entries["noplace"].pk}
    changed = api.get("/api/v1/audit/", {"action": "people.resident."}).json()["results"]
    assert changed[0]["changes"] == {"phone": [None, "13*******78"]}
    assert api.get("/api/v1/audit/", {"place": tree.grids[4].code}).json()["count"] == 0
    assert api.get(f"/api/v1/audit/{entries['grid0'].pk}/").json()["action"] == "places.place.changed"


# --- Query counts do not grow with the data ----------------------------------------------------------------


def count_queries(make_request) -> int:
    with CaptureQueriesContext(connection) as queries:
        make_request()
    return len(queries)


@pytest.mark.parametrize("path", ["/audit/", "/audit/export.csv", "/api/v1/audit/"])
def test_query_count_does_not_grow_with_entries(client, world, tree, path, django_assert_num_queries):
    users, _entries = world
    client.force_login(users["community"])
    cache.clear()

    def request():
        cache.clear()  # every measured request starts from the same cache state
        response = client.get(path)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)

    for n in range(3):
        record(f"tests.q.{n}", tree.grids[n % 2].code, changes={"phone": [None, "13912345678"]})
    small = count_queries(request)
    for n in range(120):
        record(f"tests.q.{n}", tree.grids[n % 2].code, changes={"phone": [None, "13912345678"]})
    with django_assert_num_queries(small):
        request()
    # Session, account, roles, count and page (the export: its own audit entry instead of the count).
    assert small <= 8


def test_admin_shows_the_audit_log_read_only(client, world, django_user_model):
    _users, entries = world
    superuser = django_user_model.objects.create_superuser("t_super", "s@example.org", "pass-for-tests-1")
    client.force_login(superuser)
    base = "/admin/core/auditentry/"
    assert client.get(base).status_code == 200
    assert client.get(f"{base}add/").status_code == 403
    change = client.get(f"{base}{entries['grid0'].pk}/change/")
    assert change.status_code == 200
    assert b'name="_save"' not in change.content
    assert client.post(f"{base}{entries['grid0'].pk}/change/", {"action": "x"}).status_code == 403
    assert client.get(f"{base}{entries['grid0'].pk}/delete/").status_code == 403
    assert client.post(
        base, {"action": "delete_selected", "_selected_action": [entries["grid0"].pk]}
    ).status_code in (
        200,
        302,
    )
    assert AuditEntry.objects.filter(pk=entries["grid0"].pk, action="places.place.changed").exists()
