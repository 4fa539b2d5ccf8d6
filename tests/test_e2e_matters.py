"""A matter's whole path over real HTTP, and the three rates after each step.

A resident raises a matter through the API → community staff accept it and dispatch it to a department from
the staff pages → the department's staff sign for it and mark it done → the resident answers "not satisfied"
→ it is re-handled (a new dispatch to the same department) → signed for → done → "satisfied". After each step
the city officer reads the rates from the rates API, and they must have changed exactly as the step says:

| after               | response (in time / due) | resolution (resolved / taken on) | satisfaction |
|---------------------|--------------------------|----------------------------------|--------------|
| raised              | — (0/0)                  | — (0/0)                          | — (0/0)      |
| accepted            | — (0/0)                  | 0 (0/1)                          | —            |
| dispatched          | — (0/0: not due yet)     | 0 (0/1)                          | —            |
| signed              | 1 (1/1)                  | 0 (0/1)                          | —            |
| done                | 1 (1/1)                  | 1 (1/1)                          | —            |
| not satisfied       | 1 (1/1: new one not due) | 0 (0/1: being handled again)     | 0 (0/1)      |
| signed again        | 1 (2/2)                  | 0 (0/1)                          | 0 (0/1)      |
| done again          | 1 (2/2)                  | 1 (1/1)                          | 0 (0/1)      |
| satisfied           | 1 (2/2)                  | 1 (1/1: closed)                  | 0.5 (1/2)    |

The server is Django's live server on the test database (a real socket, a real HTTP client: urllib with a
cookie jar; forms carry the CSRF token read from the page, as a browser's would).
"""

import re

import pytest

from huiketing.matters import services
from huiketing.matters.models import Dispatch, HandlingUnit, Matter, MatterEvent, Status
from huiketing.people.models import Organisation, Role
from tests.http_client import Client


@pytest.fixture
def world(live_server, audit_log_flushable, tree, make_user):
    from huiketing.places import geo

    geo.grid_index.clear()
    category = services.category_save(
        by=None,
        code="environment",
        names={"zh-hans": "环境卫生", "en": "Environment"},
        sign_hours=24,
        resolve_working_days=5,
        default_unit_kind=HandlingUnit.Kind.DEPARTMENT,
    )
    organisation = Organisation.objects.create(
        kind=Organisation.Kind.DEPARTMENT,
        names={"zh-hans": "市城管局", "en": "City management"},
        place_code="654301",
    )
    department = services.handling_unit_create(
        by=None,
        kind=HandlingUnit.Kind.DEPARTMENT,
        names=dict(organisation.names),
        place_code="654301",
        organisation=organisation,
    )
    grid = tree.grids[0]
    make_user("e2e_resident", Role.RESIDENT, grid.code)
    make_user("e2e_community", Role.COMMUNITY_STAFF, grid.code[:12])
    make_user("e2e_department", Role.DEPARTMENT_STAFF, organisation=organisation)
    make_user("e2e_city", Role.CITY_OFFICER, "654301")
    yield {"base": live_server.url, "category": category, "department": department, "grid": grid}
    geo.grid_index.clear()


def _rates(city: Client) -> tuple:
    """(response, resolution, satisfaction) with their counts, as the rates API gives them for the city."""
    status, body = city.get_json("/api/v1/matters/rates/?within=654301&group_by=community")
    assert status == 200, body
    total = body["total"]
    return (
        (total["response_rate"], total["signed_in_time"], total["due_to_sign"]),
        (total["resolution_rate"], total["resolved"], total["taken_on"]),
        (total["satisfaction_rate"], total["satisfied"] + total["basically"], total["evaluated"]),
    )


def _staff_action(client: Client, matter_id: int, path: str, fields=()) -> str:
    """Open the matter's staff page (as a browser would, for its form and token), then post one action."""
    status, _head, page = client.get(f"/staff/matters/{matter_id}/")
    assert status == 200
    status, head, body = client.post_form(path, list(fields))
    assert status == 302, f"{path}: {status}\n{body[:2000]}"
    assert head["Location"].startswith(f"/staff/matters/{matter_id}/")
    return page


def _active_dispatch(matter_id: int) -> Dispatch:
    return Dispatch.objects.get(matter_id=matter_id, status__in=Dispatch.ACTIVE)


