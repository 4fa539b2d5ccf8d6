"""Fill a PostgreSQL database with N × the Altay demo, for the load and scale benchmarks.

Usage:
    createdb -h 127.0.0.1 -U postgres huiketing_bench_10
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/huiketing_bench_10 HUIKETING_DATA_DIR=var/bench \\
        .venv/bin/python bench/generate.py --scale 10

Migrates, then loads the demo exactly as `huiketing demo_seed --scale N` does (places, service points,
organisations and accounts once; households, residents and their records, and matters, N times), then ANALYZE.
It prints what it made, the sizes and the times. Residents' ID numbers and phones are encrypted with the field
keys of HUIKETING_DATA_DIR (or HUIKETING_FIELD_KEYS): serve the database with the same ones.

Before writing anything it estimates the disk and memory the scale needs (figures measured on the demo: about
20 MB of database and 45 MB of this process's memory per 1×) and refuses a scale that would not fit.
"""

import argparse
import os
import resource
import shutil
import sys
import time
from pathlib import Path

os.environ.setdefault("HUIKETING_DEMO", "1")
os.environ.setdefault("HUIKETING_HTTPS", "0")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huiketing.settings")

MB = 1024 * 1024
# Measured (docs/benchmarks.md, "Generating N × the demo", with the demo's matters): 32 MB at 1×, 198 MB at
# 10×; the generator keeps every row in memory until it is written (peak 159 MB at 1×, 529 MB at 10×).
# Rounded up.
DISK_BASE, DISK_PER_SCALE = 20 * MB, 20 * MB
MEMORY_BASE, MEMORY_PER_SCALE = 150 * MB, 45 * MB
# The write-ahead log and index builds need room beside the tables while they are filled.
DISK_MARGIN = 1024 * MB


def _available_memory() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def check_room(scale: int, data_directory: str | None) -> list[str]:
    """Reasons the scale would not fit on this machine (empty when it fits)."""
    problems = []
    need_disk = 2 * (DISK_BASE + DISK_PER_SCALE * scale) + DISK_MARGIN
    where = data_directory if data_directory and Path(data_directory).exists() else None
    if where is None:
        print(
            "The database server's data directory is not on this machine (or not readable): "
            "its free disk was not checked.",
            flush=True,
        )
    else:
        free = shutil.disk_usage(where).free
        print(
            f"disk: {free / MB:,.0f} MB free at {where}, scale {scale} needs about {need_disk / MB:,.0f} MB",
            flush=True,
        )
        if free < need_disk:
            problems.append(
                f"scale {scale} needs about {need_disk / MB:,.0f} MB of disk for the database, "
                f"and {where} has {free / MB:,.0f} MB free"
            )
    need_memory = MEMORY_BASE + MEMORY_PER_SCALE * scale
    available = _available_memory()
    if available is not None:
        print(
            f"memory: {available / MB:,.0f} MB available, "
            f"the generator needs about {need_memory / MB:,.0f} MB",
            flush=True,
        )
        if available < need_memory:
            problems.append(
                f"scale {scale} needs about {need_memory / MB:,.0f} MB of memory for the generator, "
                f"and {available / MB:,.0f} MB is available"
            )
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description="Fill a PostgreSQL database with N × the Altay demo.")
    parser.add_argument("--scale", type=int, default=1, help="N ≥ 1 (default 1)")
    parser.add_argument("--check-only", action="store_true", help="say whether the scale fits, write nothing")
    options = parser.parse_args()
    if options.scale < 1:
        print("--scale must be a whole number of at least 1.", file=sys.stderr)
        return 2
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        print("Set DATABASE_URL to a PostgreSQL database (postgres://…).", file=sys.stderr)
        return 2

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cursor:
        try:
            cursor.execute("SHOW data_directory")
            data_directory = cursor.fetchone()[0]
        except Exception:  # only superusers and pg_read_all_settings may read it
            data_directory = None
    print(f"database: {connection.settings_dict['NAME']} on {connection.settings_dict['HOST']}", flush=True)
    problems = check_room(options.scale, data_directory)
    if problems:
        print("Refused: " + "; ".join(problems) + ".", file=sys.stderr)
        return 3
    if options.check_only:
        print(f"scale {options.scale} fits.")
        return 0

    from huiketing.demo.loader import demo_load
    from huiketing.demo.selectors import demo_counts, demo_scale
    from huiketing.places.models import Place

    total_started = time.perf_counter()
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrate_s = time.perf_counter() - started
    print(f"migrate: {migrate_s:.1f} s", flush=True)

    if Place.objects.filter(code="654301").exists():
        loaded = demo_scale()
        if loaded == options.scale:
            print(f"The demo is already loaded at scale {loaded}; nothing changed.")
            return 0
        print(
            f"The database already holds the demo at scale {loaded}: use a fresh database for scale "
            f"{options.scale}.",
            file=sys.stderr,
        )
        return 2

    started = time.perf_counter()
    summary = demo_load(scale=options.scale)
    load_s = time.perf_counter() - started
    print(
        f"demo load (scale {options.scale}): {load_s:.1f} s, {summary.generated:,} scaled records", flush=True
    )

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    analyze_s = time.perf_counter() - started

    counts = demo_counts()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.reltuples::bigint, pg_total_relation_size(c.oid) FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relkind = 'r' AND n.nspname = 'public' ORDER BY 3 DESC LIMIT 8"
        )
        tables = cursor.fetchall()
        cursor.execute("SELECT pg_database_size(current_database())")
        database_bytes = cursor.fetchone()[0]
    total_s = time.perf_counter() - total_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    print()
    print(f"made (scale {options.scale}):")
    for name, n in counts.items():
        print(f"  {name:<16} {n:>12,}")
    print("largest tables (rows estimated by ANALYZE, size with indexes):")
    for name, rows, size in tables:
        print(f"  {name:<28} {rows:>12,} {size / MB:>10.1f} MB")
    print(f"database size: {database_bytes / MB:,.1f} MB; generator peak memory: {peak / MB:,.0f} MB")
    print(
        f"time: migrate {migrate_s:.1f} s + demo {load_s:.1f} s + analyze {analyze_s:.1f} s = {total_s:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
