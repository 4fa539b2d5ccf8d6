"""Languages (DESIGN.md §5): zh-hans by default, ug and kk right-to-left, `?lang=` on any page, remembered;
and Django's Cyrillic Kazakh never shows under `kk` (huiketing.core.i18n)."""

import ast
import gettext as gettext_module
import json
import re
from datetime import datetime
from pathlib import Path

import django
import polib
import pytest
import rest_framework
from django.conf import settings
from django.test import Client, RequestFactory
from django.utils import translation
from django.utils.formats import date_format
from rest_framework.authentication import TokenAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from huiketing.core import django_strings
from huiketing.core.api import exception_handler

CYRILLIC = re.compile("[\u0400-\u04ff]")
ARABIC = re.compile("[\u0600-\u06ff]")
COOKIE = settings.LANGUAGE_COOKIE_NAME
DJANGO_DIR = Path(django.__file__).parent
DRF_DIR = Path(rest_framework.__file__).parent


def html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.content.decode()).group(0)


def no_cyrillic(text: str) -> None:
    found = CYRILLIC.findall(text)
    assert not found, f"Cyrillic in the page: {''.join(found)[:80]}"


# Direction and language of the page


@pytest.mark.parametrize("code", ["ug", "kk"])
def test_uyghur_and_kazakh_render_right_to_left(client, tree, code):
    response = client.get(f"/?lang={code}")
    assert response.status_code == 200
    assert f'lang="{code}"' in html_tag(response)
    assert 'dir="rtl"' in html_tag(response)
    assert response["Content-Language"] == code


def test_chinese_renders_left_to_right_with_chinese_text(client, tree):
    response = client.get("/?lang=zh-hans")
    assert 'lang="zh-hans"' in html_tag(response)
    assert 'dir="ltr"' in html_tag(response)
    assert "阿勒泰市" in response.content.decode()  # the city's name picked for zh-hans
    with translation.override("zh-hans"):
        assert re.search("[\u4e00-\u9fff]", translation.gettext("This field is required."))


def test_chinese_is_the_default(client, tree):
    assert 'lang="zh-hans"' in html_tag(client.get("/"))


def test_lang_parameter_on_a_deep_page_is_remembered_in_a_cookie(client, tree):
    response = client.get("/places/?lang=ug")
    assert 'lang="ug"' in html_tag(response)
    assert response.cookies[COOKIE].value == "ug"
    assert 'lang="ug"' in html_tag(client.get("/places/"))
    assert 'lang="ug"' in html_tag(client.get(f"/places/{tree.grids[0].code}/"))


def test_lang_parameter_accepts_aliases(client, tree):
    assert 'lang="zh-hans"' in html_tag(client.get("/?lang=zh_CN"))
    assert 'lang="kk"' in html_tag(client.get("/?lang=kk-Arab"))


def test_unsupported_lang_parameter_is_ignored(client, tree):
    response = client.get("/?lang=xx")
    assert 'lang="zh-hans"' in html_tag(response)
    assert COOKIE not in response.cookies
    client.get("/?lang=ug")
    response = client.get("/?lang=ru")  # a language Django knows, but not ours
    assert 'lang="ug"' in html_tag(response)
    assert COOKIE not in response.cookies


def test_signed_in_users_preferred_language_applies(client, tree, make_user):
    user = make_user("kazakh_reader", preferred_language="kk")
    client.force_login(user)
    response = client.get("/places/")
    assert 'lang="kk"' in html_tag(response)
    assert 'dir="rtl"' in html_tag(response)


def test_lang_parameter_is_stored_on_the_account(client, tree, make_user):
    user = make_user("switcher", preferred_language="zh-hans")
    client.force_login(user)
    client.get("/places/?lang=ug")
    user.refresh_from_db()
    assert user.preferred_language == "ug"
    other_device = Client()
    other_device.force_login(user)
    assert 'lang="ug"' in html_tag(other_device.get("/"))


# No Cyrillic under kk, anywhere a user can look


