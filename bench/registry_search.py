"""Benchmark of the residents registry at scale: exact search by ID number, and the list page's queries.

Usage:
    createdb -h 127.0.0.1 -U postgres huiketing_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/huiketing_bench .venv/bin/python bench/registry_search.py
    .venv/bin/python bench/registry_search.py --residents 100000      # SQLite in a temporary data directory

Migrates, loads the Altay demo (places, accounts, ~7,600 demo residents), then fills the registry with
`--residents` more (default 1,000,000) in two steps, 1/10 then the rest, and after each step measures:
- exact search by ID number through people.selectors.residents_for_user for the demo `admin` (keyed hash
  lookup plus the tags prefetch), p50/p95/p99 over `--lookups` random residents;
- the number of queries (and the time) of the staff resident list page, through Django's test client.
The page's query count must be the same at 1× and 10×.

The fill writes rows directly (COPY on PostgreSQL, executemany on SQLite). To save time it encrypts 200
distinct ID numbers and phones and reuses those ciphertexts, but each row's id_number_hash is the HMAC of its
own unique (synthetic, region 659999) ID number, which is what the search looks up.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta

if not os.environ.get("DATABASE_URL"):
    os.environ.setdefault("HUIKETING_DATA_DIR", tempfile.mkdtemp(prefix="huiketing-bench-"))
os.environ.setdefault("HUIKETING_DEMO", "1")
os.environ.setdefault("HUIKETING_HTTPS", "0")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huiketing.settings")

BENCH_REGION = "659999"
EPOCH = date(1930, 1, 1)
DAYS = 32000  # birth dates from 1930 to about 2017
PER_HOUSEHOLD = 10


def bench_id_number(index: int) -> str:
    from huiketing.people.validators import id_check_character

    seq, day = divmod(index, DAYS)
    first_17 = f"{BENCH_REGION}{EPOCH + timedelta(days=day):%Y%m%d}{seq:03d}"
    return first_17 + id_check_character(first_17)


def fill(start: int, stop: int, grids: list, now) -> tuple[float, float]:
    """Residents `start`..`stop` (and their households); returns (seconds for households, for residents)."""
    from django.db import connection, transaction

    from huiketing.core import crypto
    from huiketing.people.services import id_number_hash

    rng = random.Random(f"bench-{start}")
    id_tokens = [crypto.encrypt(bench_id_number(10_000_000 + n)) for n in range(200)]
    phone_tokens = [crypto.encrypt(f"1990999{n:04d}") for n in range(200)]
    postgres = connection.vendor == "postgresql"

    started = time.perf_counter()
    first_household, last_household = start // PER_HOUSEHOLD, (stop - 1) // PER_HOUSEHOLD
    household_rows = []
    for h in range(first_household, last_household + 1):
        grid_id, grid_code = grids[h % len(grids)]
        number = h // len(grids)
        household_rows.append(
            (
                grid_id,
                grid_code,
                f"B{number // 100}",
                "",
                f"{number % 100}",
                "bench",
                "owner",
                False,
                now,
                now,
            )
        )
    household_columns = (
        "place_id, place_code, building, unit, room, address_note, type, is_demo, created_at, updated_at"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # Households of a previous step that this one continues are already there.
        cursor.execute(
            "SELECT place_code, building, room FROM people_household WHERE address_note = 'bench'"
            " AND building = %s AND room = %s AND place_code = %s",
            [household_rows[0][2], household_rows[0][4], household_rows[0][1]],
        )
        if cursor.fetchone():
            household_rows = household_rows[1:]
        _insert(cursor, "people_household", household_columns, household_rows, postgres)
    households = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, place_code, building, room FROM people_household WHERE address_note = 'bench'"
        )
        for pk, code, building, room in cursor.fetchall():
            households[(code, building, room)] = pk
    household_seconds = time.perf_counter() - started

    started = time.perf_counter()
    columns = (
        "household_id, place_code, full_name, id_number, id_number_hash, sex, birth_date, ethnic_group,"
        " phone, phone_hash, relation, preferred_language, status, is_demo, created_at, updated_at"
    )
    batch = []
    for index in range(start, stop):
        h = index // PER_HOUSEHOLD
        grid_id, grid_code = grids[h % len(grids)]
        number = h // len(grids)
        seq, day = divmod(index, DAYS)
        batch.append(
            (
                households[(grid_code, f"B{number // 100}", f"{number % 100}")],
                grid_code,
                f"基准·{index}",
                rng.choice(id_tokens),
                id_number_hash(bench_id_number(index)),
                "M" if seq % 2 else "F",
                EPOCH + timedelta(days=day),
                rng.choice(("01", "17", "03", "05")),
                rng.choice(phone_tokens),
                "",
                "householder" if index % PER_HOUSEHOLD == 0 else "child",
                "zh-hans",
                "active",
                False,
                now,
                now,
            )
        )
        if len(batch) == 50_000:
            with transaction.atomic(), connection.cursor() as cursor:
                _insert(cursor, "people_resident", columns, batch, postgres)
            batch = []
            print(f"  residents {index + 1 - start:,}/{stop - start:,}", flush=True)
    if batch:
        with transaction.atomic(), connection.cursor() as cursor:
            _insert(cursor, "people_resident", columns, batch, postgres)
    with transaction.atomic(), connection.cursor() as cursor:
        # One in ten residents tagged, so that the page's tags prefetch has something to fetch.
        cursor.execute(
            "INSERT INTO people_residenttag (resident_id, tag) SELECT id, 'living_alone' FROM people_resident"
            " WHERE is_demo = %s AND id %% 10 = 0 AND id NOT IN (SELECT resident_id FROM people_residenttag)",
            [False],
        )
        cursor.execute("ANALYZE")
    return household_seconds, time.perf_counter() - started


def _insert(cursor, table: str, columns: str, rows: list, postgres: bool) -> None:
    if not rows:
        return
    if postgres:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join(["%s"] * len(rows[0]))
        # Table and column names are this module's constants, never input.
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(filled: int, lookups: int, admin) -> dict:
    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    from huiketing.people.selectors import residents_for_user

    rng = random.Random(f"lookups-{filled}")
    timings = []
    for index in rng.sample(range(filled), min(lookups, filled)):
        number = bench_id_number(index)
        started = time.perf_counter()
        found = list(residents_for_user(user=admin, filters={"id_number": number}))
        timings.append((time.perf_counter() - started) * 1000)
        assert len(found) == 1 and found[0].full_name == f"基准·{index}", number
    result = {
        "p50_ms": percentile(timings, 50),
        "p95_ms": percentile(timings, 95),
        "p99_ms": percentile(timings, 99),
        "mean_ms": statistics.fmean(timings),
    }
    try:
        url = reverse("people:registry-residents")
    except NoReverseMatch:
        result["page"] = "pending: people:registry-residents does not exist yet"
        return result
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    # The page links its stylesheet; without `collectstatic` there is no manifest to look it up in.
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": static}):
        client.get(url)  # warm caches (session, permissions)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            seconds = time.perf_counter() - started
    result["page"] = {
        "url": url,
        "status": response.status_code,
        "queries": len(queries),
        "ms": seconds * 1000,
    }
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=1000)
    options = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from huiketing.demo.loader import demo_load
    from huiketing.people.models import Resident, User
    from huiketing.places.models import Level, Place

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}", flush=True)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - started:.1f} s", flush=True)
    if Resident.objects.filter(is_demo=False).exists():
        print("The database already holds non-demo residents: use a fresh database.", file=sys.stderr)
        return 2
    started = time.perf_counter()
    demo_load(scale=1)
    print(f"demo load: {time.perf_counter() - started:.1f} s", flush=True)
    admin = User.objects.get(username="admin")
    grids = list(Place.objects.filter(level=Level.GRID).order_by("code").values_list("id", "code"))
    now = timezone.now()

    steps = [options.residents // 10, options.residents]
    filled = 0
    results = {}
    for label, target in zip(("1x", "10x"), steps, strict=True):
        households_s, residents_s = fill(filled, target, grids, now)
        print(
            f"fill to {target:,}: households {households_s:.1f} s, residents {residents_s:.1f} s "
            f"({(target - filled) / residents_s:,.0f} rows/s)",
            flush=True,
        )
        filled = target
        results[label] = measure(filled, options.lookups, admin)
        total = Resident.objects.count()
        print(f"[{label}] residents in table: {total:,}; {results[label]}", flush=True)

    pages = [r["page"]["queries"] for r in results.values() if isinstance(r["page"], dict)]
    if pages:
        print(
            f"list page queries at 1x and 10x: {pages} ({'equal' if len(set(pages)) == 1 else 'DIFFERENT'})"
        )
    r = results["10x"]
    print(
        f"exact search by ID number at {filled:,} bench residents: p50 {r['p50_ms']:.2f} ms, "
        f"p95 {r['p95_ms']:.2f} ms, p99 {r['p99_ms']:.2f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
