"""Recording a household visit through the API: scoped like the registry, and safe to resend."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from huiketing.core.models import AuditEntry, IdempotentResponse
from huiketing.people.models import Role, Visit
from tests.people.test_registry_api import api_for, leader_api, registry  # noqa: F401 (fixtures)


def _url(household) -> str:
    return reverse("api-registry-household-visits", args=[household.pk])


def test_the_url_is_under_the_household():
    assert _url(type("H", (), {"pk": 7})()) == "/api/v1/households/7/visits/"


def test_a_grid_leader_records_a_visit(leader_api, registry, staff):  # noqa: F811
    home = registry["home_a"]
    payload = {"findings": "老人身体好", "follow_up": "下周送药", "visited_on": "2026-01-05"}
    response = leader_api.post(_url(home), payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    visit = Visit.objects.get()
    assert body["id"] == visit.pk
    assert (body["household"], body["place_code"], body["visited_by"]) == (
        home.pk,
        home.place_code,
        staff[Role.GRID_LEADER].username,
    )
    assert (visit.findings, visit.follow_up, str(visit.visited_on)) == tuple(payload.values())
    assert AuditEntry.objects.filter(action="people.visit.record", object_id=str(visit.pk)).count() == 1


def test_the_date_defaults_to_today(leader_api, registry):  # noqa: F811
    response = leader_api.post(_url(registry["home_a"]), {"findings": "一切正常"}, format="json")
    assert response.status_code == 201
    assert response.json()["visited_on"] == timezone.localdate().isoformat()


def test_a_household_out_of_scope_is_404_and_nothing_is_recorded(leader_api, registry):  # noqa: F811
    response = leader_api.post(_url(registry["home_b"]), {"findings": "越界"}, format="json")
    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404
    missing = leader_api.post(reverse("api-registry-household-visits", args=[999999]), {"findings": "无"})
    assert missing.status_code == 404
    assert not Visit.objects.exists()


def test_roles_without_the_registry_get_404(make_user, tree, registry):  # noqa: F811
    for role in (Role.RESIDENT, Role.VOLUNTEER, Role.MERCHANT):
        api = api_for(make_user(f"visit_{role}", role, tree.grids[0].code))
        assert api.post(_url(registry["home_a"]), {"findings": "看看"}, format="json").status_code == 404
    assert not Visit.objects.exists()


def test_a_resend_with_the_same_key_replays_the_first_answer(leader_api, registry):  # noqa: F811
    url, payload = _url(registry["home_a"]), {"findings": "门口有积雪", "visited_on": "2026-01-06"}
    first = leader_api.post(url, payload, format="json", HTTP_IDEMPOTENCY_KEY="phone-1-visit-42")
    again = leader_api.post(url, payload, format="json", HTTP_IDEMPOTENCY_KEY="phone-1-visit-42")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert again["Idempotent-Replayed"] == "true"
    assert Visit.objects.count() == 1
    assert AuditEntry.objects.filter(action="people.visit.record").count() == 1
    other = leader_api.post(url, payload, format="json", HTTP_IDEMPOTENCY_KEY="phone-1-visit-43")
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]
    assert Visit.objects.count() == 2


def test_the_same_key_with_another_visit_is_a_conflict(leader_api, registry):  # noqa: F811
    url = _url(registry["home_a"])
    leader_api.post(url, {"findings": "第一次"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    response = leader_api.post(url, {"findings": "第二次"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 409
    assert Visit.objects.count() == 1


def test_bad_input_names_the_field_and_its_answer_is_kept_for_the_key(leader_api, registry):  # noqa: F811
    url = _url(registry["home_a"])
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    english = {"format": "json", "HTTP_ACCEPT_LANGUAGE": "en", "HTTP_IDEMPOTENCY_KEY": "k"}
    future = leader_api.post(url, {"findings": "x", "visited_on": tomorrow}, **english)
    blank = leader_api.post(url, {"findings": "  "}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert future.status_code == 400
    assert future.json()["error"]["fields"]["visited_on"] == ["The date cannot be in the future."]
    assert blank.status_code == 400 and "findings" in blank.json()["error"]["fields"]
    assert IdempotentResponse.objects.get(key="k").status_code == 400
    assert not Visit.objects.exists()
