"""Login security (huiketing.core.security): lockout per account and per address on the web and the API,
idle and absolute session lifetimes, a new session at sign-in, sessions gone at sign-out and deactivation,
password rules, and the TOTP second factor for the roles that can reveal personal data.

The rest of the suite runs with the lockout and the second factor off (settings, `if TESTING:`); the
`login_security` fixture turns both on.
"""

import time
from importlib import import_module

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from huiketing.core import security
from huiketing.core.models import AuditEntry, UserSession
from huiketing.people.models import Role, User

PASSWORD = "pass-for-tests-1"
LOGIN_URL = "/accounts/login/"
TOKEN_URL = "/api/v1/auth/token/"
SessionStore = import_module(django_settings.SESSION_ENGINE).SessionStore


@pytest.fixture
def login_security(settings):
    """Lockout and second factor on, as in production."""
    settings.AXES_ENABLED = True
    settings.HUIKETING_REQUIRE_OTP = True
    return settings


@pytest.fixture
def web():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def resident(make_user, tree):
    return make_user("t_resident", Role.RESIDENT, tree.grids[0].code)


@pytest.fixture
def leader(make_user, tree):
    return make_user("t_leader", Role.GRID_LEADER, tree.grids[0].code)


def code_for(key_or_device, step_offset: int = 0) -> str:
    """The current code of a TOTP secret (hex) or device; step_offset=1 is the next 30-second step's."""
    device = key_or_device if isinstance(key_or_device, TOTPDevice) else TOTPDevice(key=key_or_device)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + step_offset)
    totp.time = time.time()
    return f"{totp.token():06d}"


def sign_in(client, username: str, password: str = PASSWORD, **extra):
    return client.post(LOGIN_URL, {"username": username, "password": password}, **extra)


def session_key(client) -> str | None:
    cookie = client.cookies.get(django_settings.SESSION_COOKIE_NAME)
    return cookie.value if cookie else None


def is_anonymous_on_account_page(client) -> bool:
    response = client.get(reverse("people:account"))
    return response.status_code == 302 and response["Location"].startswith(LOGIN_URL)


# --- Lockout ------------------------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_even_from_another_address(login_security, web, resident):
    for _attempt in range(4):
        assert sign_in(web, "t_resident", "wrong-password").status_code == 200
    response = sign_in(web, "t_resident", "wrong-password")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Signing in is locked for now" in page
    assert "locked for 15 minutes" in page
    assert response["Retry-After"] == str(15 * 60)
    # The right password from another address: still locked, and no session.
    other = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="192.0.2.7")
    response = sign_in(other, "t_resident")
    assert response.status_code == 429
    assert is_anonymous_on_account_page(other)


def test_five_failures_from_one_address_lock_that_address_for_every_account(
    login_security, web, make_user, tree
):
    make_user("t_victim", Role.RESIDENT, tree.grids[0].code)
    for n in range(5):
        sign_in(web, f"t_guess_{n}", "wrong-password")
    assert sign_in(web, "t_victim").status_code == 429
    # The account itself was not the target: from another address it signs in.
    other = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="192.0.2.8")
    assert sign_in(other, "t_victim").status_code == 302
    assert not is_anonymous_on_account_page(other)


def test_the_lock_ends_after_the_cool_off(login_security, web, resident):
    for _attempt in range(5):
        sign_in(web, "t_resident", "wrong-password")
    assert sign_in(web, "t_resident").status_code == 429
    login_security.HUIKETING_LOGIN_LOCKOUT_MINUTES = 0
    assert sign_in(web, "t_resident").status_code == 302