@pytest.fixture
def kk_client(client):
    client.cookies[COOKIE] = "kk"
    return client


def test_kk_home_and_places_have_no_cyrillic(kk_client, tree):
    for url in ["/", "/places/", f"/places/{tree.communities[0].code}/", "/accounts/login/"]:
        response = kk_client.get(url)
        assert response.status_code == 200, url
        assert 'lang="kk"' in html_tag(response)
        no_cyrillic(response.content.decode())


def test_kk_login_form_errors_have_no_cyrillic(kk_client, make_user):
    make_user("someone")
    response = kk_client.post("/accounts/login/", {"username": "someone", "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "errorlist" in html
    no_cyrillic(html)
    response = kk_client.post("/accounts/login/", {"username": "", "password": ""})
    html = response.content.decode()
    assert 'aria-invalid="true"' in html  # "This field is required." under each field
    no_cyrillic(html)


def test_kk_admin_pages_have_no_cyrillic(kk_client, make_user):
    response = kk_client.get("/admin/login/")
    assert response.status_code == 200
    no_cyrillic(response.content.decode())
    response = kk_client.post("/admin/login/", {"username": "nobody", "password": "wrong"})
    assert "errornote" in response.content.decode()
    no_cyrillic(response.content.decode())

    kk_client.force_login(make_user("root", is_staff=True, is_superuser=True))
    for url in ["/admin/", "/admin/password_change/"]:
        response = kk_client.get(url)
        assert response.status_code == 200, url
        no_cyrillic(response.content.decode())
    response = kk_client.post("/admin/password_change/", {})
    assert "errorlist" in response.content.decode()
    no_cyrillic(response.content.decode())


def test_kk_admin_javascript_catalogue_has_no_cyrillic(kk_client, make_user):
    kk_client.force_login(make_user("root", is_staff=True, is_superuser=True))
    response = kk_client.get("/admin/jsi18n/")
    assert response.status_code == 200
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), response.content.decode())
    no_cyrillic(text)


def test_kk_api_error_has_no_cyrillic(kk_client, db):
    response = kk_client.get("/api/v1/regions/locate/")  # no parameters: an error either way
    assert response.status_code >= 400
    text = response.content.decode()
    if response.get("Content-Type", "").startswith("application/json"):
        body = response.json()
        text = json.dumps(body, ensure_ascii=False)
        if response.status_code == 400:  # the locate endpoint exists: "This field is required." per field
            assert body["error"]["fields"]["lat"]
    no_cyrillic(text)


class _Protected(APIView):
    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response({})

    def get_exception_handler(self):
        return exception_handler


@pytest.mark.parametrize(
    ("headers", "method"),
    [({}, "get"), ({"HTTP_AUTHORIZATION": "Token not-a-token"}, "get"), ({}, "delete")],
)
def test_kk_drf_messages_have_no_cyrillic(db, headers, method):
    request = getattr(RequestFactory(), method)("/api/v1/test/", **headers)
    with translation.override("kk"):
        response = _Protected.as_view()(request)
        response.render()
    assert response.status_code in {401, 403, 405}
    text = json.dumps(json.loads(response.content), ensure_ascii=False)
    no_cyrillic(text)


def _django_kk(msgid: str, domain_dir: Path) -> str:
    """What Django's or DRF's own (Cyrillic) kk catalogue says, to show the test would catch a leak."""
    catalogue = gettext_module.translation("django", str(domain_dir), languages=["kk"], fallback=True)
    return catalogue.gettext(msgid)


@pytest.mark.parametrize(
    ("msgid", "source"),
    [
        ("This field is required.", DJANGO_DIR / "conf" / "locale"),
        ("Enter a valid value.", DJANGO_DIR / "conf" / "locale"),
        ("January", DJANGO_DIR / "conf" / "locale"),
        ("Home", DJANGO_DIR / "contrib" / "admin" / "locale"),
        ("Authentication credentials were not provided.", DRF_DIR / "locale"),
    ],
)
def test_kk_gettext_of_django_strings_is_never_cyrillic(msgid, source):
    assert CYRILLIC.search(_django_kk(msgid, source)), "control: Django's own kk catalogue is Cyrillic"
    with translation.override("kk"):
        assert not CYRILLIC.search(translation.gettext(msgid))


