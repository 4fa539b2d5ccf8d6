"""CSRF on every form: every page of the project (walked as in the permission matrix) is opened by a signed-in
administrator and by an anonymous visitor; each <form method="post"> it holds is sent back without its CSRF
token, by a client that enforces CSRF as a browser's request would meet it, and must get 403."""

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from huiketing.core.permissions import declared_permission
from huiketing.people.models import Role
from tests.test_permission_matrix import ANONYMOUS, REGISTRY, ROUTES, Sample


class FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {
                "method": (attrs.get("method") or "get").lower(),
                "action": attrs.get("action"),
                "data": {},
            }
            self.forms.append(self._form)
        elif (
            self._form is not None and tag in ("input", "select", "textarea", "button") and attrs.get("name")
        ):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self._form["data"].setdefault(attrs["name"], attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def pages(world):
    """(url) of every page of ours that can be opened with GET, with the matrix's in-scope samples."""
    for route in ROUTES:
        if (
            route.namespace.startswith("admin")
            or not route.is_ours
            or declared_permission(route.callback) is None
        ):
            continue
        if route.name == "logout":
            continue
        sampler = REGISTRY.get(route.name or "")
        if route.params and sampler is None:
            continue
        sample = sampler(world, True) if sampler else Sample({})
        url = reverse(route.name, kwargs=sample.kwargs) if route.name else "/" + route.route
        yield url, sample.query or {}


@pytest.mark.parametrize("principal", [Role.ADMIN, ANONYMOUS])
def test_every_post_form_is_refused_without_its_csrf_token(world, principal):
    browser = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    if principal != ANONYMOUS:
        browser.force_login(world.users[principal])
    forms: dict[str, tuple[str, dict]] = {}
    for url, query in pages(world):
        response = browser.get(url, query)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = FormParser()
        parser.feed(response.content.decode())
        for form in parser.forms:
            if form["method"] != "post":
                continue
            action = urlsplit(urljoin(url, form["action"] or url))
            target = action.path + (f"?{action.query}" if action.query else "")
            assert "csrfmiddlewaretoken" in form["data"], f"{url}: a form to {target} has no CSRF token"
            forms.setdefault(target, (url, form["data"]))
    assert len(forms) >= (15 if principal != ANONYMOUS else 3), sorted(forms)
    assert browser.cookies.get("csrftoken"), "the pages set the CSRF cookie, so only the token is missing"
    accepted = []
    for target, (page, data) in sorted(forms.items()):
        data = {name: value for name, value in data.items() if name != "csrfmiddlewaretoken"}
        response = browser.post(target, data)
        if response.status_code != 403:
            accepted.append(f"{target} (form on {page}): {response.status_code}")
    assert not accepted, "\n".join(accepted)
