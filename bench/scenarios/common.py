"""What the simulated users share: the demo's places and accounts, languages, sign-in, and checked requests.

Locust runs these in its own process; they know the demo from its data modules (no database access) and talk
to the server over HTTP on 127.0.0.1 only.
"""

import os
import random
import re
import time
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlencode, urlparse

import gevent
from locust import FastHttpUser, events
from locust.exception import StopUser

from huiketing.demo import geometry
from huiketing.demo.data import places

PASSWORD = os.environ.get("HUIKETING_DEMO_PASSWORD", "altay-demo-2026")
# Every run is bounded in time (--run-time) and in number: the whole run stops after this many requests.
MAX_REQUESTS = int(os.environ.get("BENCH_MAX_REQUESTS", "500000"))
# Users send their next request as soon as the answer to the last one arrives (BENCH_THINK=0), so that the run
# measures what the server can do at this concurrency; BENCH_THINK=3 makes each pause 0–3 s instead.
THINK = float(os.environ.get("BENCH_THINK", "0"))
# Taking turns (bench/load.py): from BENCH_EPOCH (Unix time) on, the mixed load (BENCH_PHASE=0) and the floor
# (BENCH_PHASE=1) send requests in alternate slots of BENCH_SLOT seconds, each falling silent BENCH_GUARD
# seconds before its slot ends, so that both see the same machine, minute by minute. BENCH_SLOT=0: no turns.
SLOT = float(os.environ.get("BENCH_SLOT", "0"))
PHASE = int(os.environ.get("BENCH_PHASE", "0"))
EPOCH = float(os.environ.get("BENCH_EPOCH", "0"))
GUARD = float(os.environ.get("BENCH_GUARD", "1"))
# Accept-Language of the simulated residents' phones and browsers.
LANGUAGES = {"zh-Hans,zh;q=0.9": 55, "kk": 20, "ug": 20, "en": 5}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@dataclass(frozen=True)
class DemoPlaces:
    city: str
    subdistricts: list[str]
    communities: list[str]
    grids: list[str]
    # The grid holding the city centre: led by the `gridleader` account, home of the `resident` account.
    centre: str


@cache
def demo_places() -> DemoPlaces:
    layout = geometry.build()
    codes = sorted(layout.polygons)
    return DemoPlaces(
        city=places.CITY_CODE,
        subdistricts=[c for c in codes if len(c) == 9],
        communities=[c for c in codes if len(c) == 12],
        grids=[c for c in codes if len(c) == 15],
        centre=geometry.grid_at(layout, places.CENTRE_LAT, places.CENTRE_LNG),
    )


def random_point() -> tuple[float, float]:
    """A point in the demo city's rectangle (one outside every grid would be answered 404, rightly)."""
    return (
        round(random.uniform(places.BAND_EDGES[-1], places.BAND_EDGES[0]), 6),
        round(random.uniform(places.WEST, places.EAST), 6),
    )


def until_turn(now: float | None = None) -> float:
    """Seconds to wait until this process may send (0: now)."""
    if SLOT <= 0:
        return 0.0
    now = time.time() if now is None else now
    if now < EPOCH:
        return EPOCH - now + until_turn(EPOCH)
    offset = (now - EPOCH - PHASE * SLOT) % (2 * SLOT)
    return 0.0 if offset < SLOT - GUARD else 2 * SLOT - offset


_run = {"sent": 0, "environment": None}


@events.init.add_listener
def _loopback_only(environment, **kwargs):
    _run["environment"] = environment
    host = urlparse(environment.host or "").hostname
    if host != "127.0.0.1":
        raise SystemExit(f"The benchmark only sends requests to 127.0.0.1, not to {environment.host!r}.")


# BENCH_LOG: a file where every request is appended as one tab-separated line (start time, method, name,
# milliseconds, 1 if it succeeded, the failure), written when locust quits; bench/load.py computes its figures
# from these lines, across rounds.
LOG = os.environ.get("BENCH_LOG", "")
_lines: list[str] = []