def test_raise_triage_dispatch_handle_evaluate_rehandle_over_http(world):
    base = world["base"]
    resident, community, department, city = Client(base), Client(base), Client(base), Client(base)
    resident.api_token("e2e_resident")
    city.api_token("e2e_city")
    community.sign_in("e2e_community")
    department.sign_in("e2e_department")
    none = (None, 0, 0)

    # 1. The resident raises the matter through the API, by the grid's code.
    status, body = resident.post_json(
        "/api/v1/matters/",
        {
            "title": "垃圾桶满了没人清",
            "description": "3号楼门口的垃圾桶已经三天没人清理。",
            "category": "environment",
            "grid": world["grid"].code,
        },
    )
    assert status == 201, body
    matter_id = body["id"]
    assert Matter.objects.get(pk=matter_id).status == Status.NEW
    assert _rates(city) == (none, none, none)

    # 2. Community staff accept it from the matter's staff page.
    page = _staff_action(community, matter_id, f"/staff/matters/{matter_id}/accept/")
    assert "垃圾桶满了没人清" in page
    assert Matter.objects.get(pk=matter_id).status == Status.ACCEPTED
    assert _rates(city) == (none, (0.0, 0, 1), none)

    # 3. … and dispatch it to the department the category names first (its box is ticked on the page).
    status, _head, page = community.get(f"/staff/matters/{matter_id}/")
    department_id = world["department"].pk
    assert re.search(rf'name="units" value="{department_id}"[^>]*checked', page)
    _staff_action(
        community,
        matter_id,
        f"/staff/matters/{matter_id}/dispatch/",
        [("units", department_id), ("note", "请尽快清运")],
    )
    assert Matter.objects.get(pk=matter_id).status == Status.IN_PROGRESS
    first = _active_dispatch(matter_id)
    assert (first.unit_id, first.status) == (department_id, Dispatch.Status.WAITING)
    assert _rates(city) == (none, (0.0, 0, 1), none)

    # 4. The department's staff find it in their inbox and sign for it.
    status, _head, inbox = department.get("/staff/matters/inbox/")
    assert status == 200 and "垃圾桶满了没人清" in inbox
    _staff_action(department, matter_id, f"/staff/matters/{matter_id}/dispatches/{first.pk}/sign/")
    assert _rates(city) == ((1.0, 1, 1), (0.0, 0, 1), none)

    # 5. … and mark it done.
    _staff_action(
        department,
        matter_id,
        f"/staff/matters/{matter_id}/dispatches/{first.pk}/done/",
        [("result", "已清运")],
    )
    assert Matter.objects.get(pk=matter_id).status == Status.DONE
    assert _rates(city) == ((1.0, 1, 1), (1.0, 1, 1), none)

    # 6. The resident is not satisfied: the matter goes back to the department (a new dispatch).
    status, body = resident.post_json(
        f"/api/v1/matters/{matter_id}/evaluate/",
        {"solved": False, "result": "not_satisfied", "comment": "只清了一半"},
    )
    assert status in (200, 201), body
    matter = Matter.objects.get(pk=matter_id)
    assert (matter.status, matter.rehandle_count) == (Status.IN_PROGRESS, 1)
    second = _active_dispatch(matter_id)
    assert second.pk != first.pk and second.unit_id == department_id
    assert second.status == Dispatch.Status.WAITING and second.note == "只清了一半"
    assert _rates(city) == ((1.0, 1, 1), (0.0, 0, 1), (0.0, 0, 1))

    # 7. Re-handled: signed for again …
    _staff_action(department, matter_id, f"/staff/matters/{matter_id}/dispatches/{second.pk}/sign/")
    assert _rates(city) == ((1.0, 2, 2), (0.0, 0, 1), (0.0, 0, 1))

    # 8. … done again …
    _staff_action(
        department,
        matter_id,
        f"/staff/matters/{matter_id}/dispatches/{second.pk}/done/",
        [("result", "全部清运，加派了车辆")],
    )
    assert Matter.objects.get(pk=matter_id).status == Status.DONE
    assert _rates(city) == ((1.0, 2, 2), (1.0, 1, 1), (0.0, 0, 1))

    # 9. … and this time the resident is satisfied; the matter is closed.
    status, body = resident.post_json(
        f"/api/v1/matters/{matter_id}/evaluate/", {"solved": True, "result": "satisfied", "comment": ""}
    )
    assert status in (200, 201), body
    assert Matter.objects.get(pk=matter_id).status == Status.CLOSED
    assert _rates(city) == ((1.0, 2, 2), (1.0, 1, 1), (0.5, 1, 2))

    # The whole story is on the staff page's timeline, in order.
    kinds = list(
        MatterEvent.objects.filter(matter_id=matter_id)
        .order_by("created_at", "id")
        .values_list("kind", flat=True)
    )
    assert kinds == [
        "raised",
        "accepted",
        "dispatched",
        "signed",
        "done",
        "evaluated",
        "rehandle",
        "dispatched",
        "signed",
        "done",
        "evaluated",
        "closed",
    ]
    status, _head, page = community.get(f"/staff/matters/{matter_id}/")
    assert status == 200
    assert "Sent back for re-handling" in page and "只清了一半" in page
