"""Benchmark of working-day deadlines and of notifications.

Usage: .venv/bin/python bench/workdays_notifications.py [--matters N] [--notifications N]
(DATABASE_URL picks PostgreSQL; by default a fresh SQLite database in a temporary data directory.)

Measures: loading the calendar (every CalendarDay row the migration seeded); N deadlines through a calendar
loaded once (no queries) and through the module functions (one stamp query each); `notify` to 1,000
recipients with SMS (rows only; the jobs are not run); sending 1,000 deliveries through the logging adapter;
the inbox page and the unread count for an account with N notifications.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("HUIKETING_DATA_DIR", tempfile.mkdtemp(prefix="huiketing-bench-"))
os.environ.setdefault("HUIKETING_DEMO", "1")
os.environ.setdefault("HUIKETING_HTTPS", "0")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huiketing.settings")


def timed(function, repeat: int = 1) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        function()
    return (time.perf_counter() - start) / repeat


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--matters", type=int, default=10000)
    parser.add_argument("--notifications", type=int, default=10000)
    options = parser.parse_args()

    import datetime
    import logging

    import django

    django.setup()
    from django.conf import settings

    # Pages are rendered without collectstatic: plain static file names, as in development.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    logging.getLogger("huiketing.messages").setLevel(logging.WARNING)
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from django.utils.translation import gettext_lazy

    from huiketing.core import notifications, selectors, workdays
    from huiketing.core.models import CalendarDay, Notification, NotificationDelivery
    from huiketing.people.models import Resident, User

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; calendar rows: {CalendarDay.objects.count()}")

    load = timed(workdays.WorkingCalendar.load, 20)
    print(f"WorkingCalendar.load(): {load * 1000:.2f} ms")

    starts = [
        datetime.datetime(2024, 1, 1, 9, tzinfo=workdays.CHINA) + datetime.timedelta(hours=17 * n)
        for n in range(options.matters)
    ]
    calendar = workdays.working_calendar()
    with CaptureQueriesContext(connection) as queries:
        loaded = timed(lambda: [calendar.add_working_days(s, 7) for s in starts])
    assert len(queries) == 0
    print(
        f"{options.matters} deadlines (7 working days) with a loaded calendar: {loaded * 1000:.1f} ms "
        f"({loaded / options.matters * 1e6:.2f} µs each, 0 queries)"
    )
    between = timed(lambda: [calendar.working_days_between(s, datetime.date(2026, 12, 31)) for s in starts])
    print(f"{options.matters} working_days_between(…, 2026-12-31): {between * 1000:.1f} ms")
    sample = starts[:2000]
    each = timed(lambda: [workdays.add_working_days(s, 7) for s in sample])
    print(
        f"{len(sample)} deadlines through add_working_days() (stamp query each): {each * 1000:.1f} ms "
        f"({each / len(sample) * 1e6:.0f} µs each)"
    )

    notifications.notification_kind_register(
        "bench.kind", title=gettext_lazy("Matter %(number)s"), body=gettext_lazy("Matter %(number)s")
    )
    users = User.objects.bulk_create(
        [User(username=f"bench-{n}", preferred_language="en") for n in range(1000)]
    )
    Resident.objects.bulk_create(
        [
            Resident(place_code="654301001001001", full_name=f"测试{n}", phone=f"139{n:08d}", account=user)
            for n, user in enumerate(users)
        ]
    )
    start = time.perf_counter()
    with transaction.atomic():
        notifications.notify(
            recipients=users, kind="bench.kind", params={"number": "M-1"}, channels=("inapp", "sms")
        )
    print(f"notify() to 1,000 recipients with SMS (rows): {(time.perf_counter() - start) * 1000:.0f} ms")
    ids = list(NotificationDelivery.objects.values_list("pk", flat=True))
    start = time.perf_counter()
    for delivery_id in ids:
        notifications.delivery_send(delivery_id=delivery_id)
    spent = time.perf_counter() - start
    sent = NotificationDelivery.objects.filter(status="sent").count()
    print(
        f"sending {len(ids)} deliveries (logging adapter): {spent:.2f} s ({len(ids) / spent:.0f}/s); "
        f"sent {sent}"
    )

    reader = users[0]
    now = timezone.now()
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=reader,
                kind="bench.kind",
                params={"number": str(n)},
                created_at=now - datetime.timedelta(minutes=n),
                read_at=None if n % 3 else now,
            )
            for n in range(options.notifications)
        ],
        batch_size=2000,
    )
    count = timed(lambda: selectors.notifications_unread_count(user=reader), 200)
    print(f"unread count with {options.notifications} notifications: {count * 1000:.2f} ms")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(reader)
    timings = []
    for page in (1, 2, 50):
        client.get(f"/notifications/?page={page}")
    for n in range(50):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/notifications/?page={1 + n % 20}")
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200
    timings.sort()
    p50, p95 = statistics.median(timings) * 1000, timings[int(len(timings) * 0.95)] * 1000
    print(
        f"/notifications/ with {options.notifications} notifications: "
        f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, {len(queries)} queries"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
