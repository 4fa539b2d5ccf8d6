"""A browser-like HTTP client for the end-to-end tests that run against Django's live server.

urllib with a cookie jar: forms carry the CSRF token read from the last page fetched, as a browser's would;
redirects are not followed, so that their status and Location can be checked; API calls carry a token.
`Client.submit` opens a page and sends one of its forms with the values a browser would send (what the page
filled in, and what the user changed), so that a test also checks that the page offers the action.
"""

import html
import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

PASSWORD = "pass-for-tests-1"  # tests/conftest.py make_user


class _FormParser(HTMLParser):
    """The forms of a page, each as the fields a browser would send without the user changing anything: text
    and hidden inputs with their values, checked boxes and radios, each select's chosen option (else its
    first), textareas; buttons and file inputs are left out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []
        self._fields: list[tuple[str, str]] | None = None
        self._select: dict | None = None
        self._option: dict | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._fields = []
            self.forms.append((attributes.get("action") or "", self._fields))
            return
        if self._fields is None or "disabled" in attributes:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = (attributes.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attributes:
                    self._fields.append((name, attributes.get("value") or "on"))
                return
            self._fields.append((name, attributes.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea = {"name": name, "text": ""}
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in attributes, "options": []}
        elif tag == "option" and self._select is not None:
            self._option = {
                "value": attributes.get("value"),
                "selected": "selected" in attributes,
                "text": "",
            }
            self._select["options"].append(self._option)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["text"] += data
        if self._option is not None:
            self._option["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "textarea" and self._textarea is not None:
            content = self._textarea["text"]  # a browser drops the newline that follows <textarea>
            self._fields.append((self._textarea["name"], content.removeprefix("\n")))
            self._textarea = None
        elif tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            options = self._select["options"]
            values = [o["value"] if o["value"] is not None else o["text"].strip() for o in options]
            chosen = [value for value, o in zip(values, options, strict=True) if o["selected"]]
            if not chosen and values and not self._select["multiple"]:
                chosen = values[:1]
            if not self._select["multiple"]:
                chosen = chosen[-1:]
            self._fields.extend((self._select["name"], value) for value in chosen)
            self._select = None


def forms_on(page: str) -> dict[str, list[tuple[str, str]]]:
    """The page's forms by their action ("" for a form that posts to the page itself); the first of each."""
    parser = _FormParser()
    parser.feed(page)
    found: dict[str, list[tuple[str, str]]] = {}
    for action, fields in parser.forms:
        found.setdefault(action, [(n, v) for n, v in fields if n != "csrfmiddlewaretoken"])
    return found


def text(page: str) -> str:
    """The page's text as a reader sees it: no tags, entities resolved, white space collapsed."""
    page = re.sub(r"(?is)<(script|style|svg)\b.*?</\1>", " ", page)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def fill(fields: list[tuple[str, str]], values: dict) -> list[tuple[str, object]]:
    """The form's fields with `values` put in: a value replaces the field's, a list gives it several,
    None leaves it out."""
    kept = [(name, value) for name, value in fields if name not in values]
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, list):
            kept.extend((name, item) for item in value)
        else:
            kept.append((name, value))
    return kept


def link(page: str, pattern: str) -> str:
    """The first link on the page whose address matches `pattern`."""
    found = re.search(rf'href="({pattern})"', page)
    assert found, f"no link matching {pattern}"
    return html.unescape(found.group(1))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect comes back as the answer, so that its status and Location can be checked


class Client:
    """A browser-like HTTP client: cookies kept, CSRF token taken from the last page read, redirects shown."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)
        self.csrf = ""
        self.token = ""

    def request_bytes(self, method: str, path: str, data: bytes | None = None, headers: dict | None = None):
        """The answer's status, headers and body as bytes (for a PDF, an image, a spreadsheet)."""
        headers = {"Accept-Language": "en", **(headers or {})}
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        request = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def request(self, method: str, path: str, data: bytes | None = None, headers: dict | None = None):
        status, head, body = self.request_bytes(method, path, data, headers)
        return status, head, body.decode("utf-8", "replace")

    def get(self, path: str):
        status, head, body = self.request("GET", path)
        if found := re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body):
            self.csrf = found.group(1)
        return status, head, body

    def post_form(self, path: str, fields: list[tuple[str, object]]):
        data = urllib.parse.urlencode([("csrfmiddlewaretoken", self.csrf), *fields]).encode()
        return self.request(
            "POST",
            path,
            data,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": self.base + path},
        )

    def post_json(self, path: str, payload: dict | None):
        data = json.dumps(payload).encode() if payload is not None else None
        status, _head, body = self.request("POST", path, data, {"Content-Type": "application/json"})
        return status, json.loads(body) if body else None

    def get_json(self, path: str):
        status, _head, body = self.request("GET", path)
        return status, json.loads(body)

    def sign_in(self, username: str) -> None:
        self.get("/accounts/login/")
        fields = [("username", username), ("password", PASSWORD)]
        status, _head, _body = self.post_form("/accounts/login/", fields)
        assert status == 302, f"{username} could not sign in"

    def api_token(self, username: str) -> None:
        status, body = self.post_json("/api/v1/auth/token/", {"username": username, "password": PASSWORD})
        assert status == 200, body
        self.token = body["token"]

    def submit(self, page: str, action: str = "", values: dict | None = None, *, expect: int = 302):
        """Open `page`, take its form posting to `action` (the page itself when empty), fill in `values` (see
        `fill`) and send it. The answer's status must be `expect`; returns its headers and body."""
        status, _head, body = self.get(page)
        assert status == 200, f"GET {page}: {status}\n{text(body)[:2000]}"
        forms = forms_on(body)
        assert action in forms, f"{page} has no form posting to {action or 'itself'}: {sorted(forms)}"
        status, head, answer = self.post_form(action or page, fill(forms[action], values or {}))
        assert status == expect, f"POST {action or page}: {status}\n{text(answer)[:3000]}"
        return head, answer