@events.request.add_listener
def _record(request_type, name, response_time, exception=None, start_time=0.0, **kwargs):
    _run["sent"] += 1
    if LOG:
        failure = " ".join(str(exception).split())[:120] if exception else ""
        fields = (f"{start_time:.3f}", request_type, name, f"{response_time:.2f}", "0" if exception else "1")
        _lines.append("\t".join((*fields, failure)) + "\n")
    environment = _run["environment"]
    if _run["sent"] == MAX_REQUESTS and environment is not None and environment.runner is not None:
        # Not from inside this user's greenlet, which quitting kills.
        gevent.spawn(environment.runner.quit)


@events.quitting.add_listener
def _write_log(**kwargs):
    if LOG:
        with open(LOG, "a", encoding="utf-8") as handle:
            handle.writelines(_lines)
        _lines.clear()


class DemoUser(FastHttpUser):
    """A user of the demo: one language, a cookie jar, checked answers."""

    abstract = True
    network_timeout = 30.0
    connection_timeout = 10.0

    def wait_time(self) -> float:
        think = random.uniform(0, THINK) if THINK > 0 else 0.0
        return think + until_turn(time.time() + think)

    def on_start(self):
        if urlparse(self.host).hostname != "127.0.0.1":
            raise StopUser()
        gevent.sleep(until_turn())
        self.language = random.choices(list(LANGUAGES), list(LANGUAGES.values()))[0]
        self.places = demo_places()
        # Each user has its own client address, as the reverse proxy in front of production reports it
        # (X-Forwarded-For, HUIKETING_NUM_PROXIES=1): rate-limit counters and lockouts are per user, as for
        # real clients, instead of one counter shared by everyone on 127.0.0.1.
        self.address = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"

    def headers(self, extra: dict | None = None) -> dict:
        return {"Accept-Language": self.language, "X-Forwarded-For": self.address, **(extra or {})}

    def page(self, path: str, name: str, *, ok=(200,), marker: str = "</html>"):
        """GET an HTML page; anything but an expected status, or a page cut short, is an error."""
        with self.client.get(path, name=name, headers=self.headers(), catch_response=True) as response:
            if response.status_code not in ok:
                response.failure(f"status {response.status_code}")
            elif response.status_code == 200 and marker and marker not in (response.text or ""):
                response.failure(f"no {marker!r} in the page")
            else:
                response.success()
        return response

    def api(self, path: str, name: str, *, ok=(200,), token: str = ""):
        """GET a JSON answer of the API."""
        headers = self.headers({"Accept": "application/json"})
        if token:
            headers["Authorization"] = f"Token {token}"
        with self.client.get(path, name=name, headers=headers, catch_response=True) as response:
            if response.status_code not in ok:
                response.failure(f"status {response.status_code}")
            else:
                response.success()
        return response

    def post_form(self, path: str, name: str, data: dict, *, ok=(302,)):
        """POST a form as a browser does (CSRF token in the body, no redirect followed)."""
        with self.client.post(
            path,
            name=name,
            data=urlencode(data),
            headers=self.headers(FORM),
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code not in ok:
                response.failure(f"status {response.status_code}")
            else:
                response.success()
        return response

    def sign_in(self, username: str) -> bool:
        """Sign in on the website as a person does: the form, then the POST; the session cookie stays."""
        form = self.page("/accounts/login/", "GET /accounts/login/")
        token = csrf_token(form.text)
        response = self.post_form(
            "/accounts/login/",
            "POST /accounts/login/ (sign-in)",
            {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD, "next": ""},
        )
        return response.status_code == 302

    def api_token(self, username: str) -> str:
        """Sign in through the API (POST /api/v1/auth/token/) as a phone app does once."""
        with self.client.post(
            "/api/v1/auth/token/",
            name="POST /api/v1/auth/token/ (sign-in)",
            json={"username": username, "password": PASSWORD},
            headers=self.headers(),
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
                return ""
            response.success()
            return response.json()["token"]


def csrf_token(html: str | None) -> str:
    found = CSRF.search(html or "")
    return found.group(1) if found else ""
