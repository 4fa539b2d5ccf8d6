"""The registry's API: scoped and masked lists and details, exact search by POST, the audited reveal."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from huiketing.core.models import AuditEntry
from huiketing.people.models import Role
from tests.people.test_registry_services import make_household, make_id, make_phone, make_resident

ID_A = make_id(1, birth="19400101")


@pytest.fixture
def registry(tree):
    home_a, home_b = make_household(tree.grids[0]), make_household(tree.grids[4])
    return {
        "home_a": home_a,
        "home_b": home_b,
        "a": make_resident(home_a, 1, tags=["veteran"], birth="19400101"),
        "b": make_resident(home_b, 2),
    }


def api_for(user) -> APIClient:
    api = APIClient()
    token, _created = Token.objects.get_or_create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


@pytest.fixture
def leader_api(staff):
    return api_for(staff[Role.GRID_LEADER])


def _reveal_url(resident) -> str:
    return reverse("api-registry-resident-reveal", args=[resident.pk])


def test_resident_list_is_scoped_masked_and_tagged(leader_api, registry):
    response = leader_api.get("/api/v1/residents/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == registry["a"].pk
    assert row["id_number"] == registry["a"].id_number_masked
    assert row["phone"] == "139****0001"
    assert row["household_address"] == "1-101"
    assert "aged_80" in row["tags"] and "veteran" in row["tags"]
    assert ID_A not in response.content.decode()
    assert make_phone(1) not in response.content.decode()


def test_resident_list_filters(leader_api, registry):
    assert leader_api.get("/api/v1/residents/", {"tag": "aged_80"}).json()["count"] == 1
    assert leader_api.get("/api/v1/residents/", {"tag": "child_under_14"}).json()["count"] == 0
    assert leader_api.get("/api/v1/residents/", {"name": "测试一"}).json()["count"] == 1
    assert leader_api.get("/api/v1/residents/", {"status": "deceased"}).json()["count"] == 0
    bad = leader_api.get("/api/v1/residents/", {"grid": "65x"})
    assert bad.status_code == 400
    assert "grid" in bad.json()["error"]["fields"]


def test_exact_search_is_a_post_and_finds_only_whole_numbers_in_scope(leader_api, registry):
    url = reverse("api-registry-resident-search")
    found = leader_api.post(url, {"number": ID_A}, format="json")
    assert found.status_code == 200
    assert [row["id"] for row in found.json()] == [registry["a"].pk]
    assert "no-store" in found["Cache-Control"]
    assert [row["id"] for row in leader_api.post(url, {"number": make_phone(1)}, format="json").json()] == [
        registry["a"].pk
    ]
    assert leader_api.post(url, {"number": make_id(2)}, format="json").json() == []  # grid B
    partial = leader_api.post(url, {"number": ID_A[:10]}, format="json")
    assert partial.status_code == 400
    assert "number" in partial.json()["error"]["fields"]


def test_resident_detail_is_masked(leader_api, registry):
    response = leader_api.get(reverse("api-registry-resident", args=[registry["a"].pk]))
    assert response.status_code == 200
    body = response.json()
    assert body["id_number"] == registry["a"].id_number_masked
    assert body["needs_guardian_consent"] is False
    assert ID_A not in response.content.decode()


def test_grid_b_is_404_through_every_api_url(leader_api, registry):
    b, home_b = registry["b"], registry["home_b"]
    assert leader_api.get(reverse("api-registry-resident", args=[b.pk])).status_code == 404
    assert leader_api.get(reverse("api-registry-household", args=[home_b.pk])).status_code == 404
    response = leader_api.post(_reveal_url(b), {"field": "id_number", "reason": "查看号码"}, format="json")
    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404
    assert leader_api.get(_reveal_url(b)).status_code == 404
    assert [row["id"] for row in leader_api.get("/api/v1/households/").json()["results"]] == [
        registry["home_a"].pk
    ]
    assert not AuditEntry.objects.filter(action__startswith="people.resident.reveal").exists()


def test_reveal_returns_the_value_and_audits_the_reason(leader_api, registry, staff):
    response = leader_api.post(
        _reveal_url(registry["a"]), {"field": "id_number", "reason": "核对低保申请"}, format="json"
    )
    assert response.status_code == 200
    assert response.json() == {"value": ID_A}
    assert "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.get(action="people.resident.reveal.id_number")
    assert (entry.actor, entry.reason) == (staff[Role.GRID_LEADER], "核对低保申请")
    payload = {"field": "phone", "reason": "联系家属"}
    phone = leader_api.post(_reveal_url(registry["a"]), payload, format="json")
    assert phone.json() == {"value": make_phone(1)}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"field": "id_number", "reason": "看"}, "reason"),
        ({"field": "id_number"}, "reason"),
        ({"field": "full_name", "reason": "足够长的理由"}, "field"),
    ],
)
def test_reveal_refuses_without_a_reason_or_for_another_field(leader_api, registry, payload, field):
    response = leader_api.post(_reveal_url(registry["a"]), payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert ID_A not in response.content.decode()
    assert not AuditEntry.objects.filter(action__startswith="people.resident.reveal").exists()


def test_a_grid_worker_cannot_reveal(staff, registry):
    api = api_for(staff[Role.GRID_WORKER])
    assert api.get(reverse("api-registry-resident", args=[registry["a"].pk])).status_code == 200
    response = api.post(_reveal_url(registry["a"]), {"field": "phone", "reason": "联系家属"}, format="json")
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action__startswith="people.resident.reveal").exists()


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.MERCHANT, Role.INSTITUTION_OPERATOR, Role.RESIDENT])
def test_roles_without_the_registry_get_nothing(make_user, tree, registry, role):
    api = api_for(make_user(f"api_{role}", role, tree.grids[0].code))
    assert api.get("/api/v1/residents/").status_code == 403
    assert api.get("/api/v1/households/").status_code == 403
    assert api.get(reverse("api-registry-resident", args=[registry["a"].pk])).status_code in (403, 404)
    payload = {"field": "id_number", "reason": "查看号码"}
    response = api.post(_reveal_url(registry["a"]), payload, format="json")
    assert response.status_code == 404
    assert APIClient().get("/api/v1/residents/").status_code in (401, 403)


def test_households_list_and_detail(leader_api, registry):
    rows = leader_api.get("/api/v1/households/").json()["results"]
    assert rows[0]["resident_count"] == 1
    assert rows[0]["address"] == "1-101"
    detail = leader_api.get(reverse("api-registry-household", args=[registry["home_a"].pk])).json()
    assert [member["id"] for member in detail["members"]] == [registry["a"].pk]


def _count(api, url) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/api/v1/residents/", "/api/v1/households/"])
def test_api_lists_ask_the_same_number_of_queries_at_two_sizes(leader_api, tree, registry, url):
    small = _count(leader_api, url)
    for i in range(30):
        make_resident(make_household(tree.grids[0], building="7", room=str(i)), 300 + i, tags=["disabled"])
    assert _count(leader_api, url) == small
