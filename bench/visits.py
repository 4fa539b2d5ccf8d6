"""Visits at the door and their statistics: check-ins per second through the services, then a year of
visits at 1,000 a day in each of 27 living rooms (9.9 million rows) and the statistics queries on it (p95
of 20 runs).

Usage:
    .venv/bin/python bench/visits.py                       # 20,000 check-ins, 2 processes, then the year
    .venv/bin/python bench/visits.py --check-ins 4000 --days 30    # a quick look

PostgreSQL only: a scratch database (huiketing_bench_visits, see scratch.py) is created, filled and dropped.

Set-up (not timed): one city, 3 subdistricts, 27 communities with one grid each and one living room in each
grid; `--accounts` accounts (default 20,000) written in bulk; a city officer who reads the statistics.

(a) Check-ins (timed): the accounts are shared out between `--processes` worker processes. Each account
scans the door of one venue (`visit_services.visit_check_in_by_token`, as the door page and the API call it:
the token lookup, the account's row lock, the 30-minute repeat check, the visit row and its hour in the
roll-up), each in its own transaction; a share (`--rescan`, default 5 %) scans again at once, which must
return the first visit. Checks: one visit per account, the roll-up counting as many, no error.

(b) The year (set-up, timed apart): `--days` days (default 365) × 1,000 visits a day × 27 venues, written by
INSERT … SELECT generate_series on the server (indexes dropped first, built again after, then VACUUM
ANALYZE, then the daily roll-up computed from them in one INSERT … SELECT … GROUP BY): opening hours 08–21
local time, two in a hundred a head count of 5–24 people, three in ten walk-ins recorded by staff, the rest
phone check-ins by the accounts, one in five rated. Then, 20 runs each, the statistics as the page asks them
(`visit_selectors.visit_statistics`: the venues, then one aggregate query each for the totals and
satisfaction, per day, per purpose and per hour from the roll-up, and one distinct count of the unique
visitors over the visits): one venue over the last 365 days, and all 27 venues over the last month, read by
the city officer.
"""

import argparse
import multiprocessing
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import scratch

BENCH = Path(__file__).resolve().parent
DATABASE = "huiketing_bench_visits"
CITY = "654301"
VENUES = 27


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("HUIKETING_DEMO", "1")
    os.environ.setdefault("HUIKETING_HTTPS", "0")
    os.environ.setdefault("HUIKETING_DATA_DIR", tempfile.mkdtemp(prefix="huiketing-bench-visits-"))
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check-ins", type=int, default=20_000, help="accounts that scan a door")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--rescan", type=float, default=0.05)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    options = parser.parse_args()

    database_url = scratch.create(DATABASE)
    try:
        setup_django(database_url)
        started = time.perf_counter()
        plan = prepare(options.check_ins)
        print(
            f"set-up: {VENUES} venues, {options.check_ins:,} accounts"
            f" in {time.perf_counter() - started:.0f} s"
        )
        from django.db import connections

        connections.close_all()

        # (a) check-ins
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

        # (b) the year
        from datetime import date, timedelta

        from huiketing.people.models import User

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
        if problems:
            print("FAILED:\n  " + "\n  ".join(problems))
            return 1
        return 0
    finally:
        from django.db import connections

        connections.close_all()
        if not options.keep:
            scratch.drop(DATABASE)


if __name__ == "__main__":
    sys.exit(main())
