"""Account API: token sign-in, who am I (token and session), preferences, and their schema."""

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from huiketing.core.models import AuditEntry
from huiketing.people.models import Organisation, Role

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def api():
    cache.clear()
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def leader(tree, make_user):
    user = make_user("t_me", Role.GRID_LEADER, tree.grids[0].code, display_name="网格长甲")
    org = Organisation.objects.create(
        kind="department", names={"zh-hans": "税务局", "en": "Tax office"}, place_code="654301"
    )
    from huiketing.people.services import role_assign

    role_assign(by=None, user=user, role=Role.DEPARTMENT_STAFF, organisation=org)
    return user


def test_token_for_the_right_password(api, leader):
    response = api.post(TOKEN_URL, {"username": "t_me", "password": "pass-for-tests-1"}, format="json")
    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=leader).key}
    # The same token again on the next sign-in; the log names the account, never the key.
    again = api.post(TOKEN_URL, {"username": "t_me", "password": "pass-for-tests-1"}, format="json")
    assert again.json() == response.json()
    entries = AuditEntry.objects.filter(action__startswith="core.api_token.", actor=leader)
    assert [e.action for e in entries.order_by("id")] == ["core.api_token.issued", "core.api_token.reused"]
    assert all(response.json()["token"] not in f"{e.object_id}{e.object_repr}{e.changes}" for e in entries)


def test_token_form_data_works_too(api, leader):
    response = api.post(TOKEN_URL, {"username": "t_me", "password": "pass-for-tests-1"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("username", "password"),
    [("t_me", "wrong-password"), ("nobody", "pass-for-tests-1")],
    ids=["wrong-password", "unknown-user"],
)
def test_wrong_credentials_get_one_translated_error(api, leader, username, password):
    response = api.post(TOKEN_URL, {"username": username, "password": password}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["message"] == "The username or password is not correct."
    assert error["fields"] == {"non_field_errors": ["The username or password is not correct."]}
    assert not Token.objects.exists()


def test_inactive_accounts_get_no_token(api, leader):
    leader.is_active = False
    leader.save()
    response = api.post(TOKEN_URL, {"username": "t_me", "password": "pass-for-tests-1"}, format="json")
    assert response.status_code == 400


def test_error_message_follows_the_language(api, leader):
    from django.utils import translation

    response = api.post(TOKEN_URL + "?lang=ug", {"username": "t_me", "password": "nope"}, format="json")
    with translation.override("ug"):
        expected = translation.gettext("The username or password is not correct.")
    assert response.json()["error"]["message"] == expected


def expected_me(user):
    return {
        "username": "t_me",
        "display_name": "网格长甲",
        "preferred_language": "",
        "large_text": False,
        "roles": [
            {
                "role": "department_staff",
                "role_display": "Department staff",
                "place_code": "",
                "organisation_id": Organisation.objects.get().pk,
                "organisation_name": "Tax office",
            },
            {
                "role": "grid_leader",
                "role_display": "Grid leader",
                "place_code": "654301001001001",
                "organisation_id": None,
                "organisation_name": None,
            },
        ],
    }


def test_me_with_a_token(api, leader):
    token = api.post(TOKEN_URL, {"username": "t_me", "password": "pass-for-tests-1"}, format="json").json()[
        "token"
    ]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json() == expected_me(leader)


def test_me_with_a_session(leader):
    """The web UI's session works for the API too (Django's test client, no DRF helpers)."""
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.login(username="t_me", password="pass-for-tests-1")
    response = client.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json() == expected_me(leader)


def test_session_writes_need_the_csrf_token(leader):
    client = APIClient(enforce_csrf_checks=True)
    client.login(username="t_me", password="pass-for-tests-1")
    response = client.post("/api/v1/me/preferences/", {"large_text": True}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    leader.refresh_from_db()
    assert leader.large_text is False


def test_token_writes_need_no_csrf_token(leader):
    client = APIClient(enforce_csrf_checks=True)
    token = Token.objects.create(user=leader)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.post("/api/v1/me/preferences/", {"large_text": True}, format="json")
    assert response.status_code == 200


def test_preferences_change_and_are_audited_with_ip(api, leader):
    api.force_authenticate(leader)
    response = api.post(
        "/api/v1/me/preferences/",
        {"preferred_language": "ug", "large_text": True},
        format="json",
        REMOTE_ADDR="192.0.2.44",
    )
    assert response.status_code == 200
    assert response.json()["preferred_language"] == "ug"
    assert response.json()["large_text"] is True
    leader.refresh_from_db()
    assert (leader.preferred_language, leader.large_text) == ("ug", True)
    entry = AuditEntry.objects.get(action="people.user.display_changed")
    assert entry.actor == leader
    assert entry.ip == "192.0.2.44"
    assert entry.changes == {"large_text": [False, True], "preferred_language": ["", "ug"]}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "non_field_errors"),
        ({"preferred_language": "fr"}, "preferred_language"),
        ({"large_text": "maybe"}, "large_text"),
    ],
)
def test_invalid_preferences_name_the_field(api, leader, body, field):
    api.force_authenticate(leader)
    response = api.post("/api/v1/me/preferences/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {field}


def test_schema_documents_the_account_endpoints_with_the_error_shape(client, db):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    token = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert set(token["responses"]) >= {"200", "400", "429"}
    assert (
        token["responses"]["400"]["content"]["application/json"]["schema"]["$ref"]
        == "#/components/schemas/Error"
    )
    assert "security" not in token  # no credentials needed to ask for a token
    me = schema["paths"]["/api/v1/me/"]["get"]
    assert (
        me["responses"]["200"]["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/Me"
    )
    assert "401" in me["responses"]
    assert "/api/v1/me/preferences/" in schema["paths"]
    audit = schema["paths"]["/api/v1/audit/"]["get"]
    assert {p["name"] for p in audit["parameters"]} >= {
        "action",
        "place",
        "actor",
        "object_type",
        "date_from",
        "date_to",
        "page",
    }
    error = schema["components"]["schemas"]["Error"]
    assert error["properties"]["error"]["$ref"] == "#/components/schemas/ErrorDetail"
    assert set(schema["components"]["schemas"]["ErrorDetail"]["properties"]) == {
        "status",
        "code",
        "message",
        "fields",
    }
