"""The three rates on a known set of matters, counted by hand: the selector, the staff page, its export and
print layout, and the API, with scope (404 outside it) and queries that do not grow with the data.

The set, all raised in March 2025 unless said otherwise (grids of tests/conftest.py's tree):

| matter | grid | what happened                                                                        |
|--------|------|--------------------------------------------------------------------------------------|
| A      | 0    | department signs in time, done, satisfied                                            |
| B      | 0    | the community's unit signs 30 h after dispatch (24 h allowed), done, basically       |
| C      | 1    | department never signs; its time to sign is long past                                |
| D      | 1    | property company, dispatched 2 h before "now": still inside its time to sign         |
| E      | 2    | department signs in time, done; no evaluation in 7 days (expired)                    |
| F      | 2    | rejected                                                                             |
| G      | 4    | department in time, done, not satisfied; re-handled in time, done, satisfied         |
| H      | 0    | accepted, not dispatched yet                                                         |
| I      | 0    | tabled for deliberation                                                              |
| J      | 0    | raised in February, done in March (a problem solved in March, not a March matter)    |
| K      | 0    | merged into C                                                                        |

Grids 0 and 1 are community 654301001001, grid 2 community 654301001002, grid 4 community 654301002001.
"""

import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from huiketing.matters import selectors, services
from huiketing.matters.models import Matter
from huiketing.people.models import Role

BEIJING = ZoneInfo("Asia/Shanghai")
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=BEIJING)  # a Monday
START, END = datetime(2025, 3, 1, tzinfo=BEIJING), datetime(2025, 4, 1, tzinfo=BEIJING)
NOW = datetime(2025, 3, 20, 12, 0, tzinfo=BEIJING)
PERIOD = {"start": "2025-03-01", "end": "2025-03-31"}
C0, C1, C2 = "654301001001", "654301001002", "654301002001"


@dataclass
class World:
    matters: dict[str, Matter]
    units: object
    staff: dict


def _raise(who, categories, grid, when, title="路灯不亮") -> Matter:
    return services.matter_raise(
        by=who,
        title=title,
        description=f"{title}，请尽快处理。",
        category=categories["public_facilities"],
        place_code=grid.code,
        now=when,
    )


def _handled(matter, unit, unit_staff, community, *, dispatched, signed, done) -> None:
    (dispatch,) = services.matter_dispatch(by=community, matter=matter, units=[unit], now=dispatched)
    if signed is not None:
        services.dispatch_sign(by=unit_staff, dispatch=dispatch, now=signed)
    if done is not None:
        services.dispatch_complete(by=unit_staff, dispatch=dispatch, result="已处理", now=done)


@pytest.fixture
def world(tree, categories, units, staff, resident_user) -> World:
    grids = tree.grids
    community = staff[Role.COMMUNITY_STAFF]
    dept, dept_staff = units.department, units.department_staff
    hour, day = timedelta(hours=1), timedelta(days=1)
    m = {}
    m["A"] = _raise(resident_user, categories, grids[0], T0)
    _handled(
        m["A"], dept, dept_staff, community, dispatched=T0 + hour, signed=T0 + 3 * hour, done=T0 + 2 * day
    )
    services.matter_evaluate(by=resident_user, matter=m["A"], result="satisfied", now=T0 + 3 * day)

    m["B"] = _raise(resident_user, categories, grids[0], T0)
    _handled(
        m["B"],
        units.community,
        community,
        community,
        dispatched=T0 + hour,
        signed=T0 + 31 * hour,
        done=T0 + 3 * day,
    )
    services.matter_evaluate(by=resident_user, matter=m["B"], result="basically", now=T0 + 4 * day)

    m["C"] = _raise(resident_user, categories, grids[1], T0 + day)
    _handled(m["C"], dept, dept_staff, community, dispatched=T0 + day + hour, signed=None, done=None)

    m["E"] = _raise(resident_user, categories, grids[2], T0)
    _handled(m["E"], dept, dept_staff, community, dispatched=T0 + hour, signed=T0 + 2 * hour, done=T0 + day)

    m["F"] = _raise(resident_user, categories, grids[2], T0)
    services.matter_reject(
        by=community,
        matter=m["F"],
        reason_kind="not_ours",
        reason="属于供热公司",
        referred_to="供热公司",
        now=T0 + hour,
    )

    m["G"] = _raise(resident_user, categories, grids[4], T0)
    _handled(
        m["G"], dept, dept_staff, community, dispatched=T0 + hour, signed=T0 + 2 * hour, done=T0 + 2 * day
    )
    services.matter_evaluate(
        by=resident_user, matter=m["G"], result="not_satisfied", comment="还是不亮", now=T0 + 3 * day
    )
    again = m["G"].dispatches.get(status="waiting")
    services.dispatch_sign(by=dept_staff, dispatch=again, now=T0 + 3 * day + hour)
    services.dispatch_complete(by=dept_staff, dispatch=again, result="更换了灯具", now=T0 + 4 * day)
    services.matter_evaluate(by=resident_user, matter=m["G"], result="satisfied", now=T0 + 5 * day)

    m["H"] = _raise(resident_user, categories, grids[0], T0)
    services.matter_accept(by=community, matter=m["H"], now=T0 + hour)
    m["I"] = _raise(resident_user, categories, grids[0], T0)
    services.matter_table(by=community, matter=m["I"], now=T0 + hour)

    m["J"] = _raise(resident_user, categories, grids[0], datetime(2025, 2, 26, 9, 0, tzinfo=BEIJING))
    _handled(
        m["J"],
        dept,
        dept_staff,
        community,
        dispatched=datetime(2025, 2, 26, 10, 0, tzinfo=BEIJING),
        signed=datetime(2025, 2, 26, 11, 0, tzinfo=BEIJING),
        done=datetime(2025, 3, 4, 8, 0, tzinfo=BEIJING),
    )
    m["K"] = _raise(resident_user, categories, grids[0], T0)
    services.matter_merge(by=community, matter=m["K"], into=m["C"], now=T0 + day + 2 * hour)

    # A week after E and J were done, nobody has evaluated them: no evaluation (not a satisfied one).
    services.matters_deadlines_run(now=T0 + 8 * day)
    m["E"].refresh_from_db()
    assert m["E"].status == "closed" and not m["E"].evaluations.exists()

    # D last: dispatched two hours before NOW, so inside its 24 hours to sign.
    m["D"] = _raise(resident_user, categories, grids[1], NOW - day)
    _handled(
        m["D"],
        units.property_company,
        units.property_staff,
        community,
        dispatched=NOW - 2 * hour,
        signed=None,
        done=None,
    )
    return World(matters=m, units=units, staff=staff)


