"""The .xlsx export of matters: what it holds, what it masks, what it refuses, and its audit entry."""

import io

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from huiketing.core.models import AuditEntry
from huiketing.matters import services
from huiketing.people import services as people_services
from huiketing.people.models import Role
from huiketing.people.validators import id_check_character

EXPORT = "matters:staff-export"


@pytest.fixture(autouse=True)
def _english(english, client):
    """Tests read English: the test's own language, and the pages' through the language cookie."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    yield


@pytest.fixture
def community_staff(staff):
    return staff[Role.COMMUNITY_STAFF]


@pytest.fixture
def matters(tree, categories, staff, community_staff, units):
    """A matter raised by the grid leader for a registered resident, handled, evaluated by phone; one
    raised by phone by someone outside the registry with a title that looks like a formula; one in another
    subdistrict."""
    household = people_services.household_create(by=None, grid=tree.grids[0], building="3", room="201")
    first_17 = "65430119800101003"
    resident = people_services.resident_create(
        by=None,
        household=household,
        full_name="王小明",
        id_number=first_17 + id_check_character(first_17),
        phone="13912345678",
    )
    leader = staff[Role.GRID_LEADER]
    handled = services.matter_raise(
        by=leader,
        title="路灯坏了",
        description="3号楼前的路灯不亮",
        category=categories["public_facilities"],
        place_code=tree.grids[0].code,
        resident=resident,
        channel="patrol",
    )
    [dispatch] = services.matter_dispatch(by=community_staff, matter=handled, units=[units.department])
    services.dispatch_sign(by=units.department_staff, dispatch=dispatch)
    services.matter_update_post(
        by=units.department_staff, matter=handled, text="内部：备件已订", is_public=False
    )
    services.dispatch_complete(by=units.department_staff, dispatch=dispatch, result="已更换灯泡")
    services.matter_evaluate(by=leader, matter=handled, result="satisfied", by_phone_follow_up=True)
    formula = services.matter_raise(
        by=None,
        title='=HYPERLINK("http://evil.example","点我")',
        description="+1+1",
        category=categories["environment"],
        place_code=tree.grids[1].code,
        contact_name="李大山",
        contact_phone="13811112222",
        contact_email="dashan@example.org",
        channel="phone",
    )
    elsewhere = services.matter_raise(
        by=None,
        title="别处的事",
        description="不在本社区",
        category=categories["environment"],
        place_code=tree.grids[4].code,
    )
    return {"handled": handled, "formula": formula, "elsewhere": elsewhere}


def _workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Cache-Control"] == "no-store"
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _rows(sheet) -> list[dict]:
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, row, strict=False)) for row in rows[1:]]


def test_export_holds_the_filtered_matters_and_their_timelines(client, community_staff, matters):
    client.force_login(community_staff)
    book = _workbook(client.get(reverse(EXPORT), {"tab": "all"}))
    assert book.sheetnames == ["Matters", "Timeline"]
    rows = {row["Number"]: row for row in _rows(book["Matters"])}
    assert set(rows) == {matters["handled"].pk, matters["formula"].pk}  # not the other subdistrict's
    handled = rows[matters["handled"].pk]
    assert handled["Title"] == "路灯坏了"
    assert handled["Status"] == "Closed"
    assert handled["Grid code"] == matters["handled"].place_code
    assert handled["Result"] == "已更换灯泡"
    assert "City management" in handled["Handling units"] or "市城管局" in handled["Handling units"]
    assert handled["Evaluations"] == "Satisfied (phone follow-up)"
    timeline = [row for row in _rows(book["Timeline"]) if row["Number"] == matters["handled"].pk]
    assert [row["Entry"] for row in timeline] == [
        "Raised",
        "Dispatched",
        "Signed for",
        "Progress",
        "Done",
        "Evaluated",
        "Closed",
    ]
    internal = next(row for row in timeline if row["Entry"] == "Progress")
    assert internal["Visible to"] == "Staff only" and internal["Text"] == "内部：备件已订"
    assert next(row for row in timeline if row["Entry"] == "Evaluated")["Details"] == (
        "Satisfied；recorded from a phone follow-up"
    )
    # Filtered: only what the list shows with the same filters.
    book = _workbook(client.get(reverse(EXPORT), {"tab": "all", "category": "environment"}))
    assert [row["Number"] for row in _rows(book["Matters"])] == [matters["formula"].pk]


def test_export_masks_personal_data_and_neutralises_formulas(client, community_staff, matters):
    client.force_login(community_staff)
    response = client.get(reverse(EXPORT), {"tab": "all"})
    raw = b"".join(response.streaming_content)
    book = load_workbook(io.BytesIO(raw))
    rows = {row["Number"]: row for row in _rows(book["Matters"])}
    handled, formula = rows[matters["handled"].pk], rows[matters["formula"].pk]
    assert handled["Raised by"] == "王**" and handled["Contact phone"] == "139****5678"
    assert formula["Raised by"] == "李**" and formula["Contact phone"] == "138****2222"
    assert formula["Contact e-mail"] == "d***@example.org"
    # Text that starts like a formula is written as text, behind an apostrophe; no cell is a formula.
    assert formula["Title"] == '\'=HYPERLINK("http://evil.example","点我")'
    assert formula["Description"] == "'+1+1"
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row)
    # Whole values appear nowhere in the file, not even in its shared strings.
    import zipfile

    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        text = b"".join(archive.read(name) for name in archive.namelist()).decode("utf-8", "replace")
    for secret in ("王小明", "13912345678", "李大山", "13811112222", "dashan@example.org"):
        assert secret not in text


def test_export_is_audited_with_its_filters(client, tree, community_staff, matters):
    client.force_login(community_staff)
    client.get(reverse(EXPORT), {"tab": "all", "place": tree.grids[0].code})
    entry = AuditEntry.objects.get(action="matters.export")
    assert entry.actor == community_staff
    assert entry.place_code == tree.grids[0].code
    assert entry.changes["filters"][1]["place"] == tree.grids[0].code


def test_export_refuses_who_may_not_and_places_out_of_scope(
    client, tree, staff, community_staff, units, matters
):
    url = reverse(EXPORT)
    client.force_login(staff[Role.GRID_LEADER])
    assert client.get(url).status_code == 403
    client.force_login(units.department_staff)
    assert client.get(url).status_code == 403
    client.force_login(community_staff)
    # A place outside the user's scope is not a valid filter: back to the list, nothing exported.
    response = client.get(url, {"place": tree.grids[4].code})
    assert response.status_code == 302 and response["Location"].startswith(reverse("matters:staff-list"))
    assert not AuditEntry.objects.filter(action="matters.export").exists()
    # The city officer exports the whole city, the other subdistrict included.
    client.force_login(staff[Role.CITY_OFFICER])
    book = _workbook(client.get(url, {"tab": "all"}))
    assert {row["Number"] for row in _rows(book["Matters"])} == {m.pk for m in matters.values()}
    assert AuditEntry.objects.get(action="matters.export").place_code == "654301"
