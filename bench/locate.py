"""Benchmark of the point → grid lookup on the Altay demo (89 grids).

Usage: .venv/bin/python bench/locate.py [--points N]
Loads the demo into a fresh SQLite database in a temporary data directory, then measures: building the
spatial index, raw lookups through the index (no database), lookups through `grid_at` (one small query for the
index's version stamp plus one for the grid), and the HTTP endpoint through Django's test client.
"""

import argparse
import os
import random
import sys
import tempfile
import time

os.environ.setdefault("HUIKETING_DATA_DIR", tempfile.mkdtemp(prefix="huiketing-bench-"))
os.environ.setdefault("HUIKETING_DEMO", "1")
os.environ.setdefault("HUIKETING_HTTPS", "0")
os.environ.setdefault("HUIKETING_RATE_ANON", "1000000/minute")
os.environ.setdefault("HUIKETING_RATE_USER", "1000000/minute")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huiketing.settings")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=20000)
    options = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from huiketing.demo.loader import demo_load
    from huiketing.places import geo

    call_command("migrate", verbosity=0)
    demo_load(scale=1)
    rng = random.Random(2026)
    points = [(rng.uniform(47.820, 47.870), rng.uniform(88.095, 88.185)) for _ in range(options.points)]

    geo.grid_index.clear()
    start = time.perf_counter()
    geo.grid_index.grid_id_at(47.8456, 88.1396)
    build = time.perf_counter() - start

    start = time.perf_counter()
    found = sum(1 for lat, lng in points if geo.grid_index.grid_id_at(lat, lng) is not None)
    index_rate = len(points) / (time.perf_counter() - start)

    sample = points[:2000]
    start = time.perf_counter()
    for lat, lng in sample:
        geo.grid_at(lat=lat, lng=lng)
    grid_at_rate = len(sample) / (time.perf_counter() - start)

    client = Client(HTTP_HOST="127.0.0.1")
    timings = []
    for lat, lng in sample[:1000]:
        start = time.perf_counter()
        response = client.get("/api/v1/regions/locate/", {"lat": lat, "lng": lng})
        timings.append(time.perf_counter() - start)
        assert response.status_code in (200, 404), (response.status_code, response.content[:300])
    timings.sort()

    print(f"points inside a grid: {found}/{len(points)}")
    print(f"index build (89 grids): {build * 1000:.1f} ms")
    print(f"index lookups: {index_rate:,.0f} /s")
    print(f"grid_at (with database): {grid_at_rate:,.0f} /s")
    p50, p95, p99 = (timings[int(len(timings) * q)] * 1000 for q in (0.50, 0.95, 0.99))
    print(f"HTTP locate (test client, 1 process): p50 {p50:.2f} ms, p95 {p95:.2f} ms, p99 {p99:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
