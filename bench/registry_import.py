"""Benchmark of the registry spreadsheet import: check and commit of N synthetic residents.

Usage: .venv/bin/python bench/registry_import.py [--rows 100000] [--tracemalloc]
Builds a place tree (one community, 10 grids) and a community staff account in a fresh database (SQLite in a
temporary data directory, or DATABASE_URL), writes an .xlsx of N valid synthetic residents (obviously fake
names 测试居民〇〇〇〇一, valid-format ID numbers with correct check digits, three residents to a household),
then times the check (reads every row, writes nothing) and the commit (checks again, writes all rows in one
transaction) and reports the peak resident memory of the process (ru_maxrss) after each step; with
--tracemalloc, the peak of Python allocations per step too (slower).
"""

import argparse
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta

os.environ.setdefault("HUIKETING_DATA_DIR", tempfile.mkdtemp(prefix="huiketing-bench-"))
os.environ.setdefault("HUIKETING_DEMO", "1")
os.environ.setdefault("HUIKETING_HTTPS", "0")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huiketing.settings")

CHINESE_DIGITS = "〇一二三四五六七八九"


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def fake_name(n: int) -> str:
    return "测试居民" + "".join(CHINESE_DIGITS[int(d)] for d in f"{n:05d}")


def write_sheet(path, rows: int, grids: list[str]) -> None:
    from openpyxl import Workbook

    from huiketing.people.validators import id_check_character
    from huiketing.people.xlsx import COLUMNS

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("居民")
    sheet.append([column.header for column in COLUMNS])
    first_birth = date(1940, 1, 1)
    for n in range(rows):
        birth = first_birth + timedelta(days=n % 25000)
        first_17 = f"654301{birth:%Y%m%d}{n // 25000 + 100:03d}"
        household = n // 3
        grid, k = grids[household % len(grids)], household // len(grids)
        sheet.append(
            [
                grid,
                str(k // 100 + 1),
                "1",
                str(101 + k % 100),
                "自有",
                fake_name(n + 1),
                first_17 + id_check_character(first_17),
                "户主" if n % 3 == 0 else "子女",
                "汉族",
                f"139{n:08d}",
                "独居" if n % 10 == 0 else "",
                "2020-01-31",
            ]
        )
    workbook.save(path)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100000)
    parser.add_argument("--tracemalloc", action="store_true")
    options = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from huiketing.people import imports
    from huiketing.people.models import Household, RegistryImport, Resident, Role, User
    from huiketing.people.services import role_assign
    from huiketing.places.models import Level, Place

    call_command("migrate", verbosity=0)
    names = {"zh-hans": "测试"}
    city = Place.objects.get_or_create(code="654301", defaults={"level": Level.CITY, "names": names})[0]
    sub = Place.objects.get_or_create(
        code="654301001", defaults={"level": Level.SUBDISTRICT, "parent": city, "names": names}
    )[0]
    com = Place.objects.get_or_create(
        code="654301001001", defaults={"level": Level.COMMUNITY, "parent": sub, "names": names}
    )[0]
    grids = []
    for g in range(1, 11):
        grid = Place.objects.get_or_create(
            code=f"654301001001{g:03d}", defaults={"level": Level.GRID, "parent": com, "names": names}
        )[0]
        grids.append(grid.code)
    user, _created = User.objects.get_or_create(username="bench_community")
    role_assign(by=None, user=user, role=Role.COMMUNITY_STAFF, place_code=com.code)
    Resident.objects.filter(place_code__startswith=com.code).delete()
    Household.objects.filter(place_code__startswith=com.code).delete()

    path = imports.imports_dir() / f"bench-{options.rows}.xlsx"
    start = time.perf_counter()
    write_sheet(path, options.rows, grids)
    generate = time.perf_counter() - start
    rss_generate = maxrss_mb()
    print(
        f"database: {connection.vendor}; rows: {options.rows:,}; file: {path.stat().st_size / 2**20:.1f} MB"
    )
    print(f"generate the sheet: {generate:.1f} s (peak RSS so far {rss_generate:.0f} MB)")

    def measure(label, func):
        if options.tracemalloc:
            tracemalloc.start()
        start = time.perf_counter()
        result = func()
        elapsed = time.perf_counter() - start
        traced = ""
        if options.tracemalloc:
            traced = f", Python allocations peak {tracemalloc.get_traced_memory()[1] / 2**20:.0f} MB"
            tracemalloc.stop()
        rate = options.rows / elapsed
        print(f"{label}: {elapsed:.1f} s ({rate:,.0f} rows/s), peak RSS {maxrss_mb():.0f} MB{traced}")
        return result

    report = measure("check", lambda: imports.registry_import_check(by=user, path=path, place_code=com.code))
    assert report.ok, report.errors[:5]
    job = RegistryImport.objects.create(
        file_path=path.name,
        place_code=com.code,
        status=RegistryImport.Status.IMPORTING,
        created_by=user,
        committed_by=user,
        rows_total=report.rows,
    )
    job = measure("commit", lambda: imports.registry_import_commit(by=user, job=job))
    assert job.status == RegistryImport.Status.DONE, job.errors[:5]
    print(
        f"imported: {job.residents_new:,} residents, {job.households_new:,} households; "
        f"in the database: {Resident.objects.count():,} residents"
    )
    path.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
