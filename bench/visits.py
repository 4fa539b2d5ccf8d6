"""Visits at the door and their statistics: check-ins per second through the services (or over HTTP, as
phones send them), then a year of visits at 1,000 a day in each of 27 living rooms (9.9 million rows) and
the statistics queries on it (p95 of 20 runs).

Usage:
    .venv/bin/python bench/visits.py                       # 20,000 check-ins, 2 processes, then the year
    .venv/bin/python bench/visits.py --check-ins 4000 --days 30    # a quick look
    .venv/bin/python bench/visits.py --check-ins 3000 --days 0     # the check-ins alone
    .venv/bin/python bench/visits.py --http --check-ins 2000       # over HTTP against `huiketing serve`

PostgreSQL only: a scratch database (huiketing_bench_visits, see scratch.py) is created, filled and dropped.

Set-up (not timed): one city, 3 subdistricts, 27 communities with one grid each and one living room in each
grid; `--check-ins` accounts (default 20,000) written in bulk; a city officer who reads the statistics. With
--http, each account is also signed in: a session written in bulk as the sign-in page leaves it (the sign-in
itself, one deliberately slow password hash per account, is not what is measured).

(a) Check-ins (timed): the accounts are shared out between `--processes` worker processes. Each account
scans the door of one venue (`visit_services.visit_check_in_by_token`, as the door page and the API call it:
the token lookup, the account's row lock, the 30-minute repeat check, the visit row and its hour in the
roll-up), each in its own transaction; a share (`--rescan`, default 5 %) scans again at once, which must
return the first visit. Checks: one visit per account, the roll-up counting as many, no error.

(a') Check-ins over HTTP (--http, in place of (a); the year is not filled): the app runs as in production
(`huiketing serve`: gunicorn, `--workers` × `--threads`, on a free port of 127.0.0.1, against the scratch
database, with the settings of bench/load.py), and `--clients` client threads play the phones, each with
its own accounts' cookies, one keep-alive connection and an address of its own in X-Forwarded-For. A phone
scans the door of its venue: `GET /living-rooms/check-in/<token>/` (the page, with its CSRF cookie and form
token), `POST` of the same address with a purpose and the token (the check-in: 302 to the visit's rating
page), then `GET` of that page, as a browser follows the redirect; a share (`--rescan`) scans again at once
(the page and the POST again), which must lead to the same visit. Reported: check-ins per second over the
burst, and the latency of each of the three requests. Checks (exact): every account's first scan answered
with a visit of its own; the visits in the database are exactly those, each a phone check-in of its account;
the roll-up sums to as many; every rescan led to the first visit; no other answer.

(b) The year (set-up, timed apart; `--days 0` skips it): `--days` days (default 365) × 1,000 visits a day
× 27 venues, written by INSERT … SELECT generate_series on the server (indexes dropped first, built again
after, then VACUUM ANALYZE, then the daily roll-up computed from them in one INSERT … SELECT … GROUP BY):
opening hours 08–21 local time, two in a hundred a head count of 5–24 people, three in ten walk-ins recorded
by staff, the rest phone check-ins by the accounts, one in five rated. Then, 20 runs each, the statistics
as the page asks them (`visit_selectors.visit_statistics`: the venues, then one aggregate query each for the
totals and satisfaction, per day, per purpose and per hour from the roll-up, and one distinct count of the
unique visitors over the visits): one venue over the last 365 days, and all 27 venues over the last month,
read by the city officer.
"""

import argparse
import http.client
import multiprocessing
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlparse

import scratch

BENCH = Path(__file__).resolve().parent
DATABASE = "huiketing_bench_visits"
CITY = "654301"
VENUES = 27


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("HUIKETING_DEMO", "1")
    os.environ.setdefault("HUIKETING_HTTPS", "0")
    if "HUIKETING_DATA_DIR" not in os.environ:  # the worker processes inherit the first one's
        os.environ["HUIKETING_DATA_DIR"] = tempfile.mkdtemp(prefix="huiketing-bench-visits-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huiketing.settings")
    import django

    django.setup()


