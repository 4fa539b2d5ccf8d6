"""Queries per page and API endpoint of the mixed load, at 1× and 10× the demo: they must be equal.

Usage:
    .venv/bin/python bench/query_counts.py                    # scratch databases at 1× and 10×
    .venv/bin/python bench/query_counts.py --scales 1,10,100
    DATABASE_URL=… .venv/bin/python bench/query_counts.py --count    # one generated database; prints JSON

For each scale it creates a scratch PostgreSQL database (huiketing_bench_qc_<N>, see scratch.py), fills it
with bench/generate.py, counts, and drops it. Counting goes through Django's test client in one process,
signed in as the demo account each kind of user of bench/locustfile.py is (the centre grid's `gridleader`,
`community`, `city`, `resident`), with CaptureQueriesContext. Each request is made twice and the second one
is counted: the first fills the caches a running server keeps warm. Filters are chosen to match residents at
every scale (an empty page skips the tags query). Exits 1 if a count differs between scales.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import scratch

BENCH = Path(__file__).resolve().parent

# (name as in the locust statistics, account or "" for anonymous, "session" or "token", method, path).
# Paths may name {city}, {subdistrict}, {community}, {grid} (the centre grid), {resident}, {household},
# and the demo's meetings in the centre community: {topic} (the open topic the `resident` comments on),
# {meeting} (its latest held meeting with published minutes), {session} (the grid meeting in session),
# {vote} (that meeting's open vote) and {project} (the latest project done that carried a matter out, in
# the community if it has one, else in the city: a project's page asks more or less by its state, so the
# same state is compared at every scale).
ENDPOINTS = [
    ("GET /", "", "session", "GET", "/"),
    ("GET /places/", "", "session", "GET", "/places/"),
    ("GET /places/<city>/", "", "session", "GET", "/places/{city}/"),
    ("GET /places/<subdistrict>/", "", "session", "GET", "/places/{subdistrict}/"),
    ("GET /places/<community>/", "", "session", "GET", "/places/{community}/"),
    ("GET /places/<grid>/", "", "session", "GET", "/places/{grid}/"),
    ("GET /accounts/login/", "", "session", "GET", "/accounts/login/"),
    ("GET /api/v1/regions/locate/", "", "session", "GET", "/api/v1/regions/locate/?lat={lat}&lng={lng}"),
    (
        "GET /api/v1/service-points/?place=<community>",
        "",
        "session",
        "GET",
        "/api/v1/service-points/?place={community}",
    ),
    (
        "GET /api/v1/regions/?parent=<subdistrict>",
        "",
        "session",
        "GET",
        "/api/v1/regions/?parent={subdistrict}",
    ),
    ("GET /api/v1/regions/<grid>/", "", "session", "GET", "/api/v1/regions/{grid}/"),
    ("POST /accounts/login/ (sign-in)", "", "session", "SIGN-IN", "/accounts/login/"),
    ("POST /api/v1/auth/token/ (sign-in)", "", "session", "TOKEN", "/api/v1/auth/token/"),
    ("GET / (signed in)", "resident", "session", "GET", "/"),
    ("GET /account/", "resident", "session", "GET", "/account/"),
    ("GET /account/activity/", "resident", "session", "GET", "/account/activity/"),
    ("GET /places/<grid> (signed in)", "resident", "session", "GET", "/places/{grid}/"),
    ("GET /api/v1/me/", "resident", "token", "GET", "/api/v1/me/"),
    (
        "GET /api/v1/regions/locate/ (token)",
        "resident",
        "token",
        "GET",
        "/api/v1/regions/locate/?lat={lat}&lng={lng}",
    ),
    (
        "GET /api/v1/service-points/?place=<grid> (token)",
        "resident",
        "token",
        "GET",
        "/api/v1/service-points/?place={grid}",
    ),
    ("GET /staff/registry/residents/", "gridleader", "session", "GET", "/staff/registry/residents/"),
    (
        "GET /staff/registry/residents/?<filter>",
        "gridleader",
        "session",
        "GET",
        "/staff/registry/residents/?tag=aged_60",
    ),
    (
        "GET /staff/registry/residents/?page=<n>",
        "gridleader",
        "session",
        "GET",
        "/staff/registry/residents/?page=2",
    ),
    (
        "GET /staff/registry/residents/<id>/",
        "gridleader",
        "session",
        "GET",
        "/staff/registry/residents/{resident}/",
    ),
    ("GET /staff/registry/households/", "gridleader", "session", "GET", "/staff/registry/households/"),
    (
        "GET /staff/registry/households/<id>/",
        "gridleader",
        "session",
        "GET",
        "/staff/registry/households/{household}/",
    ),
    (
        "POST /staff/registry/households/<id>/visits/new/",
        "gridleader",
        "session",
        "VISIT",
        "/staff/registry/households/{household}/visits/new/",
    ),
    ("GET /staff/registry/residents/", "community", "session", "GET", "/staff/registry/residents/"),
    (
        "GET /staff/registry/residents/?<filter>",
        "community",
        "session",
        "GET",
        "/staff/registry/residents/?grid={grid}&tag=aged_60",
    ),
    ("GET /staff/registry/households/", "community", "session", "GET", "/staff/registry/households/"),
    ("GET /staff/registry/residents/", "city", "session", "GET", "/staff/registry/residents/"),
    (
        "GET /staff/registry/residents/?<filter>",
        "city",
        "session",
        "GET",
        "/staff/registry/residents/?tag=aged_80",
    ),
    # Deliberation, meetings, votes, minutes, projects and points: the public pages and API.
    ("GET /deliberation/", "", "session", "GET", "/deliberation/"),
    ("GET /deliberation/<topic>/", "", "session", "GET", "/deliberation/{topic}/"),
    ("GET /meetings/", "", "session", "GET", "/meetings/"),
    ("GET /meetings/<meeting>/", "", "session", "GET", "/meetings/{meeting}/"),
    ("GET /meetings/<meeting>/minutes/", "", "session", "GET", "/meetings/{meeting}/minutes/"),
    ("GET /decisions/", "", "session", "GET", "/decisions/"),
    ("GET /votes/<vote>/", "", "session", "GET", "/votes/{vote}/"),
    ("GET /projects/", "", "session", "GET", "/projects/"),
    ("GET /projects/<project>/", "", "session", "GET", "/projects/{project}/"),
    (
        "GET /points/leaderboard/?place=<community>",
        "",
        "session",
        "GET",
        "/points/leaderboard/?place={community}",
    ),
    ("GET /api/v1/topics/", "", "session", "GET", "/api/v1/topics/"),
    ("GET /api/v1/topics/<topic>/", "", "session", "GET", "/api/v1/topics/{topic}/"),
    ("GET /api/v1/meetings/", "", "session", "GET", "/api/v1/meetings/"),
    ("GET /api/v1/meetings/<meeting>/", "", "session", "GET", "/api/v1/meetings/{meeting}/"),
    (
        "GET /api/v1/meetings/<meeting>/minutes/",
        "",
        "session",
        "GET",
        "/api/v1/meetings/{meeting}/minutes/",
    ),
    ("GET /api/v1/meetings/decisions/", "", "session", "GET", "/api/v1/meetings/decisions/"),
    ("GET /api/v1/votes/<vote>/", "", "session", "GET", "/api/v1/votes/{vote}/"),
    ("GET /api/v1/projects/", "", "session", "GET", "/api/v1/projects/"),
    ("GET /api/v1/projects/<project>/", "", "session", "GET", "/api/v1/projects/{project}/"),
    (
        "GET /api/v1/points/leaderboard/?place=<community>",
        "",
        "session",
        "GET",
        "/api/v1/points/leaderboard/?place={community}",
    ),
    # Living rooms: the events and festivals API.
    ("GET /api/v1/events/", "", "session", "GET", "/api/v1/events/"),
    ("GET /api/v1/festivals/", "", "session", "GET", "/api/v1/festivals/"),
    # ... as the `resident` sees them, and its own.
    ("GET /deliberation/<topic>/ (signed in)", "resident", "session", "GET", "/deliberation/{topic}/"),
    ("GET /meetings/mine/", "resident", "session", "GET", "/meetings/mine/"),
    ("GET /meetings/<session>/ (signed in)", "resident", "session", "GET", "/meetings/{session}/"),
    ("GET /votes/<vote>/ (signed in)", "resident", "session", "GET", "/votes/{vote}/"),
    ("GET /points/", "resident", "session", "GET", "/points/"),
    ("GET /api/v1/me/meetings/", "resident", "token", "GET", "/api/v1/me/meetings/"),
    ("GET /api/v1/votes/<vote>/ (token)", "resident", "token", "GET", "/api/v1/votes/{vote}/"),
    ("GET /api/v1/points/me/", "resident", "token", "GET", "/api/v1/points/me/"),
    # ... and the staff's.
    ("GET /staff/deliberation/", "community", "session", "GET", "/staff/deliberation/"),
    ("GET /staff/deliberation/reports/", "community", "session", "GET", "/staff/deliberation/reports/"),
    ("GET /staff/meetings/", "community", "session", "GET", "/staff/meetings/"),
    ("GET /staff/meetings/<meeting>/", "community", "session", "GET", "/staff/meetings/{meeting}/"),
    (
        "GET /staff/meetings/<meeting>/minutes/",
        "community",
        "session",
        "GET",
        "/staff/meetings/{meeting}/minutes/",
    ),
    (
        "GET /staff/meetings/<session>/door/",
        "gridleader",
        "session",
        "GET",
        "/staff/meetings/{session}/door/",
    ),
    ("GET /staff/votes/<vote>/", "gridleader", "session", "GET", "/staff/votes/{vote}/"),
    ("GET /staff/projects/", "community", "session", "GET", "/staff/projects/"),
    ("GET /staff/festivals/", "community", "session", "GET", "/staff/festivals/"),
    ("GET /staff/courses/new/", "community", "session", "GET", "/staff/courses/new/"),
    ("GET /staff/projects/<project>/", "city", "session", "GET", "/staff/projects/{project}/"),
    ("GET /staff/points/accounts/", "community", "session", "GET", "/staff/points/accounts/"),
    ("GET /staff/deliberation/", "city", "session", "GET", "/staff/deliberation/"),
    ("GET /staff/meetings/", "city", "session", "GET", "/staff/meetings/"),
    ("GET /staff/projects/", "city", "session", "GET", "/staff/projects/"),
    ("GET /staff/points/accounts/", "city", "session", "GET", "/staff/points/accounts/"),
    ("GET /api/v1/meetings/ (token)", "community", "token", "GET", "/api/v1/meetings/"),
    ("GET /api/v1/projects/ (token)", "community", "token", "GET", "/api/v1/projects/"),
]


def count() -> dict:
    """Count on the database of DATABASE_URL; returns {"name @ account": {...}}."""
    os.environ.setdefault("HUIKETING_DEMO", "1")
    os.environ.setdefault("HUIKETING_HTTPS", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huiketing.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from huiketing.core import services as core_services
    from huiketing.demo import geometry
    from huiketing.demo.data import places as place_data
    from huiketing.meetings.models import Meeting, MeetingStatus, MinutesStatus, Topic, Vote, VoteStatus
    from huiketing.people.models import Household, Resident, User
    from huiketing.projects.models import Project
    from huiketing.projects.models import Status as ProjectStatus

    layout = geometry.build()
    centre = geometry.grid_at(layout, place_data.CENTRE_LAT, place_data.CENTRE_LNG)
    household = Household.objects.filter(place_code=centre).order_by("id").first()
    values = {
        "city": place_data.CITY_CODE,
        "subdistrict": centre[:9],
        "community": centre[:12],
        "grid": centre,
        "lat": place_data.CENTRE_LAT,
        "lng": place_data.CENTRE_LNG,
        "resident": Resident.objects.filter(household=household).order_by("id").first().pk,
        "household": household.pk,
    }
    community = centre[:12]
    session = Meeting.objects.get(status=MeetingStatus.IN_SESSION, place_code=centre)
    projects = (
        Project.objects.filter(status=ProjectStatus.DONE, matter__isnull=False)
        .annotate(n=Count("milestones"))
        .filter(n__gt=0)
        .order_by("-created_at", "-id")
    )
    values.update(
        topic=Topic.objects.filter(place_code=community, comments__hidden_at__isnull=False)
        .distinct()
        .get()
        .pk,
        meeting=Meeting.objects.filter(
            place_code__startswith=community,
            status=MeetingStatus.CLOSED,
            minutes__status=MinutesStatus.PUBLISHED,
        )
        .order_by("-starts_at", "-id")
        .first()
        .pk,
        session=session.pk,
        vote=Vote.objects.get(item__meeting=session, status=VoteStatus.OPEN).pk,
        project=(projects.filter(place_code__startswith=community).first() or projects.first()).pk,
    )
    password = settings.DEMO_PASSWORD
    clients: dict[tuple[str, str], Client] = {}

    def client_for(account: str, auth: str) -> Client:
        if (account, auth) not in clients:
            client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="zh-Hans")
            if account and auth == "session":
                client.force_login(User.objects.get(username=account))
            elif account:
                token = core_services.api_token_issue(user=User.objects.get(username=account))
                client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
            clients[account, auth] = client
        return clients[account, auth]

    def send(client: Client, method: str, path: str):
        if method == "GET":
            return client.get(path)
        if method == "SIGN-IN":
            fresh = Client(HTTP_HOST="127.0.0.1")
            return fresh.post(path, {"username": "gridleader", "password": password, "next": ""})
        if method == "TOKEN":
            fresh = Client(HTTP_HOST="127.0.0.1")
            return fresh.post(
                path, {"username": "resident", "password": password}, content_type="application/json"
            )
        if method == "VISIT":
            data = {"visited_on": timezone.localdate().isoformat(), "findings": "门窗安全。", "follow_up": ""}
            return client.post(path, data)
        raise ValueError(method)

    # Without collectstatic there is no manifest to look the stylesheet up in; the count is the same.
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    counts = {}
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": static}):
        for name, account, auth, method, template in ENDPOINTS:
            path = template.format(**values)
            client = client_for(account, auth)
            send(client, method, path)
            with CaptureQueriesContext(connection) as queries:
                response = send(client, method, path)
            ok = {"GET": 200, "SIGN-IN": 302, "TOKEN": 200, "VISIT": 302}[method]
            counts[f"{name} @ {account or 'anonymous'}"] = {
                "queries": len(queries),
                "status": response.status_code,
                "ok": response.status_code == ok,
            }
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description="Queries per page at several scales of the demo.")
    parser.add_argument("--scales", default=os.environ.get("BENCH_COUNT_SCALES", "1,10"))
    parser.add_argument("--count", action="store_true", help="count on DATABASE_URL and print JSON")
    options = parser.parse_args()
    if options.count:
        print(json.dumps(count(), ensure_ascii=False))
        return 0

    scales = [int(s) for s in options.scales.split(",")]
    env = dict(os.environ)
    env.setdefault("HUIKETING_DATA_DIR", tempfile.mkdtemp(prefix="huiketing-bench-"))
    env.update(HUIKETING_DEMO="1", HUIKETING_HTTPS="0", HUIKETING_LOG_LEVEL="WARNING")
    results = {}
    for scale in scales:
        name = f"huiketing_bench_qc_{scale}"
        with scratch.scratch_database(name) as url:
            env["DATABASE_URL"] = url
            print(f"generating {scale}× the demo in {name} …", flush=True)
            subprocess.run(  # noqa: S603
                [sys.executable, str(BENCH / "generate.py"), "--scale", str(scale)], env=env, check=True
            )
            print(f"counting queries at {scale}× …", flush=True)
            out = subprocess.run(  # noqa: S603
                [sys.executable, __file__, "--count"], env=env, check=True, capture_output=True, text=True
            ).stdout
            results[scale] = json.loads(out.strip().splitlines()[-1])

    keys = list(results[scales[0]])
    header = "| endpoint | as | " + " | ".join(f"{s}×" for s in scales) + " |"
    lines = [header, "|---|---|" + "---:|" * len(scales)]
    unequal, failed = [], []
    for key in keys:
        name, account = key.rsplit(" @ ", 1)
        cells = []
        for scale in scales:
            entry = results[scale].get(key, {})
            cell = str(entry.get("queries", "?"))
            if not entry.get("ok"):
                cell += f" (status {entry.get('status')})"
                failed.append((key, scale))
            cells.append(cell)
        if len({results[s].get(key, {}).get("queries") for s in scales}) != 1:
            unequal.append(key)
        shown = name if name.startswith("**") else f"`{name}`"
        lines.append(f"| {shown} | {account} | " + " | ".join(cells) + " |")
    print()
    print("\n".join(lines))
    print()
    if unequal:
        print("Counts that grow with the data: " + "; ".join(unequal))
    if failed:
        print("Requests that did not answer as expected: " + "; ".join(f"{k} at {s}×" for k, s in failed))
    if not unequal and not failed:
        print(f"All {len(keys)} counts are equal at " + ", ".join(f"{s}×" for s in scales) + ".")
    return 1 if unequal or failed else 0


if __name__ == "__main__":
    sys.exit(main())
