"""Benchmark of matters at scale: raising with the duplicate search, the three rates, and the list pages.

Usage:
    createdb -h 127.0.0.1 -U postgres huiketing_bench_matters
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/huiketing_bench_matters .venv/bin/python bench/matters.py
    dropdb -h 127.0.0.1 -U postgres huiketing_bench_matters
    .venv/bin/python bench/matters.py --matters 100000        # SQLite in a temporary data directory

Migrates and loads the Altay demo (with its year of matters), then fills the matters tables with `--matters`
more (default 1,000,000) in two steps, 1/10 then the rest, and after each step measures:
- the queries (and time) of the public list /matters/ and the staff list /staff/matters/ (as the demo `city`
  officer), through Django's test client: the counts must be the same at 1× and 10×;
- the three rates for the whole city over the last year (`selectors.rates_total`) and grouped by community
  (`selectors.rates`), p50/p95 over `--repeats` runs;
and at the end, at the full size, `--raises` raises as the raising page does them: the duplicate search
(`selectors.similar_open_matters`, BM25 over the open matters of the grid and within 100 m) and then
`services.matter_raise` at a random point, one after the other; matters per second and p50/p95/p99.

The filled matters spread over the last two years, so that a year holds about half of them; each has the
rows the rates read (one dispatch when it was taken on, an evaluation for most closed ones), but no timeline.
About 5 % are open, all raised in the last month: the duplicate search sees several hundred per grid.
Rows are written directly (COPY on PostgreSQL, executemany on SQLite) with ids chosen here.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta

if not os.environ.get("DATABASE_URL"):
    os.environ.setdefault("HUIKETING_DATA_DIR", tempfile.mkdtemp(prefix="huiketing-bench-"))
os.environ.setdefault("HUIKETING_DEMO", "1")
os.environ.setdefault("HUIKETING_HTTPS", "0")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huiketing.settings")

BATCH = 50_000
MATTER_COLUMNS = (
    "id, title, description, category_id, place_code, latitude, longitude, address, channel, is_anonymous,"
    " status, level, contact_name, contact_phone, contact_email, language, token, rehandle_count, created_at,"
    " updated_at, accepted_at, resolve_due_at, done_at, closed_at, result, is_hidden, is_demo"
)
DISPATCH_COLUMNS = (
    "matter_id, unit_id, status, note, created_at, sign_due_at, signed_at, resolve_due_at, done_at,"
    " returned_reason, place_code"
)
EVALUATION_COLUMNS = "matter_id, round, result, comment, by_phone_follow_up, created_at, place_code"
# Final states of the filled matters, and their weights.
STATES = {
    "closed": 880,
    "rejected": 30,
    "in_progress": 40,
    "done": 20,
    "new": 10,
    "accepted": 10,
    "tabled": 10,
}
OPEN = {"in_progress", "done", "new", "accepted", "tabled"}


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


class World:
    def __init__(self):
        from huiketing.demo.data import matters as data
        from huiketing.matters.models import Category, HandlingUnit
        from huiketing.places.models import Level, Place

        self.grids = [
            (place.code, place.centroid_lat, place.centroid_lng)
            for place in Place.objects.filter(level=Level.GRID).order_by("code")
        ]
        self.categories = {c.code: c.pk for c in Category.objects.all()}
        self.units = {}
        for unit in HandlingUnit.objects.filter(is_active=True):
            self.units.setdefault(unit.place_code[:12] if len(unit.place_code) > 6 else "", []).append(
                unit.pk
            )
        self.texts = [
            (code, title, description)
            for code, languages in data.TEXTS.items()
            for language, pairs in languages.items()
            for title, description in pairs
            if language == "zh-hans" or random.Random(title).random() < 0.3
        ]

    def unit_for(self, code: str, rng: random.Random) -> int:
        local = self.units.get(code[:12], [])
        return rng.choice(local + self.units.get("", [])) if local else rng.choice(self.units[""])


def fill(world: World, start_id: int, count: int, now, rng: random.Random) -> float:
    """`count` matters with ids from `start_id`, their dispatches and evaluations; returns the seconds."""
    from django.db import connection, transaction

    postgres = connection.vendor == "postgresql"
    hour, day = timedelta(hours=1), timedelta(days=1)
    states, weights = zip(*STATES.items(), strict=True)
    started = time.perf_counter()
    matters, dispatches, evaluations = [], [], []

    def flush():
        with transaction.atomic(), connection.cursor() as cursor:
            _insert(cursor, "matters_matter", MATTER_COLUMNS, matters, postgres)
            _insert(cursor, "matters_dispatch", DISPATCH_COLUMNS, dispatches, postgres)
            _insert(cursor, "matters_evaluation", EVALUATION_COLUMNS, evaluations, postgres)
        matters.clear()
        dispatches.clear()
        evaluations.clear()

    for pk in range(start_id, start_id + count):
        state = rng.choices(states, weights)[0]
        span = 30 if state in OPEN else 730
        created = now - timedelta(seconds=rng.uniform(3600, span * 86400))
        code, lat, lng = world.grids[rng.randrange(len(world.grids))]
        category, title, description = world.texts[rng.randrange(len(world.texts))]
        building = rng.randint(1, 30)
        token = uuid.UUID(int=rng.getrandbits(128), version=4)
        taken = state not in ("new", "rejected", "tabled")
        due = created + 7 * day if taken else None
        done = created + rng.uniform(0.5, 8) * day if state in ("done", "closed") else None
        closed = done + 3 * day if state == "closed" else (created + hour if state == "rejected" else None)
        matters.append(
            (
                pk,
                title.format(b=building, u=1),
                description.format(b=building, u=1),
                world.categories[category],
                code,
                lat + rng.uniform(-0.002, 0.002),
                lng + rng.uniform(-0.003, 0.003),
                "",
                rng.choice(("walk_in", "talk_point", "patrol", "phone", "web")),
                False,
                state,
                0,
                "",
                "",
                "",
                "zh-hans",
                token if postgres else token.hex,
                0,
                created,
                created,
                created + hour if state != "new" and state != "rejected" else None,
                due,
                done,
                closed,
                "已处理" if done else "",
                False,
                False,
            )
        )
        if taken and state != "accepted":
            signed = created + hour + timedelta(hours=rng.uniform(0.5, 30))
            status = "done" if done else rng.choice(("signed", "signed", "waiting"))
            dispatches.append(
                (
                    pk,
                    world.unit_for(code, rng),
                    status,
                    "",
                    created + hour,
                    created + 25 * hour,
                    None if status == "waiting" else signed,
                    due,
                    done,
                    "",
                    code,
                )
            )
        if state == "closed" and rng.random() < 0.8:
            result = rng.choices(("satisfied", "basically", "not_satisfied"), (80, 14, 6))[0]
            evaluations.append((pk, 1, result, "", rng.random() < 0.7, done + 2 * day, code))
        if len(matters) == BATCH:
            flush()
            print(f"  matters {pk + 1 - start_id:,}/{count:,}", flush=True)
    flush()
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('matters_matter', 'id'),"
                " (SELECT max(id) FROM matters_matter))"
            )
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def summary(timings: list[float]) -> dict:
    return {
        "p50_ms": round(percentile(timings, 50), 1),
        "p95_ms": round(percentile(timings, 95), 1),
        "p99_ms": round(percentile(timings, 99), 1),
        "mean_ms": round(statistics.fmean(timings), 1),
    }


def pages(officer) -> dict:
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    result = {}
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    for name, user in (("matters:list", None), ("matters:staff-list", officer)):
        try:
            url = reverse(name)
        except NoReverseMatch:
            result[name] = "pending: the page does not exist yet"
            continue
        client = Client(HTTP_HOST="127.0.0.1")
        if user is not None:
            client.force_login(user)
        with override_settings(STORAGES={**settings.STORAGES, "staticfiles": static}):
            client.get(url)  # warm caches (session, permissions, the place index)
            cache.clear()
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                seconds = time.perf_counter() - started
        result[url] = {"status": response.status_code, "queries": len(queries), "ms": round(seconds * 1000)}
    return result


def rates(repeats: int) -> dict:
    from django.utils import timezone

    from huiketing.matters import selectors

    end = timezone.now()
    start = end - timedelta(days=365)
    out = {}
    for label, call in (
        ("city", lambda: selectors.rates_total(start=start, end=end)),
        ("by_community", lambda: selectors.rates(start=start, end=end, group_by="community")),
    ):
        timings = []
        for _ in range(repeats):
            started = time.perf_counter()
            value = call()
            timings.append((time.perf_counter() - started) * 1000)
        out[label] = summary(timings)
    total = selectors.rates_total(start=start, end=end)
    out["counts"] = {
        "due_to_sign": total.due_to_sign,
        "taken_on": total.taken_on,
        "evaluated": total.evaluated,
    }
    out["groups"] = len(value)
    return out


def raises(world: World, count: int, resident) -> dict:
    from huiketing.matters import selectors, services
    from huiketing.matters.models import Category

    rng = random.Random("raises")
    categories = {c.code: c for c in Category.objects.all()}
    # The first search of a process loads the word segmenter and its dictionary (once): not counted.
    selectors.similar_open_matters(text="路灯不亮", place_code=world.grids[0][0])
    timings, similar_timings, found = [], [], 0
    for _ in range(count):
        code, lat, lng = world.grids[rng.randrange(len(world.grids))]
        lat, lng = lat + rng.uniform(-0.0005, 0.0005), lng + rng.uniform(-0.0005, 0.0005)
        category, title, description = world.texts[rng.randrange(len(world.texts))]
        title, description = title.format(b=rng.randint(1, 30), u=1), description.format(b=3, u=1)
        started = time.perf_counter()
        similar = selectors.similar_open_matters(
            text=f"{title} {description}", latitude=lat, longitude=lng, place_code=code
        )
        middle = time.perf_counter()
        services.matter_raise(
            by=resident,
            title=title,
            description=description,
            category=categories[category],
            latitude=lat,
            longitude=lng,
        )
        done = time.perf_counter()
        timings.append((done - started) * 1000)
        similar_timings.append((middle - started) * 1000)
        found += bool(similar)
    return {
        "raises": count,
        "per_second": round(count / (sum(timings) / 1000), 1),
        "raise_with_search": summary(timings),
        "search_only": summary(similar_timings),
        "raises_with_a_suggestion": found,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--matters", type=int, default=1_000_000)
    parser.add_argument("--raises", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument(
        "--again", action="store_true", help="measure again on a database this script filled before"
    )
    options = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from huiketing.demo.loader import demo_load
    from huiketing.matters.models import Dispatch, Evaluation, Matter
    from huiketing.people.models import User

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}", flush=True)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - started:.1f} s", flush=True)
    if options.again:
        world = World()
        officer, resident = User.objects.get(username="city"), User.objects.get(username="resident")
        result = {
            "pages": pages(officer),
            "rates": rates(options.repeats),
            "raise": raises(world, options.raises, resident),
        }
        print(f"[again] {Matter.objects.count():,} matters; {result}", flush=True)
        return 0
    if Matter.objects.filter(is_demo=False).exists():
        print(
            "The database already holds matters that are not the demo's: use a fresh database.",
            file=sys.stderr,
        )
        return 2
    started = time.perf_counter()
    demo_load(scale=1)
    print(f"demo load: {time.perf_counter() - started:.1f} s, {Matter.objects.count():,} matters", flush=True)
    officer = User.objects.get(username="city")
    resident = User.objects.get(username="resident")
    world = World()
    now = timezone.now()
    rng = random.Random("fill")

    results = {}
    filled = 0
    for label, target in (("1x", options.matters // 10), ("10x", options.matters)):
        first_id = (Matter.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        seconds = fill(world, first_id, target - filled, now, rng)
        rate = (target - filled) / seconds
        print(
            f"fill to {target:,}: {seconds:.1f} s ({rate:,.0f} matters/s with their rows)",
            flush=True,
        )
        filled = target
        counts = (Matter.objects.count(), Dispatch.objects.count(), Evaluation.objects.count())
        results[label] = {"pages": pages(officer), "rates": rates(options.repeats)}
        print(f"[{label}] matters, dispatches, evaluations: {counts}; {results[label]}", flush=True)

    results["raise"] = raises(world, options.raises, resident)
    print(f"[10x] raising: {results['raise']}", flush=True)
    page_counts = {
        url: [results[label]["pages"][url]["queries"] for label in ("1x", "10x")]
        for url, value in results["1x"]["pages"].items()
        if isinstance(value, dict)
    }
    for url, counts in page_counts.items():
        print(f"{url} queries at 1x and 10x: {counts} ({'equal' if len(set(counts)) == 1 else 'DIFFERENT'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