def _counts(rates) -> tuple:
    return (
        rates.signed_in_time,
        rates.due_to_sign,
        rates.resolved,
        rates.taken_on,
        rates.satisfied,
        rates.basically,
        rates.evaluated,
    )


# (signed in time, due to sign, resolved, taken on, satisfied, basically, evaluated), counted from the table.
BY_COMMUNITY = {
    # A in time, B late, C overdue; D inside its time counts in neither. Taken on: A B C D H (not I, K).
    C0: (1, 3, 2, 5, 1, 1, 2),
    # E in time, resolved, its evaluation expired; F rejected is not taken on.
    C1: (1, 1, 1, 1, 0, 0, 0),
    # G: two dispatches, both in time; two evaluations, one satisfied.
    C2: (2, 2, 1, 1, 1, 0, 2),
}


def test_rates_by_community_match_the_hand_count(world):
    rows = selectors.rates(start=START, end=END, group_by="community", now=NOW)
    assert {row.key: _counts(row) for row in rows} == BY_COMMUNITY


def test_rates_of_the_city_and_the_problems_solved(world):
    total = selectors.rates_total(start=START, end=END, now=NOW)
    assert _counts(total) == (4, 6, 4, 7, 2, 1, 4)
    assert total.response_rate == round(4 / 6, 4)
    assert total.resolution_rate == round(4 / 7, 4)
    assert total.satisfaction_rate == 0.75
    # Done in March: A B E G, and J (raised in February); not the open ones, nor the rejected or merged.
    assert selectors.problems_solved(start=START, end=END) == 5
    assert selectors.problems_solved(start=START, end=END, within=C2) == 1


def test_a_dispatch_inside_its_time_to_sign_counts_once_the_time_is_up(world):
    later = NOW + timedelta(days=1)
    (row,) = [
        r for r in selectors.rates(start=START, end=END, group_by="community", now=later) if r.key == C0
    ]
    assert (row.signed_in_time, row.due_to_sign) == (1, 4)


def test_rates_by_grid_and_by_handling_unit(world):
    by_grid = {
        row.key: _counts(row) for row in selectors.rates(start=START, end=END, group_by="grid", now=NOW)
    }
    assert by_grid == {
        f"{C0}001": (1, 2, 2, 3, 1, 1, 2),  # A B H
        f"{C0}002": (0, 1, 0, 2, 0, 0, 0),  # C D
        f"{C1}001": (1, 1, 1, 1, 0, 0, 0),  # E
        f"{C2}001": (2, 2, 1, 1, 1, 0, 2),  # G
    }
    units = world.units
    by_unit = {
        row.key: _counts(row) for row in selectors.rates(start=START, end=END, group_by="unit", now=NOW)
    }
    assert by_unit == {
        # A, C, E and G's two dispatches: four in time out of five due; A E G done; A and G's evaluations.
        str(units.department.pk): (4, 5, 3, 4, 2, 0, 3),
        # B: signed late, done, basically satisfied.
        str(units.community.pk): (0, 1, 1, 1, 0, 1, 1),
        # D: taken on, nothing due yet.
        str(units.property_company.pk): (0, 0, 0, 1, 0, 0, 0),
    }


