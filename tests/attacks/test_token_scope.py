"""API tokens across scopes: the token of grid A's leader reaches nothing of grid B through any registry URL
(404, as for what does not exist), and the token of a deactivated account is refused."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from huiketing.core import security
from huiketing.core.audit import audit_record
from huiketing.people import services as people_services
from huiketing.people.models import Role
from huiketing.people.validators import id_check_character
from tests.core.test_api_base import assert_error_shape


@pytest.fixture
def grids(tree, make_user):
    """Grid A (the first) and grid B (its neighbour in the same community), each with a household, a resident
    and an audit entry; the token of grid A's leader."""
    result = {}
    for key, grid, n in (("A", tree.grids[0], 1), ("B", tree.grids[1], 2)):
        household = people_services.household_create(by=None, grid=grid, building="1", room="101")
        first_17 = f"6543011980010100{n}"
        id_number = first_17 + id_check_character(first_17)
        resident = people_services.resident_create(
            by=None, household=household, full_name="测试居民", id_number=id_number, phone=f"1390000000{n}"
        )
        entry = audit_record(actor=None, action="tests.token", place_code=grid.code)
        result[key] = {
            "grid": grid,
            "household": household,
            "resident": resident,
            "id": id_number,
            "entry": entry,
        }
    leader = make_user("t_token_leader", Role.GRID_LEADER, tree.grids[0].code)
    result["leader"] = leader
    result["token"] = Token.objects.create(user=leader)
    return result


@pytest.fixture
def api(grids):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {grids['token'].key}")
    return client


def reveal(api, resident):
    return api.post(
        f"/api/v1/residents/{resident.pk}/reveal/",
        {"field": "id_number", "reason": "checking a benefit application"},
        format="json",
    )


def test_grid_a_token_gets_404_for_every_registry_url_of_grid_b(api, grids):
    a, b = grids["A"], grids["B"]
    # Grid A's own objects answer, so the 404s below are about scope.
    assert api.get(f"/api/v1/residents/{a['resident'].pk}/").status_code == 200
    assert api.get(f"/api/v1/households/{a['household'].pk}/").status_code == 200
    assert reveal(api, a["resident"]).json() == {"value": a["id"]}
    for response in (
        api.get(f"/api/v1/residents/{b['resident'].pk}/"),
        api.get(f"/api/v1/households/{b['household'].pk}/"),
        api.get(f"/api/v1/audit/{b['entry'].pk}/"),
        reveal(api, b["resident"]),
        api.put(f"/api/v1/residents/{b['resident'].pk}/reveal/", {}, format="json"),
    ):
        status = response.status_code
        assert status in (404, 405), (response.request["PATH_INFO"], status)
        assert_error_shape(response, status)
    # Lists and searches hold grid A only, whatever they are asked for.
    for url in ("/api/v1/residents/", "/api/v1/households/"):
        ids = {row["id"] for row in api.get(url).json()["results"]}
        assert ids == {a["resident" if "residents" in url else "household"].pk}
        narrowed = api.get(url, {"grid": b["grid"].code})
        assert narrowed.status_code in (200, 404)
        if narrowed.status_code == 200:
            assert narrowed.json()["results"] == []
    for number in (b["id"], "13900000002"):
        response = api.post("/api/v1/residents/search/", {"number": number}, format="json")
        assert response.status_code == 200 and response.json() == []
    assert api.post("/api/v1/residents/search/", {"number": a["id"]}, format="json").json()[0]["id"] == (
        a["resident"].pk
    )
    audit = {row["id"] for row in api.get("/api/v1/audit/").json()["results"]}
    assert a["entry"].pk in audit and b["entry"].pk not in audit


def test_the_token_of_a_deactivated_account_is_refused(api, grids):
    leader = grids["leader"]
    assert api.get("/api/v1/me/").status_code == 200
    leader.is_active = False
    leader.save(update_fields=["is_active"])
    # The token row still exists here: the check is on the account.
    assert Token.objects.filter(user=leader).exists()
    for url in ("/api/v1/me/", "/api/v1/residents/", f"/api/v1/residents/{grids['A']['resident'].pk}/"):
        assert_error_shape(api.get(url), 401)
    assert_error_shape(reveal(api, grids["A"]["resident"]), 401)


def test_deactivation_through_the_service_deletes_the_token(api, grids, make_user):
    admin = make_user("t_token_admin", Role.ADMIN, "")
    security.user_deactivate(by=admin, user=grids["leader"], reason="left the job")
    assert not Token.objects.filter(user=grids["leader"]).exists()
    assert_error_shape(api.get("/api/v1/residents/"), 401)
