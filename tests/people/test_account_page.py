"""The account page: who I am, my roles and where, and my language and large-text preferences."""

import re

from django.conf import settings
from django.test import Client

from huiketing.core.models import AuditEntry
from huiketing.people.models import Role

URL = "/account/"


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/account/")


def test_shows_username_display_name_and_roles_with_their_scope(client, tree, make_user):
    community = tree.communities[0]
    user = make_user("t_staff", Role.COMMUNITY_STAFF, community.code, display_name="古丽")
    client.force_login(user)
    html = client.get(f"{URL}?lang=en").content.decode()
    assert "<bdi>t_staff</bdi>" in html
    assert "<bdi>古丽</bdi>" in html
    assert re.search(
        r"Community staff\s*<span class=\"code muted\"><bdi>" + community.code + "</bdi></span>", html
    )


def test_shows_that_no_roles_are_held(client, db, make_user):
    client.force_login(make_user("plain"))
    html = client.get(f"{URL}?lang=en").content.decode()
    assert "You hold no roles yet." in html


def test_language_choices_are_in_their_own_script(client, db, make_user):
    client.force_login(make_user("reader", preferred_language="ug"))
    html = client.get(URL).content.decode()
    label = '<label class="choice" lang="ug" dir="rtl">'
    assert label + '<input type="radio" name="preferred_language" value="ug" checked>' in html
    assert 'lang="kk" dir="rtl"' in html


def test_saving_preferences_stores_them_sets_cookies_and_confirms_in_the_new_language(client, db, make_user):
    user = make_user("saver", preferred_language="zh-hans")
    client.force_login(user)
    response = client.post(URL, {"preferred_language": "en", "large_text": "on"})
    assert response.status_code == 302
    assert response["Location"] == URL
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert response.cookies["huiketing_large_text"].value == "1"
    user.refresh_from_db()
    assert user.preferred_language == "en"
    assert user.large_text is True
    assert AuditEntry.objects.filter(action="people.user.display_changed").exists()

    html = client.get(URL).content.decode()
    assert '<html lang="en" dir="ltr" class="large-text">' in html
    assert "Your preferences have been saved." in html


def test_saving_kazakh_turns_the_page_right_to_left_and_large_text_off(client, db, make_user):
    user = make_user("saver2", large_text=True)
    client.force_login(user)
    client.post(URL, {"preferred_language": "kk"})
    user.refresh_from_db()
    assert (user.preferred_language, user.large_text) == ("kk", False)
    html = client.get(URL).content.decode()
    assert '<html lang="kk" dir="rtl">' in html


def test_an_unknown_language_is_refused_with_a_message_naming_the_field(client, db, make_user):
    user = make_user("refused", preferred_language="ug")
    client.force_login(user)
    response = client.post(f"{URL}?lang=en", {"preferred_language": "xx"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    user.refresh_from_db()
    assert user.preferred_language == "ug"  # a POST remembers nothing from ?lang=, and the form was refused


def test_saving_needs_a_csrf_token(db, make_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("csrf"))
    assert client.post(URL, {"preferred_language": "en"}).status_code == 403
