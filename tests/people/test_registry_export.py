"""Exporting the registry to .xlsx: scoped, masked by default, full values only with reveal permission and a
reason (audited), formula injection neutralised, queries not growing with the rows."""

import io
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from huiketing.core.models import AuditEntry
from huiketing.people.models import Role
from huiketing.people.services import household_create, resident_create, resident_tags_set
from tests.people.test_registry_import import make_id

URL = reverse("people:registry-export")


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def xml_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(archive.read(name).decode() for name in archive.namelist() if name.endswith(".xml"))


def rows(data: bytes) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    return list(workbook.worksheets[0].iter_rows(values_only=True))


def register(grid, count: int, start: int = 1, building: str = "1"):
    household = household_create(by=None, grid=grid, building=building, room=f"{start}01")
    return [
        resident_create(
            by=None,
            household=household,
            full_name="测试居民",
            id_number=make_id(sequence=n),
            phone=f"1390000{n:04d}",
            relation="householder",
        )
        for n in range(start, start + count)
    ]


@pytest.fixture
def community(staff):
    return staff[Role.COMMUNITY_STAFF]


def test_the_export_is_masked_by_default(tree, community, client):
    [resident] = register(tree.grids[0], 1)
    resident_tags_set(by=None, resident=resident, tags=["living_alone"])
    client.force_login(community)
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    data = body(response)
    text = xml_text(data)
    assert make_id(sequence=1) not in text and "13900000001" not in text
    header, row = rows(data)
    assert header[:7] == ("网格编码", "楼栋", "单元", "房号", "户类型", "姓名", "公民身份号码")
    assert row[6] == resident.id_number_masked and row[9] == "139****0001"
    assert row[10] == "独居"
    entry = AuditEntry.objects.get(action="people.registry.export")
    assert entry.actor == community and entry.place_code == tree.communities[0].code


def test_full_values_need_a_reason_and_are_audited(tree, community, client):
    register(tree.grids[0], 1)
    client.force_login(community)
    refused = client.post(URL + "?lang=en", {"full_values": "on", "reason": ""})
    assert refused.status_code == 400
    assert "Say why" in refused.content.decode()
    assert not AuditEntry.objects.filter(action__startswith="people.registry.export").exists()

    response = client.post(URL, {"full_values": "on", "reason": "民政核对低保名单"})
    assert response.status_code == 200
    data = body(response)
    assert make_id(sequence=1) in xml_text(data)
    entry = AuditEntry.objects.get(action="people.registry.export.full")
    assert entry.reason == "民政核对低保名单"

    # Asking for full values in a GET query string gets the masked file.
    masked = body(client.get(URL, {"full_values": "on", "reason": "anything"}))
    assert make_id(sequence=1) not in xml_text(masked)


def test_a_grid_outside_the_exporters_scope_is_not_found(tree, community, client):
    client.force_login(community)
    assert client.get(URL, {"grid": tree.grids[4].code}).status_code == 404
    assert (
        client.post(URL, {"grid": tree.grids[4].code, "full_values": "on", "reason": "核对名单"}).status_code
        == 404
    )


def test_formula_injection_is_neutralised(tree, community, client):
    household = household_create(by=None, grid=tree.grids[0], building="=1+2", room="@SUM(A1)")
    resident_create(by=None, household=household, full_name="测试居民", id_number=make_id(sequence=5))
    client.force_login(community)
    data = body(client.get(URL))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any("<f>" in sheet or "<f " in sheet for sheet in sheets)
    _header, row = rows(data)
    assert row[1] == "'=1+2" and row[3] == "'@SUM(A1)"


def test_a_community_export_holds_only_its_communitys_residents(tree, community, client):
    register(tree.grids[0], 2, start=1)
    register(tree.grids[1], 1, start=3)  # same community, other grid
    register(tree.grids[2], 1, start=4)  # next community
    register(tree.grids[4], 1, start=5)  # other subdistrict
    client.force_login(community)
    exported = rows(body(client.get(URL)))[1:]
    assert sorted(row[0] for row in exported) == sorted([tree.grids[0].code] * 2 + [tree.grids[1].code])
    only_grid = rows(body(client.get(URL, {"grid": tree.grids[1].code})))[1:]
    assert [row[0] for row in only_grid] == [tree.grids[1].code]


def test_export_filters_by_tag_and_status(tree, community, client):
    _first, second = register(tree.grids[0], 2)
    resident_tags_set(by=None, resident=second, tags=["low_income"])
    client.force_login(community)
    tagged = rows(body(client.get(URL, {"tag": "low_income"})))[1:]
    assert len(tagged) == 1 and tagged[0][10] == "低保"
    assert len(rows(body(client.get(URL, {"status": "moved_out"})))) == 1


def test_the_exports_queries_do_not_grow_with_the_rows(tree, community, client):
    client.force_login(community)
    register(tree.grids[0], 3, start=1)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            body(client.get(URL))
        return len(queries)

    small = count()
    for building in range(2, 8):
        register(tree.grids[0], 5, start=building * 10, building=str(building))
    assert count() == small


def test_roles_without_export_permission_are_refused(tree, staff, client):
    register(tree.grids[0], 1)
    client.force_login(staff[Role.GRID_LEADER])
    assert client.get(URL).status_code == 403
    assert client.get(reverse("people:registry-export-page")).status_code == 403
    client.force_login(staff[Role.CITY_OFFICER])
    page = client.get(reverse("people:registry-export-page") + "?lang=en").content.decode()
    assert "Full values" in page
