"""The API base: one error shape, pagination, Idempotency-Key replays and conflicts, rate limits."""

import threading

import pytest
from django.core.cache import cache
from django.db import close_old_connections, connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from huiketing.core.audit import audit_record
from huiketing.core.models import AuditEntry, IdempotentResponse
from huiketing.people.models import Role

PREFERENCES = "/api/v1/me/preferences/"


def assert_error_shape(response, status: int, *, fields: set[str] | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"status", "code", "message", "fields"}
    assert error["status"] == status
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    if fields is not None:
        assert set(error["fields"]) == fields
        assert all(isinstance(msgs, list) and msgs for msgs in error["fields"].values())
    return error


@pytest.fixture
def api():
    cache.clear()  # throttle counters live in the cache
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def leader(tree, make_user):
    return make_user("t_api_leader", Role.GRID_LEADER, tree.grids[0].code)


def test_400_names_each_invalid_field(api, db):
    error = assert_error_shape(
        api.post("/api/v1/auth/token/", {}, format="json"), 400, fields={"username", "password"}
    )
    assert error["code"] == "invalid"
    assert error["message"] == "Some of the data you sent is not valid."


def test_400_for_invalid_query_parameters(api, leader):
    api.force_authenticate(leader)
    error = assert_error_shape(api.get("/api/v1/audit/", {"date_from": "not-a-date", "place": "65A"}), 400)
    assert set(error["fields"]) == {"date_from", "place"}


def test_401_when_not_signed_in(api, db):
    error = assert_error_shape(api.get("/api/v1/me/"), 401)
    assert error["code"] == "not_authenticated"


def test_401_for_a_wrong_token(api, db):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    error = assert_error_shape(api.get("/api/v1/me/"), 401)
    assert error["code"] == "authentication_failed"


def test_403_without_the_permission(api, tree, make_user):
    api.force_authenticate(make_user("t_api_resident", Role.RESIDENT, tree.grids[0].code))
    error = assert_error_shape(api.get("/api/v1/audit/"), 403)
    assert error["code"] == "permission_denied"


def test_404_for_missing_and_out_of_scope_alike(api, tree, leader):
    outside = audit_record(actor=None, action="tests.outside", place_code=tree.grids[4].code)
    api.force_authenticate(leader)
    out_of_scope = assert_error_shape(api.get(f"/api/v1/audit/{outside.pk}/"), 404)
    missing = assert_error_shape(api.get(f"/api/v1/audit/{outside.pk + 1000}/"), 404)
    assert out_of_scope == missing


def test_405_for_a_method_the_endpoint_lacks(api, db):
    error = assert_error_shape(api.get("/api/v1/auth/token/"), 405)
    assert error["code"] == "method_not_allowed"


def test_pagination_shape(api, tree, leader):
    for n in range(3):
        audit_record(actor=None, action=f"tests.page.{n}", place_code=tree.grids[0].code)
    api.force_authenticate(leader)
    body = api.get("/api/v1/audit/", {"page_size": 2, "action": "tests.page."}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["previous"] is None
    assert "page=2" in body["next"]
    second = api.get(body["next"]).json()
    assert len(second["results"]) == 1
    assert second["next"] is None


# --- Idempotency-Key ----------------------------------------------------------------------------------------


def test_same_key_twice_replays_the_first_answer_and_writes_once(api, make_user):
    user = make_user("t_idem")
    api.force_authenticate(user)
    first = api.post(PREFERENCES, {"large_text": True}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = api.post(PREFERENCES, {"large_text": True}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert first.json()["large_text"] is True
    assert "Idempotent-Replayed" not in first
    assert second["Idempotent-Replayed"] == "true"
    assert AuditEntry.objects.filter(action="people.user.display_changed", actor=user).count() == 1
    assert IdempotentResponse.objects.filter(user=user, key="k-1").count() == 1


def test_same_key_with_a_different_body_is_a_conflict(api, make_user):
    user = make_user("t_idem_conflict")
    api.force_authenticate(user)
    api.post(PREFERENCES, {"large_text": True}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    response = api.post(PREFERENCES, {"large_text": False}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    error = assert_error_shape(response, 409)
    assert error["code"] == "idempotency_conflict"
    user.refresh_from_db()
    assert user.large_text is True


def test_keys_belong_to_their_account(api, make_user):
    """Another account sending the same key gets its own answer, not a replay of someone else's."""
    one, two = make_user("t_idem_one"), make_user("t_idem_two")
    api.force_authenticate(one)
    api.post(PREFERENCES, {"preferred_language": "ug"}, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    api.force_authenticate(two)
    response = api.post(
        PREFERENCES, {"preferred_language": "ug"}, format="json", HTTP_IDEMPOTENCY_KEY="shared"
    )
    assert response.status_code == 200
    assert response.json()["username"] == "t_idem_two"
    assert "Idempotent-Replayed" not in response


def test_a_write_without_a_key_is_not_stored(api, make_user):
    api.force_authenticate(make_user("t_no_key"))
    assert api.post(PREFERENCES, {"large_text": True}, format="json").status_code == 200
    assert not IdempotentResponse.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_parallel_requests_with_the_same_key_write_once(audit_log_flushable, django_user_model):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: two requests cannot run a write at the same time")
    user = django_user_model.objects.create_user(username="t_parallel", password="pass-for-tests-1")
    token = Token.objects.create(user=user)
    barrier = threading.Barrier(2)
    responses = []

    def send():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_IDEMPOTENCY_KEY="parallel-1")
        try:
            barrier.wait(timeout=10)
            responses.append(client.post(PREFERENCES, {"preferred_language": "kk"}, format="json"))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(responses) == 2
    assert [r.status_code for r in responses] == [200, 200]
    assert responses[0].json() == responses[1].json()
    assert sorted(r.get("Idempotent-Replayed", "") for r in responses) == ["", "true"]
    assert IdempotentResponse.objects.filter(user=user, key="parallel-1").count() == 1
    assert AuditEntry.objects.filter(action="people.user.display_changed", actor=user).count() == 1


# --- Rate limits --------------------------------------------------------------------------------------------


def test_token_requests_beyond_the_login_rate_get_429(api, settings, monkeypatch, make_user):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "login": "3/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    # DRF copies the rates onto the throttle class when it is imported; the setting alone does not reach it.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    cache.clear()
    make_user("t_brute")
    for _attempt in range(3):
        response = api.post(
            "/api/v1/auth/token/", {"username": "t_brute", "password": "wrong"}, format="json"
        )
        assert response.status_code == 400
    # Even the right password is refused once the limit is reached: the limit is on attempts.
    response = api.post(
        "/api/v1/auth/token/", {"username": "t_brute", "password": "pass-for-tests-1"}, format="json"
    )
    error = assert_error_shape(response, 429)
    assert error["code"] == "throttled"
    assert "Retry-After" in response
    cache.clear()