def test_kk_dates_plurals_and_every_listed_string_are_never_cyrillic():
    with translation.override("kk"):
        assert not CYRILLIC.search(date_format(datetime(2026, 1, 5, 9, 30), "l j F Y, N P"))
        assert not CYRILLIC.search(translation.pgettext("abbrev. month", "Sept."))
        assert not CYRILLIC.search(translation.ngettext("%(num)d minute", "%(num)d minutes", 5))
        for context, msgid, plural in _listed_strings():
            if plural:
                text = translation.ngettext(msgid, plural, 2)
            elif context:
                text = translation.pgettext(context, msgid)
            else:
                text = translation.gettext(msgid)
            assert not CYRILLIC.search(text), msgid


def test_kk_is_described_as_arabic_script_and_right_to_left():
    info = translation.get_language_info("kk")
    assert info["bidi"] is True
    assert ARABIC.search(info["name_local"])
    with translation.override("kk"):
        assert translation.get_language_bidi()


def test_uyghur_uses_djangos_arabic_script_catalogue():
    with translation.override("ug"):
        text = translation.gettext("This field is required.")
    assert ARABIC.search(text)
    assert not CYRILLIC.search(text)


# core/django_strings.py: the Django and DRF messages we translate ourselves


def _listed_strings() -> list[tuple[str | None, str, str | None]]:
    tree = ast.parse(Path(django_strings.__file__).read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            args = [arg.value for arg in node.args if isinstance(arg, ast.Constant)]
            if node.func.id == "gettext_noop":
                found.append((None, args[0], None))
            elif node.func.id == "pgettext_lazy":
                found.append((args[0], args[1], None))
            elif node.func.id == "ngettext_lazy":
                found.append((None, args[0], args[1]))
            elif node.func.id == "npgettext_lazy":
                found.append((args[0], args[1], args[2]))
    return found


def _source_catalogues() -> set[tuple[str | None, str, str | None]]:
    entries = set()
    for path in [
        DJANGO_DIR / "conf/locale/en/LC_MESSAGES/django.po",
        DJANGO_DIR / "contrib/auth/locale/en/LC_MESSAGES/django.po",
        DJANGO_DIR / "contrib/admin/locale/en/LC_MESSAGES/django.po",
    ]:
        entries |= {(e.msgctxt, e.msgid, e.msgid_plural or None) for e in polib.pofile(str(path))}
    for e in polib.mofile(str(DRF_DIR / "locale/en/LC_MESSAGES/django.mo")):
        entries.add((e.msgctxt, e.msgid, e.msgid_plural or None))
    return entries


def test_django_strings_are_copied_exactly_from_django_and_drf():
    listed = _listed_strings()
    assert len(listed) == len(django_strings.STRINGS)
    assert len(listed) <= 120
    assert len(set(listed)) == len(listed), "listed twice"
    sources = _source_catalogues()
    missing = [entry for entry in listed if entry not in sources]
    assert not missing, f"not found in Django's or DRF's catalogues (msgctxt, msgid, plural): {missing}"


def test_django_strings_cover_the_messages_users_see():
    msgids = {msgid for _context, msgid, _plural in _listed_strings()}
    for msgid in [
        "This field is required.",
        "Enter a valid value.",
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Please enter a correct %(username)s and password. Note that both fields may be case-sensitive.",
        "This account is inactive.",
        "Authentication credentials were not provided.",
        "Invalid token.",
        "Not found.",
        "You do not have permission to perform this action.",
        'Method "{method}" not allowed.',
        "Request was throttled.",
        "Expected available in {wait} seconds.",
        "A valid number is required.",
        "This field may not be blank.",
        "Invalid page.",
        "January",
        "Monday",
        "Jan.",
        "Home",
    ]:
        assert msgid in msgids, msgid