def prepare(accounts: int) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from huiketing.hall.models import Venue
    from huiketing.people.models import Role, RoleAssignment, User
    from huiketing.places.models import Level, Place, ServicePoint

    call_command("migrate", verbosity=0, interactive=False)
    city = Place.objects.create(code=CITY, level=Level.CITY, names={"zh-hans": "阿勒泰市"})
    venues = []
    for s in range(3):
        sub = Place.objects.create(
            code=f"{CITY}{s + 1:03d}", level=Level.SUBDISTRICT, parent=city, names={"zh-hans": f"街道{s + 1}"}
        )
        for c in range(VENUES // 3):
            community = Place.objects.create(
                code=f"{sub.code}{c + 1:03d}",
                level=Level.COMMUNITY,
                parent=sub,
                names={"zh-hans": f"社区{c}"},
            )
            grid = Place.objects.create(
                code=f"{community.code}001", level=Level.GRID, parent=community, names={"zh-hans": "网格"}
            )
            point = ServicePoint.objects.create(
                kind="living_room",
                names={"zh-hans": f"会客厅{len(venues) + 1}"},
                place=grid,
                place_code=grid.code,
                lat=47.8,
                lng=88.1,
            )
            venues.append(Venue.objects.create(service_point=point, place_code=grid.code))
    officer = User.objects.create(username="bench-city", password=make_password("bench-pass-1"))
    RoleAssignment.objects.create(user=officer, role=Role.CITY_OFFICER, place_code=CITY)
    unusable = make_password(None)
    for start in range(0, accounts, 5000):
        User.objects.bulk_create(
            [
                User(username=f"visitor{n:06d}", password=unusable)
                for n in range(start, min(start + 5000, accounts))
            ]
        )
    users = list(
        User.objects.filter(username__startswith="visitor").order_by("pk").values_list("pk", flat=True)
    )
    return {
        "users": users,
        "tokens": [v.check_in_token for v in venues],
        "venues": [v.pk for v in venues],
        "officer": officer.pk,
    }


def check_in_worker(args) -> dict:
    """One process: its accounts scan a door each (and some scan again at once)."""
    database_url, plan, share, rescan, seed = args
    setup_django(database_url)
    from huiketing.hall import visit_services
    from huiketing.people.models import User

    rng = random.Random(seed)
    users = {u.pk: u for u in User.objects.filter(pk__in=[plan["users"][i] for i in share])}
    purposes = ["reading", "rest", "meeting", "other"]
    latencies, errors, repeats_ok = [], [], 0
    for i in share:
        user = users[plan["users"][i]]
        token = plan["tokens"][i % len(plan["tokens"])]
        scans = 2 if rng.random() < rescan else 1
        first = None
        for scan in range(scans):
            started = time.perf_counter()
            try:
                visit = visit_services.visit_check_in_by_token(
                    user=user, token=token, purpose=purposes[rng.randrange(len(purposes))]
                )
            except Exception as error:  # counted and reported; the run fails
                errors.append(f"account {i}: {type(error).__name__}: {error}")
                continue
            finally:
                latencies.append(time.perf_counter() - started)
            if scan == 0:
                first = visit
            elif first is not None and visit.pk == first.pk and not visit.is_new:
                repeats_ok += 1
            else:
                errors.append(f"account {i}: a second scan made a second visit")
    return {"latencies": latencies, "errors": errors[:20], "n_errors": len(errors), "repeats_ok": repeats_ok}


def percentile(ordered: list[float], p: float) -> float:
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def ms(ordered: list[float]) -> str:
    return "p50 {:.1f}, p95 {:.1f}, p99 {:.1f}, max {:.1f} ms".format(
        *(1000 * percentile(ordered, p) for p in (50, 95, 99, 100))
    )


FILL = """
INSERT INTO hall_visit (venue_id, place_code, at, day, hour, purpose, method, people, user_id, satisfaction,
                        rated_at, recorded_by_id)
SELECT %(venue)s, %(place)s, local AT TIME ZONE 'Asia/Shanghai', local::date, extract(hour FROM local)::int,
       (ARRAY['reading','rest','service_item','event','meeting','other',
              'reading','rest','service_item','reading'])[1 + (n * 7 + d) %% 10],
       CASE WHEN n %% 50 = 0 THEN 'headcount' WHEN n %% 10 IN (1, 4, 7) THEN 'staff' ELSE 'qr' END,
       CASE WHEN n %% 50 = 0 THEN 5 + (n + d) %% 20 ELSE 1 END,
       CASE WHEN n %% 50 = 0 OR n %% 10 IN (1, 4, 7) THEN NULL
            ELSE %(first_user)s + ((n * 7919 + d * 104729 + %(venue)s * 15485863) %% %(accounts)s) END,
       CASE WHEN n %% 50 <> 0 AND n %% 5 = 2
            THEN (ARRAY['good','good','good','fair','poor'])[1 + (n / 5 + d) %% 5] END,
       CASE WHEN n %% 50 <> 0 AND n %% 5 = 2
            THEN (local + interval '1 hour') AT TIME ZONE 'Asia/Shanghai' END,
       NULL
FROM generate_series(0, %(days)s - 1) AS d,
     generate_series(0, 999) AS n,
     LATERAL (SELECT (%(first_day)s::date + d) + time '08:00'
                     + ((n * 47) %% 780) * interval '1 minute' AS local) AS t
"""


# The daily roll-up of the filled visits, as the services keep it visit by visit.
TALLY = """
INSERT INTO hall_visittally (venue_id, day, hour, purpose, visits, good, fair, poor)
SELECT venue_id, day, hour, purpose, sum(people), count(*) FILTER (WHERE satisfaction = 'good'),
       count(*) FILTER (WHERE satisfaction = 'fair'), count(*) FILTER (WHERE satisfaction = 'poor')
FROM hall_visit GROUP BY venue_id, day, hour, purpose
"""


def fill_year(plan: dict, days: int, first_day) -> tuple[int, float]:
    from django.db import connection

    from huiketing.hall.visit_models import Visit

    started = time.perf_counter()
    indexes = Visit._meta.indexes
    with connection.schema_editor() as editor:
        for index in indexes:
            editor.remove_index(Visit, index)
    with connection.cursor() as cursor:
        for venue_id, (place,) in zip(
            plan["venues"],
            [(f"{CITY}{s + 1:03d}{c + 1:03d}001",) for s in range(3) for c in range(VENUES // 3)],
            strict=True,
        ):
            cursor.execute(
                FILL,
                {
                    "venue": venue_id,
                    "place": place,
                    "days": days,
                    "first_day": first_day,
                    "first_user": plan["users"][0],
                    "accounts": len(plan["users"]),
                },
            )
            print(".", end="", flush=True)
    print(flush=True)
    with connection.schema_editor() as editor:
        for index in indexes:
            editor.add_index(Visit, index)
    with connection.cursor() as cursor:
        cursor.execute(TALLY)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE hall_visit")
        cursor.execute("SELECT count(*) FROM hall_visit")
        rows = cursor.fetchone()[0]
    return rows, time.perf_counter() - started


def time_statistics(user, *, venue_id, start, end, runs: int) -> tuple[list[float], object]:
    from huiketing.hall import visit_selectors

    timings, figures = [], None
    for _run in range(runs):
        started = time.perf_counter()
        figures = visit_selectors.visit_statistics(user=user, start=start, end=end, venue_id=venue_id)
        timings.append(time.perf_counter() - started)
    return sorted(timings), figures


def sign_in(user_ids: list[int]) -> list[str]:
    """A signed-in session for each account, in the order given, written in bulk as the sign-in page leaves
    it (the account, its backend and password hash, the sign-in time); returns the session keys."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.base import VALID_KEY_CHARS
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from huiketing.core.security import LOGIN_AT, SEEN_AT
    from huiketing.people.models import User

    store = import_module(settings.SESSION_ENGINE).SessionStore
    model = store.get_model_class()
    now = int(time.time())
    expires = timezone.now() + timezone.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    users = User.objects.in_bulk(user_ids)
    keys, rows = [], []
    for pk in user_ids:
        key = get_random_string(32, VALID_KEY_CHARS)
        data = {
            SESSION_KEY: str(pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: users[pk].get_session_auth_hash(),
            LOGIN_AT: now,
            SEEN_AT: now,
        }
        rows.append(model(session_key=key, session_data=store().encode(data), expire_date=expires))
        keys.append(key)
    model.objects.bulk_create(rows, batch_size=5000)
    return keys


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RATE_PAGE = re.compile(r"^/visits/(\d+)/rate/$")
PURPOSES = ["reading", "rest", "meeting", "other"]
KINDS = ("page", "check-in", "rating page")


class ScanFailed(Exception):
    pass


def http_check_ins(base: str, plan: dict, clients: int, rescan: float) -> dict:
    """`clients` threads, each the phones of a share of the accounts, scan their doors over HTTP."""
    host = urlparse(base)
    accounts = len(plan["users"])
    shares = [range(i, accounts, clients) for i in range(clients)]
    results = []

    def run(share: range, seed: int) -> None:
        rng = random.Random(seed)
        connection = http.client.HTTPConnection(host.hostname, host.port, timeout=120)
        timings = {kind: [] for kind in KINDS}
        visits, rescans, repeats_ok, errors = {}, 0, 0, []

        def request(kind: str, path: str, cookies: dict, address: str, form: dict | None = None):
            nonlocal connection
            headers = {
                "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()),
                "X-Forwarded-For": address,
                "Accept-Language": "zh-CN,zh;q=0.9",
            }
            body = None
            if form is not None:
                body = urlencode(form)
                headers.update(
                    {
                        "Content-Type": "application/x-www-form-urlencoded",
                        "Origin": base,
                        "Referer": base + path,
                    }
                )
            started = time.perf_counter()
            try:
                connection.request("GET" if form is None else "POST", path, body, headers)
                response = connection.getresponse()
                text = response.read().decode("utf-8", "replace")
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                connection = http.client.HTTPConnection(host.hostname, host.port, timeout=120)
                raise ScanFailed(f"{path}: {error}") from error
            finally:
                timings[kind].append(time.perf_counter() - started)
            # The phone's cookie jar: the CSRF cookie, the session (renewed), the one-off messages.
            for header in response.headers.get_all("Set-Cookie") or []:
                jar = SimpleCookie()
                jar.load(header)
                for name, morsel in jar.items():
                    if morsel.value and morsel["max-age"] != "0":
                        cookies[name] = morsel.value
                    else:
                        cookies.pop(name, None)
            return response.status, urlparse(response.getheader("Location", "")).path, text

        def scan(account: int, cookies: dict, address: str) -> int:
            """The door's QR code opened, a purpose tapped, the redirect followed: the visit's id."""
            door = f"/living-rooms/check-in/{plan['tokens'][account % len(plan['tokens'])]}/"
            status, _location, text = request("page", door, cookies, address)
            token = CSRF_INPUT.search(text)
            if status != 200 or token is None:
                raise ScanFailed(f"the door's page: HTTP {status}, {'a' if token else 'no'} CSRF token")
            form = {"csrfmiddlewaretoken": token[1], "purpose": PURPOSES[rng.randrange(len(PURPOSES))]}
            status, location, text = request("check-in", door, cookies, address, form)
            rate_page = RATE_PAGE.match(location) if status == 302 else None
            if rate_page is None:
                raise ScanFailed(f"the check-in: HTTP {status} {location or text[:200]!r}")
            status, _location, _text = request("rating page", location, cookies, address)
            if status != 200:
                raise ScanFailed(f"the rating page: HTTP {status}")
            return int(rate_page[1])

        for account in share:
            cookies = {"sessionid": plan["sessions"][account]}
            address = f"10.{account >> 16 & 255}.{account >> 8 & 255}.{account & 255}"
            try:
                visits[account] = first = scan(account, cookies, address)
                if rng.random() < rescan:
                    rescans += 1
                    if scan(account, cookies, address) == first:
                        repeats_ok += 1
                    else:
                        errors.append(f"account {account}: a second scan led to another visit")
            except ScanFailed as error:
                errors.append(f"account {account}: {error}")
        connection.close()
        results.append(
            {
                "timings": timings,
                "visits": visits,
                "rescans": rescans,
                "repeats_ok": repeats_ok,
                "errors": errors[:20],
                "n_errors": len(errors),
            }
        )

    threads = [threading.Thread(target=run, args=(share, n)) for n, share in enumerate(shares)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "timings": {kind: sorted(x for r in results for x in r["timings"][kind]) for kind in KINDS},
        "visits": {account: pk for r in results for account, pk in r["visits"].items()},
        "rescans": sum(r["rescans"] for r in results),
        "repeats_ok": sum(r["repeats_ok"] for r in results),
        "errors": [e for r in results for e in r["errors"]][:20],
        "n_errors": sum(r["n_errors"] for r in results),
    }


def verify_http(plan: dict, outcome: dict) -> list[str]:
    """The visits in the database are exactly the check-ins the phones were answered with."""
    from django.db.models import Sum

    from huiketing.hall.visit_models import Visit, VisitTally

    problems = []
    answered = outcome["visits"]
    accounts = len(plan["users"])
    if len(answered) != accounts:
        problems.append(f"{len(answered)} of {accounts} first scans were answered with a visit")
    if len(set(answered.values())) != len(answered):
        problems.append("two accounts were answered with the same visit")
    stored = dict(Visit.objects.values_list("pk", "user_id"))
    if set(stored) != set(answered.values()):
        problems.append(f"{len(stored)} visits in the database for {len(answered)} check-ins answered")
    wrong = sum(stored.get(pk) != plan["users"][account] for account, pk in answered.items())
    if wrong:
        problems.append(f"{wrong} visits belong to another account")
    if Visit.objects.exclude(method="qr").exists():
        problems.append("a visit is not a phone check-in")
    tallied = VisitTally.objects.aggregate(n=Sum("visits"))["n"] or 0
    if tallied != len(answered):
        problems.append(f"the roll-up counts {tallied} visits for {len(answered)} check-ins")
    if outcome["repeats_ok"] != outcome["rescans"]:
        problems.append(f"{outcome['repeats_ok']} of {outcome['rescans']} rescans led to the first visit")
    if outcome["n_errors"]:
        problems.append(f"{outcome['n_errors']} errors, e.g. {outcome['errors'][:5]}")
    return problems


def run_http(database_url: str, plan: dict, options) -> list[str]:
    """(a') the check-ins over HTTP against `huiketing serve`; returns the failed checks."""
    sys.path.insert(0, str(BENCH))
    import load

    data_dir = os.environ["HUIKETING_DATA_DIR"]
    env = load.server_env(database_url, data_dir)
    static_root = Path(env["HUIKETING_STATIC_ROOT"])
    if not load.static_is_fresh(static_root):
        print(f"collecting static files into {static_root} (once) …", flush=True)
        subprocess.run(  # noqa: S603
            [str(load.BIN / "huiketing"), "collectstatic", "--noinput", "--verbosity", "0"],
            env=env,
            check=True,
        )
    port = load.free_port()
    server = load.start_server(port, env, options.workers, options.threads, Path(data_dir) / "serve.log")
    try:
        base = f"http://127.0.0.1:{port}"
        # Unmeasured warm-up: the workers render the door's page (a page view records nothing).
        http_check_ins_warm_up(base, plan, 2 * options.workers * options.threads)
        started = time.perf_counter()
        outcome = http_check_ins(base, plan, options.clients, options.rescan)
        elapsed = time.perf_counter() - started
    finally:
        load.stop_server(server)
    problems = verify_http(plan, outcome)
    timings = outcome["timings"]
    requests = sum(len(timings[kind]) for kind in KINDS)
    print(
        f"(a') check-ins over HTTP, {options.clients} clients,"
        f" gunicorn {options.workers} workers × {options.threads} threads:"
    )
    print(
        f"    {len(outcome['visits']):,} check-ins ({outcome['repeats_ok']:,} rescans answered with the"
        f" first visit) in {elapsed:.1f} s: {len(outcome['visits']) / elapsed:,.1f} check-ins/s"
        f" ({requests / elapsed:,.0f} requests/s)"
    )
    for kind, method in zip(KINDS, ("GET", "POST", "GET"), strict=True):
        print(f"    {kind} ({method}, {len(timings[kind]):,}): {ms(timings[kind])}")
    return problems


def http_check_ins_warm_up(base: str, plan: dict, clients: int) -> None:
    """Each of `clients` new connections (spread over the workers) opens a door's page twice."""
    host = urlparse(base)

    def run(n: int) -> None:
        connection = http.client.HTTPConnection(host.hostname, host.port, timeout=120)
        door = f"/living-rooms/check-in/{plan['tokens'][n % len(plan['tokens'])]}/"
        for _time in range(2):
            connection.request("GET", door, headers={"Cookie": f"sessionid={plan['sessions'][n]}"})
            connection.getresponse().read()
        connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(min(clients, len(plan["sessions"])))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def run_services(database_url: str, plan: dict, options) -> list[str]:
    """(a) the check-ins through the services; returns the failed checks."""
    shares = [range(i, options.check_ins, options.processes) for i in range(options.processes)]
    context = multiprocessing.get_context("spawn")
    burst = time.perf_counter()
    with context.Pool(options.processes) as pool:
        parts = pool.map(
            check_in_worker,
            [(database_url, plan, share, options.rescan, n) for n, share in enumerate(shares)],
        )
    elapsed = time.perf_counter() - burst
    latencies = sorted(x for p in parts for x in p["latencies"])
    errors = [e for p in parts for e in p["errors"]]
    n_errors = sum(p["n_errors"] for p in parts)
    repeats = sum(p["repeats_ok"] for p in parts)

    from django.db.models import Sum

    from huiketing.hall.visit_models import Visit, VisitTally

    visits = Visit.objects.count()
    problems = []
    if visits != options.check_ins:
        problems.append(f"{visits} visits for {options.check_ins} accounts")
    tallied = VisitTally.objects.aggregate(n=Sum("visits"))["n"]
    if tallied != visits:
        problems.append(f"the roll-up counts {tallied} visits, the visits are {visits}")
    if n_errors:
        problems.append(f"{n_errors} errors: " + "; ".join(errors))
    print(f"(a) check-ins through the services, {options.processes} processes:")
    print(
        f"    {len(latencies):,} scans ({repeats:,} repeats answered with the first visit)"
        f" in {elapsed:.1f} s:"
        f" {len(latencies) / elapsed:,.0f} check-ins/s; latency {ms(latencies)}; {visits:,} visits"
    )
    return problems


def run_year(plan: dict, options) -> list[str]:
    """(b) a year of visits and the statistics on it; returns the failed checks."""
    from datetime import date, timedelta

    from huiketing.hall.visit_models import Visit, VisitTally
    from huiketing.people.models import User

    problems = []
    VisitTally.objects.all().delete()
    Visit.objects.all().delete()
    last_day = date(2026, 6, 30)
    first_day = last_day - timedelta(days=options.days - 1)
    rows, took = fill_year(plan, options.days, first_day)
    print(f"(b) filled {rows:,} visits ({options.days} days × 1,000 × {VENUES} venues) in {took:.0f} s")
    officer = User.objects.get(pk=plan["officer"])
    year, figures = time_statistics(
        officer, venue_id=plan["venues"][0], start=first_day, end=last_day, runs=options.runs
    )
    print(
        f"    one venue, {options.days} days ({figures.total:,} visits,"
        f" {figures.unique_visitors:,} unique):"
        f" {ms(year)}"
    )
    month, figures = time_statistics(
        officer, venue_id=None, start=last_day - timedelta(days=29), end=last_day, runs=options.runs
    )
    print(
        f"    all {len(figures.venues)} venues, 30 days ({figures.total:,} visits,"
        f" {figures.unique_visitors:,} unique): {ms(month)}"
    )
    if options.days >= 30 and figures.total < 30 * 1000 * VENUES:
        problems.append(f"a month of 27 venues counted only {figures.total} visits")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check-ins", type=int, default=20_000, help="accounts that scan a door")
    parser.add_argument("--processes", type=int, default=2, help="worker processes (services mode)")
    parser.add_argument("--rescan", type=float, default=0.05)
    parser.add_argument("--days", type=int, default=365, help="days of the year filled (0: none)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--http", action="store_true", help="check-ins over HTTP against `huiketing serve`")
    parser.add_argument("--clients", type=int, default=8, help="HTTP client threads (--http)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (--http)")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker (--http)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    options = parser.parse_args()

    database_url = scratch.create(DATABASE)
    try:
        setup_django(database_url)
        started = time.perf_counter()
        plan = prepare(options.check_ins)
        if options.http:
            plan["sessions"] = sign_in(plan["users"])
        print(
            f"set-up: {VENUES} venues, {options.check_ins:,} accounts"
            f"{' signed in' if options.http else ''} in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        from django.db import connections

        connections.close_all()
        if options.http:
            problems = run_http(database_url, plan, options)
        else:
            problems = run_services(database_url, plan, options)
            if options.days > 0:
                problems += run_year(plan, options)
        if problems:
            print("FAILED:\n  " + "\n  ".join(problems))
            return 1
        if options.http:
            print(
                "checks: one visit per account, exactly the ones answered; the roll-up counts as many;"
                " every rescan led to the first visit"
            )
        return 0
    finally:
        from django.db import connections

        connections.close_all()
        if not options.keep:
            scratch.drop(DATABASE)


if __name__ == "__main__":
    sys.exit(main())