def test_rates_within_a_place(world):
    rows = selectors.rates(start=START, end=END, within="654301001", group_by="community", now=NOW)
    assert [row.key for row in rows] == [C0, C1]
    total = selectors.rates_total(start=START, end=END, within="654301002", now=NOW)
    assert _counts(total) == BY_COMMUNITY[C2]


# The staff page, its export and print layout ----------------------------------------------------------------


def _rows_by_code(html: str) -> str:
    return html.replace("\n", " ")


def test_the_page_shows_each_rate_with_its_counts(client, world):
    client.force_login(world.staff[Role.CITY_OFFICER])
    response = client.get(reverse("matters:rates"), {**PERIOD, "group_by": "community", "lang": "en"})
    assert response.status_code == 200
    html = response.content.decode()
    # At the real time, D's time to sign is long past too: 4 of 7 dispatches signed for in time.
    assert "57.1%" in html and "<bdi>4</bdi> of <bdi>7</bdi> dispatches" in html
    assert "57.1%" in html  # resolution 4 / 7
    assert "75.0%" in html and "<bdi>3</bdi> of <bdi>4</bdi> evaluations" in html
    assert "<bdi>1 / 4</bdi>" in html  # community 0: signed in time / due
    assert "<bdi>2 / 5</bdi>" in html  # community 0: resolved / taken on
    assert "社区1-1" in html and "社区2-1" in html
    assert 'class="figure"><bdi>5</bdi>' in html  # problems solved


def test_the_presets_and_the_default_period(client, world):
    client.force_login(world.staff[Role.CITY_OFFICER])
    html = client.get(reverse("matters:rates"), {"lang": "en"}).content.decode()
    for label in ("This month", "Last month", "This year", "Last 12 months"):
        assert label in html
    # Without a period the page shows the last twelve months, marked as the current preset.
    assert 'aria-current="page">Last 12 months' in html


