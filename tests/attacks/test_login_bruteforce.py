"""Login brute force. The web sign-in, the API token lockout and their shared counter are covered by
tests/core/test_login_security.py; here what it leaves out: a long run of guesses on the token endpoint that
forges a new X-Forwarded-For each time (no proxy is trusted, so the header must not give it a fresh address),
and the Django admin's own sign-in page."""

from django.core.cache import cache
from django.test import Client
from rest_framework.authtoken.models import Token

from huiketing.people.models import Role
from tests.core.test_login_security import PASSWORD, TOKEN_URL


def test_twenty_guesses_on_the_token_endpoint_with_forged_addresses_stay_locked(
    login_security, make_user, tree
):
    user = make_user("t_brute", Role.RESIDENT, tree.grids[0].code)
    statuses = []
    for n in range(20):
        client = Client(HTTP_ACCEPT_LANGUAGE="en", HTTP_X_FORWARDED_FOR=f"198.51.100.{n + 1}")
        response = client.post(TOKEN_URL, {"username": "t_brute", "password": f"guess-{n}"})
        statuses.append(response.status_code)
    assert statuses[:4] == [400] * 4
    assert set(statuses[5:]) == {429}, statuses
    # The right password, from a forged address or a real new one, gets no token while the lock lasts.
    for extra in ({"HTTP_X_FORWARDED_FOR": "203.0.113.77"}, {"REMOTE_ADDR": "192.0.2.99"}):
        cache.clear()  # the request rate limit forgets; the lockout (in its own tables) must not
        response = Client(HTTP_ACCEPT_LANGUAGE="en", **extra).post(
            TOKEN_URL, {"username": "t_brute", "password": PASSWORD}
        )
        assert response.status_code == 429
        assert response.json()["error"]["code"] == "locked_out"
    assert not Token.objects.filter(user=user).exists()


def test_the_admin_sign_in_page_is_locked_too(login_security, make_user):
    make_user("t_brute_staff", is_staff=True, is_superuser=True)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    statuses = [
        client.post("/admin/login/", {"username": "t_brute_staff", "password": f"guess-{n}"}).status_code
        for n in range(6)
    ]
    assert statuses[:4] == [200] * 4
    assert statuses[-1] == 429, statuses
    response = Client(REMOTE_ADDR="192.0.2.50").post(
        "/admin/login/", {"username": "t_brute_staff", "password": PASSWORD}
    )
    assert response.status_code == 429