def test_behind_a_proxy_the_forwarded_address_is_counted(login_security, resident, make_user, tree):
    """With one trusted proxy every request comes from the proxy's address; X-Forwarded-For tells clients
    apart, by the same rule as the audit log (core.middleware.client_ip)."""
    login_security.REST_FRAMEWORK = {**django_settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    make_user("t_other", Role.RESIDENT, tree.grids[0].code)
    attacker = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    for n in range(5):
        sign_in(attacker, f"t_guess_{n}", "wrong-password")
    assert sign_in(attacker, "t_other").status_code == 429
    # Another client through the same proxy is not locked out, even when it claims the attacker's address.
    honest = Client(
        HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5, 198.51.100.9"
    )
    assert sign_in(honest, "t_other").status_code == 302


def test_the_api_token_endpoint_counts_failures_and_answers_a_lock_in_the_error_shape(
    login_security, client, resident
):
    for _attempt in range(4):
        response = client.post(
            TOKEN_URL, {"username": "t_resident", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response.status_code == 400
    response = client.post(
        TOKEN_URL,
        {"username": "t_resident", "password": "wrong"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 429
    error = response.json()["error"]
    assert error["code"] == "locked_out"
    assert error["status"] == 429
    assert "locked for 15 minutes" in error["message"]
    assert response["Retry-After"] == str(15 * 60)
    # The right password is refused too, and no token is issued.
    response = client.post(
        TOKEN_URL, {"username": "t_resident", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "locked_out"
    assert not Token.objects.filter(user=resident).exists()


def test_failures_on_the_api_and_the_web_share_one_counter(login_security, web, resident):
    for _attempt in range(3):
        web.post(TOKEN_URL, {"username": "t_resident", "password": "wrong"})
    for _attempt in range(2):
        sign_in(web, "t_resident", "wrong")
    assert sign_in(Client(REMOTE_ADDR="192.0.2.9"), "t_resident").status_code == 429


def test_the_lockout_message_is_marked_for_translation():
    from huiketing.core.security import lockout_message

    # ngettext with a count: a catalogue can give each language its plural forms.
    assert "%(minutes)d" not in lockout_message()


# --- Sessions -----------------------------------------------------------------------------------------------


def test_signing_in_gives_a_new_session_key(login_security, web, resident):
    session = web.session  # an anonymous session, as an attacker could plant one (session fixation)
    session["planted"] = True
    session.save()
    before = session.session_key
    assert web.cookies[django_settings.SESSION_COOKIE_NAME].value == before
    assert sign_in(web, "t_resident").status_code == 302
    after = session_key(web)
    assert after and after != before
    assert not SessionStore().exists(before)
    assert UserSession.objects.filter(session_key=after, user=resident).exists()


def test_signing_out_deletes_the_session_on_the_server(login_security, web, resident):
    sign_in(web, "t_resident")
    key = session_key(web)
    assert SessionStore().exists(key)
    assert web.post(reverse("logout")).status_code == 302
    assert not SessionStore().exists(key)
    assert not UserSession.objects.filter(session_key=key).exists()
    # Replaying the old cookie gets nobody's session.
    replay = Client()
    replay.cookies[django_settings.SESSION_COOKIE_NAME] = key
    assert is_anonymous_on_account_page(replay)


def _age_session(client, **seconds_ago):
    session = client.session
    now = int(time.time())
    for name, ago in seconds_ago.items():
        session[name] = now - ago
    session.save()


def test_an_idle_session_ends(login_security, web, resident):
    sign_in(web, "t_resident")
    key = session_key(web)
    _age_session(web, huiketing_seen_at=31 * 60)
    response = web.get(reverse("people:account"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN_URL)
    assert not SessionStore().exists(key)
    assert "Your session has ended" in web.get(response["Location"]).content.decode()


def test_a_session_in_use_stays_and_its_last_use_is_written_at_most_once_a_minute(
    login_security, web, resident
):
    sign_in(web, "t_resident")
    _age_session(web, huiketing_seen_at=29 * 60)
    assert web.get(reverse("people:account")).status_code == 200
    seen = web.session[security.SEEN_AT]
    assert time.time() - seen < 5
    _age_session(web, huiketing_seen_at=10)
    stamp = web.session[security.SEEN_AT]
    assert web.get(reverse("people:account")).status_code == 200
    assert web.session[security.SEEN_AT] == stamp


def test_a_session_ends_after_its_maximum_lifetime_however_busy(login_security, web, resident):
    sign_in(web, "t_resident")
    _age_session(web, huiketing_login_at=12 * 3600 + 60, huiketing_seen_at=10)
    assert is_anonymous_on_account_page(web)


def test_the_lifetimes_come_from_settings(login_security, web, resident):
    login_security.HUIKETING_SESSION_IDLE_MINUTES = 5
    sign_in(web, "t_resident")
    _age_session(web, huiketing_seen_at=6 * 60)
    assert is_anonymous_on_account_page(web)
    assert django_settings.SESSION_COOKIE_AGE == django_settings.HUIKETING_SESSION_MAX_HOURS * 3600


def test_deactivation_ends_every_session_and_deletes_the_api_token(
    login_security, resident, make_user, audit_log_flushable
):
    laptop, phone = Client(), Client(REMOTE_ADDR="192.0.2.10")
    sign_in(laptop, "t_resident")
    sign_in(phone, "t_resident")
    keys = [session_key(laptop), session_key(phone)]
    assert Client().post(TOKEN_URL, {"username": "t_resident", "password": PASSWORD}).status_code == 200
    admin = make_user("t_admin", Role.ADMIN)

    security.user_deactivate(by=admin, user=resident, reason="left the job")

    resident.refresh_from_db()
    assert resident.is_active is False
    assert not any(SessionStore().exists(key) for key in keys)
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert not UserSession.objects.filter(user=resident).exists()
    assert not Token.objects.filter(user=resident).exists()
    assert is_anonymous_on_account_page(laptop) and is_anonymous_on_account_page(phone)
    entry = AuditEntry.objects.get(action="people.user.deactivated")
    assert entry.actor == admin and entry.object_id == str(resident.pk)
    assert entry.changes["is_active"] == [True, False] and entry.changes["sessions_ended"] == [None, 2]
    assert sign_in(Client(), "t_resident").status_code == 200  # the form again: inactive accounts cannot


def test_the_admin_deactivate_action_ends_the_sessions_too(resident, make_user, client):
    member = Client()
    member.force_login(resident)
    key = session_key(member)
    root = User.objects.create_superuser("t_root", "root@example.org", PASSWORD)
    client.force_login(root)
    response = client.post(
        reverse("admin:people_user_changelist"),
        {"action": "deactivate", "_selected_action": [resident.pk]},
    )
    assert response.status_code == 302
    assert not SessionStore().exists(key)
    resident.refresh_from_db()
    assert not resident.is_active
    assert AuditEntry.objects.filter(action="people.user.deactivated", actor=root).exists()


def test_old_rows_of_the_session_index_are_pruned_at_the_next_sign_in(login_security, resident):
    UserSession.objects.create(session_key="x" * 32, user=resident)
    UserSession.objects.filter(session_key="x" * 32).update(created_at="2000-01-01T00:00:00Z")
    sign_in(Client(), "t_resident")
    assert list(UserSession.objects.filter(user=resident).values_list("session_key", flat=True)) != ["x" * 32]
    assert not UserSession.objects.filter(session_key="x" * 32).exists()


# --- Passwords and accounts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["short1", "password123", "12345678901", "qwertyuiop"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_uncommon_password_is_accepted():
    validate_password("river-lantern-47-altay")


def test_a_fresh_migrate_creates_no_account(db):
    """No default or demo account outside `huiketing demo`: the test database is built by the migrations."""
    assert not User.objects.exists()


# --- The second factor --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", sorted(security.SECOND_FACTOR_ROLES))
def test_every_role_that_reveals_personal_data_needs_a_second_factor(login_security, make_user, tree, role):
    place = "" if role == Role.ADMIN else tree.grids[0].code
    user = make_user(f"t_{role}", role, place)
    assert security.second_factor_required(user)


def test_roles_without_personal_data_and_the_test_setting_need_none(
    login_security, resident, leader, settings
):
    assert not security.second_factor_required(resident)
    settings.HUIKETING_REQUIRE_OTP = False
    assert not security.second_factor_required(leader)


def test_first_sign_in_sets_up_the_app_with_a_server_made_qr_code(login_security, web, leader):
    response = sign_in(web, "t_leader")
    assert response.status_code == 302
    response = web.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp-setup"))
    # Every page sends it to the set-up page, keeping where it was going.
    response = web.get(reverse("people:account"))
    assert response["Location"] == reverse("otp-setup") + "?next=%2Faccount%2F"
    page = web.get(response["Location"]).content.decode()
    assert "<svg" in page and "http" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org", ""
    )
    key = web.session[security.SETUP_KEY]
    secret = page.split('<code dir="ltr"><bdi>', 1)[1].split("</bdi>", 1)[0]
    assert len(secret.replace(" ", "")) == 32
    assert not TOTPDevice.objects.filter(user=leader).exists()  # nothing stored before it is confirmed

    response = web.post(reverse("otp-setup"), {"otp_token": "000000", "next": "/account/"})
    assert response.status_code == 200
    assert "The code is not correct or has expired." in response.content.decode()

    response = web.post(reverse("otp-setup"), {"otp_token": code_for(key), "next": "/account/"})
    assert response.status_code == 302 and response["Location"] == "/account/"
    device = TOTPDevice.objects.get(user=leader)
    assert device.confirmed
    assert web.get("/account/").status_code == 200
    assert AuditEntry.objects.filter(action="core.second_factor.enrolled", actor=leader).exists()


def test_later_sign_ins_ask_for_the_code(login_security, web, leader):
    device = TOTPDevice.objects.create(user=leader, name="default", confirmed=True)
    sign_in(web, "t_leader")
    response = web.get("/account/")
    assert response["Location"] == reverse("otp-verify") + "?next=%2Faccount%2F"
    assert web.get(reverse("otp-setup"))["Location"].startswith(reverse("otp-verify"))
    # The API with this half-signed-in session: refused in the error shape.
    response = web.get("/api/v1/me/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "second_factor_required"

    response = web.post(reverse("otp-verify"), {"otp_token": "123", "next": "/account/"})
    assert response.status_code == 200
    assert "The code is not correct or has expired." in response.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()

    response = web.post(reverse("otp-verify"), {"otp_token": code_for(device), "next": "/account/"})
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert web.get("/account/").status_code == 200
    assert web.get("/api/v1/me/").status_code == 200
    # Sign-out is always reachable, and a new sign-in asks again.
    web.post(reverse("logout"))
    sign_in(web, "t_leader")
    assert web.get("/account/")["Location"].startswith(reverse("otp-verify"))


def test_a_code_is_accepted_once(login_security, leader):
    device = TOTPDevice.objects.create(user=leader, name="default", confirmed=True)
    code = code_for(device)
    security.second_factor_check(user=leader, code=code)
    with pytest.raises(ValidationError):
        security.second_factor_check(user=leader, code=code)


def test_next_must_stay_on_this_site(login_security, web, leader):
    device = TOTPDevice.objects.create(user=leader, name="default", confirmed=True)
    sign_in(web, "t_leader")
    response = web.post(
        reverse("otp-verify"), {"otp_token": code_for(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def test_accounts_without_such_roles_are_not_asked(login_security, web, resident):
    sign_in(web, "t_resident")
    assert web.get("/account/").status_code == 200
    assert web.get(reverse("otp-verify"))["Location"] == reverse("home")


def test_the_api_token_of_such_roles_needs_the_code(login_security, client, leader, resident):
    credentials = {"username": "t_leader", "password": PASSWORD}
    response = client.post(TOKEN_URL, credentials, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "otp": ["Set up an authenticator app by signing in on the website first."]
    }
    device = TOTPDevice.objects.create(user=leader, name="default", confirmed=True)
    response = client.post(TOKEN_URL, credentials, HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["error"]["fields"] == {"otp": ["Enter the code your authenticator app shows."]}
    response = client.post(TOKEN_URL, {**credentials, "otp": "999999"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "otp" in response.json()["error"]["fields"]
    assert not Token.objects.filter(user=leader).exists()
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.save()
    response = client.post(
        TOKEN_URL, {**credentials, "otp": code_for(device)}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=leader).key
    # A resident needs no code.
    response = client.post(TOKEN_URL, {"username": "t_resident", "password": PASSWORD})
    assert response.status_code == 200


def test_the_schema_documents_the_code_and_the_lockout(client):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert "otp" in operation["description"] and "locked_out" in operation["description"]
    assert "429" in operation["responses"]
    body = schema["components"]["schemas"]
    request_schema = next(v for k, v in body.items() if k.startswith("TokenCredentials"))
    assert "otp" in request_schema["properties"]
    assert "otp" not in request_schema.get("required", [])
