"""Residents sign up with their mobile number; the account holds no role until it is verified."""

import pytest
from django.contrib.auth import get_user_model

from huiketing.core.models import AuditEntry
from huiketing.people.models import RoleAssignment
from huiketing.people.verification import account_signup

URL = "/signup/"
GOOD = {
    "phone": "138 0013 8000",
    "display_name": "小明",
    "password": "walnut-river-42",
    "password_again": "walnut-river-42",
    "preferred_language": "ug",
}
User = get_user_model()


def test_the_page_is_public(client, db):
    response = client.get(f"{URL}?lang=en")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="phone"' in html and 'name="password_again"' in html
    assert "Create an account" in html


def test_signing_up_creates_an_account_named_by_the_normalised_phone_and_signs_in(client, db):
    response = client.post(URL, GOOD)
    assert response.status_code == 302
    assert response["Location"] == "/account/verify/"
    user = User.objects.get()
    assert user.username == "13800138000"
    assert user.display_name == "小明"
    assert user.preferred_language == "ug"
    assert user.check_password("walnut-river-42")
    assert not RoleAssignment.objects.filter(user=user).exists()  # no role before verification
    assert AuditEntry.objects.filter(action="people.account.signup", actor=user).count() == 1

    page = client.get("/account/verify/")
    assert page.status_code == 200
    assert page.context["user"] == user


def test_an_international_form_of_the_number_is_the_same_account(client, db):
    client.post(URL, {**GOOD, "phone": "+86 138-0013-8000"})
    assert User.objects.get().username == "13800138000"


def test_a_phone_already_signed_up_is_refused_naming_the_field(client, db):
    account_signup(phone="13800138000", display_name="甲", password="walnut-river-42", ip="10.0.0.1")
    response = client.post(f"{URL}?lang=en", {**GOOD, "phone": "+8613800138000"})
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["phone"]
    assert "already exists" in form.errors["phone"][0]
    assert User.objects.count() == 1
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"phone": "0906-2123456"}, "phone"),  # a landline cannot be a user name to sign in with
        ({"phone": "12345"}, "phone"),
        ({"password": "12345678", "password_again": "12345678"}, "password"),
        ({"password": "short1", "password_again": "short1"}, "password"),
        ({"password_again": "something-else"}, "password_again"),
        ({"display_name": "   "}, "display_name"),
        ({"preferred_language": "fr"}, "preferred_language"),
    ],
)
def test_bad_input_names_its_field(client, db, changes, field):
    response = client.post(f"{URL}?lang=en", {**GOOD, **changes})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not User.objects.exists()


def test_sign_up_attempts_are_limited_per_address(client, db, settings):
    settings.HUIKETING_SIGNUP_LIMIT = 3
    for n in range(3):
        response = client.post(URL, {**GOOD, "phone": "12345"}, REMOTE_ADDR="10.1.1.1")
        assert "phone" in response.context["form"].errors, n
    response = client.post(f"{URL}?lang=en", GOOD, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 200
    assert "Too many attempts" in response.context["form"].non_field_errors()[0]
    assert not User.objects.exists()
    # Another address is not held back.
    assert client.post(URL, GOOD, REMOTE_ADDR="10.1.1.2").status_code == 302
    assert User.objects.count() == 1


def test_a_signed_in_visitor_goes_to_verification(client, db, make_user):
    client.force_login(make_user("someone"))
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/account/verify/"