def test_the_community_sees_its_community_by_grid_and_nothing_outside(client, world):
    client.force_login(world.staff[Role.COMMUNITY_STAFF])
    response = client.get(reverse("matters:rates"), {**PERIOD, "lang": "en"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{C0}001" in html and f"{C0}002" in html and C1 not in html
    assert client.get(reverse("matters:rates"), {**PERIOD, "within": "654301002"}).status_code == 404
    assert client.get(reverse("matters:rates"), {**PERIOD, "within": "654301"}).status_code == 404
    assert client.get(reverse("matters:rates"), {**PERIOD, "within": "654301001009"}).status_code == 404
    assert client.get(reverse("matters:rates"), {**PERIOD, "within": "12ab"}).status_code == 404


def test_bad_choices_are_named_next_to_their_field(client, world):
    client.force_login(world.staff[Role.COMMUNITY_STAFF])
    url = reverse("matters:rates")
    html = client.get(url, {"start": "2025-03-31", "end": "2025-03-01", "lang": "en"}).content.decode()
    assert "The end of the period comes before its start." in html
    html = client.get(url, {**PERIOD, "group_by": "city", "lang": "en"}).content.decode()
    assert "Group by the place itself, a smaller place, or handling unit." in html


def test_residents_may_not_read_the_rates(client, world, resident_user):
    client.force_login(resident_user)
    assert client.get(reverse("matters:rates")).status_code == 403
    assert client.get(reverse("api-matters-rates")).status_code == 403


def test_the_export_is_the_table_as_xlsx(client, world):
    from openpyxl import load_workbook

    client.force_login(world.staff[Role.CITY_OFFICER])
    response = client.get(reverse("matters:rates-export"), {**PERIOD, "group_by": "community", "lang": "en"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "rates-654301-20250301-20250331.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Community", "Code", "Response rate (%)")
    by_code = {row[1]: row for row in rows[1:] if row and row[1]}
    # At the real time D's time to sign is past: due.
    assert by_code[C0][2:] == (25.0, 1, 4, 40.0, 2, 5, 100.0, 1, 1, 2)
    assert by_code[C2][2:] == (100.0, 2, 2, 100.0, 1, 1, 50.0, 1, 0, 2)
    total = next(row for row in rows if row and str(row[0]).startswith("All:"))
    assert total[2:] == (57.1, 4, 7, 57.1, 4, 7, 75.0, 2, 1, 4)
    assert next(row for row in rows if row and row[0] == "Problems solved")[2] == 5


def test_the_print_layout_has_the_figures(client, world):
    client.force_login(world.staff[Role.CITY_OFFICER])
    response = client.get(reverse("matters:rates-print"), {**PERIOD, "lang": "en"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "75.0%" in html and "Computed from the records on" in html
    assert "Use your browser" in html


# The API ----------------------------------------------------------------------------------------------------


def test_the_api_gives_the_rates_and_the_counts_behind_them(client, world):
    client.force_login(world.staff[Role.CITY_OFFICER])
    response = client.get(
        reverse("api-matters-rates"), {**PERIOD, "group_by": "community", "within": "654301"}
    )
    assert response.status_code == 200
    data = response.json()
    assert data["within"]["code"] == "654301" and data["group_by"] == "community"
    assert (data["start"], data["end"]) == ("2025-03-01", "2025-03-31")
    assert data["problems_solved"] == 5
    assert data["total"]["satisfaction_rate"] == 0.75
    groups = {group["key"]: group for group in data["groups"]}
    assert set(groups) == set(BY_COMMUNITY)
    assert groups[C2]["name"] == "社区2-1"
    assert (groups[C1]["resolved"], groups[C1]["taken_on"], groups[C1]["evaluated"]) == (1, 1, 0)
    assert groups[C1]["satisfaction_rate"] is None


def test_the_api_is_scoped_and_names_bad_parameters(client, world):
    client.force_login(world.staff[Role.COMMUNITY_STAFF])
    url = reverse("api-matters-rates")
    data = client.get(url, PERIOD).json()
    assert data["within"]["code"] == C0 and data["group_by"] == "grid"
    assert {group["key"] for group in data["groups"]} == {f"{C0}001", f"{C0}002"}
    for outside in ("654301002", "654301", "654301001002001", "99"):
        response = client.get(url, {**PERIOD, "within": outside})
        assert response.status_code == 404, outside
        assert response.json()["error"]["status"] == 404
    response = client.get(url, {**PERIOD, "group_by": "subdistrict"})
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"group_by"}
    response = client.get(url, {"start": "2025-03-31", "end": "2025-03-01"})
    assert response.status_code == 400 and set(response.json()["error"]["fields"]) == {"end"}
    response = client.get(url, {"start": "not a date"})
    assert response.status_code == 400 and set(response.json()["error"]["fields"]) == {"start"}


def test_department_staff_read_their_own_units(client, world):
    units = world.units
    client.force_login(units.department_staff)
    url = reverse("api-matters-rates")
    data = client.get(url, PERIOD).json()
    assert data["group_by"] == "unit" and data["within"] is None
    assert [group["key"] for group in data["groups"]] == [str(units.department.pk)]
    assert (data["total"]["signed_in_time"], data["total"]["due_to_sign"]) == (4, 5)
    assert client.get(url, {**PERIOD, "within": "654301"}).status_code == 404
    html = client.get(reverse("matters:rates"), {**PERIOD, "lang": "en"}).content.decode()
    assert "Your handling units" in html and "City management" in html and "Jinshan Property" not in html


# Queries ----------------------------------------------------------------------------------------------------


def _count(client, url, params) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


def _grow(tree, categories, units, staff, resident_user, n: int) -> None:
    """n more matters, spread over every grid, each dispatched to a new unit, signed, done and evaluated."""
    community = staff[Role.COMMUNITY_STAFF]
    for i in range(n):
        grid = tree.grids[i % len(tree.grids)]
        matter = _raise(resident_user, categories, grid, T0 + timedelta(hours=i), title=f"问题{i}")
        unit = services.handling_unit_create(
            by=None, kind="volunteers", names={"zh-hans": f"志愿服务队{i}"}, place_code=grid.code[:12]
        )
        when = T0 + timedelta(hours=i, minutes=10)
        _handled(
            matter, unit, community, community, dispatched=when, signed=when, done=when + timedelta(hours=5)
        )
        services.matter_evaluate(
            by=resident_user, matter=matter, result="satisfied", now=when + timedelta(hours=6)
        )


@pytest.mark.parametrize("group_by", ["community", "grid", "unit"])
def test_the_rates_page_and_api_ask_the_same_queries_at_two_sizes(
    client, world, tree, categories, units, staff, resident_user, group_by
):
    client.force_login(staff[Role.CITY_OFFICER])
    params = {**PERIOD, "group_by": group_by}
    urls = [reverse("matters:rates"), reverse("matters:rates-print"), reverse("api-matters-rates")]
    before = [_count(client, url, params) for url in urls]
    _grow(tree, categories, units, staff, resident_user, 12)
    after = [_count(client, url, params) for url in urls]
    assert after == before
    # More groups than before: the page did show more rows for the same number of queries.
    data = client.get(reverse("api-matters-rates"), params).json()
    assert len(data["groups"]) > 3
