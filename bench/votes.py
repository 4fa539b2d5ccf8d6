"""A vote burst: N residents each cast a ballot on each of M questions at once (CONSUL's Madrid test was
40,000 participants and 400,000 votes). Votes per second, latency percentiles, and a count that proves
nothing was lost or doubled.

Usage:
    .venv/bin/python bench/votes.py                          # 40,000 × 10 through the services, 4 processes
    .venv/bin/python bench/votes.py --voters 4000 --http     # 4,000 × 10 over HTTP against `huiketing serve`
    .venv/bin/python bench/votes.py --voters 2000 --questions 5 --processes 2   # a quick look

PostgreSQL only: a scratch database (huiketing_bench_votes, see scratch.py) is created, filled and dropped.

Set-up (not timed): one community with ten grids; `--voters` adult residents in the registry, each with an
account (and an API token for --http), written in bulk; one meeting with `--questions` agenda items, each
with a vote open to all adult residents of the community, online, For / Against / Abstain; every other
question secret.

The burst (timed): the voters are shared out between `--processes` worker processes (or `--clients` HTTP
client threads). Each voter casts one ballot on every question, in a random order, choosing the option given
by a hash of (voter, question), so the expected count of every option is known in advance. A share of the
voters (`--resend`, default 2 %) sends one of its ballots a second time, as a phone on a bad connection
would: that second ballot must be refused ("already voted"), never counted. Through the services each ballot
is `vote_services.ballot_cast_online` as the API calls it: the entitlement check, the ballot row under its
unique constraints, the secret tally, the audit entry and the points award, each in its own transaction.
Over HTTP each is `POST /api/v1/votes/<id>/ballot/` with the voter's token.

Checks after the burst: every question holds exactly one ballot per voter (no more, no fewer); every
option's count (ballot rows for an open vote, the tally for a secret one) equals the expected count; every
resend was refused and nothing else was; no error of any other kind. Exits 1 if any check fails.
"""

import argparse
import hashlib
import json
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import scratch

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DATABASE = "huiketing_bench_votes"
COMMUNITY = "654301001001"
OPTIONS = 3  # For, Against, Abstain


def choice(voter: int, question: int) -> int:
    """The option (0, 1 or 2) this voter chooses on this question: fixed, so the expected counts are known."""
    digest = hashlib.blake2b(f"{voter}:{question}".encode(), digest_size=2).digest()
    # Two voters in three vote for, the rest against or abstain.
    value = int.from_bytes(digest, "big") % 6
    return 0 if value < 4 else (1 if value == 4 else 2)


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("HUIKETING_DEMO", "1")
    os.environ.setdefault("HUIKETING_HTTPS", "0")
    os.environ.setdefault("HUIKETING_DATA_DIR", tempfile.mkdtemp(prefix="huiketing-bench-votes-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huiketing.settings")
    import django

    django.setup()


def prepare(voters: int, questions: int, tokens: bool) -> dict:
    """Places, residents with accounts, a meeting with one open vote per question. Returns the plan."""
    from datetime import date, timedelta

    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from huiketing.meetings import meeting_services, vote_services
    from huiketing.meetings.models import Electorate, Majority, MeetingKind
    from huiketing.people.models import Relation, Resident, ResidentStatus, Role, RoleAssignment, User
    from huiketing.places.models import Level, Place

    call_command("migrate", verbosity=0, interactive=False)
    city = Place.objects.create(code="654301", level=Level.CITY, names={"zh-hans": "阿勒泰市"})
    sub = Place.objects.create(
        code="654301001", level=Level.SUBDISTRICT, parent=city, names={"zh-hans": "街道"}
    )
    community = Place.objects.create(
        code=COMMUNITY, level=Level.COMMUNITY, parent=sub, names={"zh-hans": "社区"}
    )
    grids = [
        Place.objects.create(
            code=f"{COMMUNITY}{g:03d}", level=Level.GRID, parent=community, names={"zh-hans": f"网格{g}"}
        )
        for g in range(1, 11)
    ]
    staff = User.objects.create(username="bench-community", password=make_password("bench-pass-1"))
    RoleAssignment.objects.create(user=staff, role=Role.COMMUNITY_STAFF, place_code=COMMUNITY)

    unusable = make_password(None)
    batch = 5000
    for start in range(0, voters, batch):
        stop = min(start + batch, voters)
        users = User.objects.bulk_create(
            [User(username=f"voter{n:06d}", password=unusable) for n in range(start, stop)]
        )
        Resident.objects.bulk_create(
            [
                Resident(
                    place_code=grids[n % len(grids)].code,
                    full_name=f"居民{n}",
                    birth_date=date(1960 + n % 40, 1 + n % 12, 1 + n % 28),
                    relation=Relation.HOUSEHOLDER,
                    status=ResidentStatus.ACTIVE,
                    account=user,
                )
                for n, user in zip(range(start, stop), users, strict=True)
            ]
        )
        if tokens:
            Token.objects.bulk_create([Token(user=user, key=Token.generate_key()) for user in users])
    meeting_services.meeting_kinds_ensure()
    now = timezone.now()
    meeting = meeting_services.meeting_create(
        by=staff,
        kind=MeetingKind.objects.order_by("position").first(),
        title="居民代表会议",
        place_code=COMMUNITY,
        starts_at=now + timedelta(hours=1),
        location="会客厅",
        now=now,
    )
    votes = []
    for q in range(questions):
        item = meeting_services.agenda_item_add(by=staff, meeting=meeting, title=f"议题 {q + 1}")
        vote = vote_services.vote_create(
            by=staff,
            item=item,
            question=f"是否同意议题 {q + 1}?",
            is_secret=q % 2 == 1,
            electorate=Electorate.RESIDENTS,
            majority=Majority.SIMPLE,
            turnout_quorum=0,
            allows_online=True,
            now=now,
        )
        vote_services.vote_open(by=staff, vote=vote, now=now)
        votes.append(vote)
    users = list(
        User.objects.filter(username__startswith="voter").order_by("username").values_list("pk", flat=True)
    )
    plan = {
        "users": users,
        "votes": [
            {
                "id": v.pk,
                "secret": v.is_secret,
                "options": [o.pk for o in v.options.order_by("position", "id")],
            }
            for v in votes
        ],
    }
    if tokens:
        keys = dict(Token.objects.filter(user_id__in=users).values_list("user_id", "key"))
        plan["tokens"] = [keys[u] for u in users]
    return plan


def tasks_for(voters: range, plan: dict, resend: float, seed: int) -> list[tuple[int, int, int, bool]]:
    """(voter index, question index, option id, is a resend) in the order the voters send them."""
    rng = random.Random(seed)
    tasks = []
    for voter in voters:
        order = list(range(len(plan["votes"])))
        rng.shuffle(order)
        mine = [(voter, q, plan["votes"][q]["options"][choice(voter, q)], False) for q in order]
        if rng.random() < resend:
            again = rng.choice(mine)
            mine.insert(rng.randrange(mine.index(again) + 1, len(mine) + 1), (*again[:3], True))
        tasks.extend(mine)
    return tasks


def service_worker(args) -> dict:
    """One process: cast the ballots of its voters through the services."""
    database_url, plan, voters, resend, seed = args
    setup_django(database_url)
    from huiketing.meetings import vote_services
    from huiketing.meetings.models import Vote
    from huiketing.people.models import User

    votes = {v["id"]: Vote.objects.get(pk=v["id"]) for v in plan["votes"]}
    users = {u.pk: u for u in User.objects.filter(pk__in=[plan["users"][v] for v in voters])}
    latencies, refused_resends, errors = [], 0, []
    for voter, q, option, is_resend in tasks_for(voters, plan, resend, seed):
        vote = votes[plan["votes"][q]["id"]]
        started = time.perf_counter()
        try:
            vote_services.ballot_cast_online(by=users[plan["users"][voter]], vote=vote, option=option)
        except vote_services.BallotRefused as refusal:
            if is_resend:
                refused_resends += 1
            else:
                errors.append(f"voter {voter} question {q}: refused: {refusal.messages}")
        except Exception as error:  # counted and reported; the run fails
            errors.append(f"voter {voter} question {q}: {type(error).__name__}: {error}")
        else:
            if is_resend:
                errors.append(f"voter {voter} question {q}: a resend was counted")
        latencies.append(time.perf_counter() - started)
    return {
        "latencies": latencies,
        "refused_resends": refused_resends,
        "errors": errors[:20],
        "n_errors": len(errors),
    }


def http_burst(base: str, plan: dict, voters: int, clients: int, resend: float) -> dict:
    import http.client
    from urllib.parse import urlparse

    host = urlparse(base)
    shares = [range(i, voters, clients) for i in range(clients)]
    results = []

    def run(share: range, seed: int) -> None:
        connection = http.client.HTTPConnection(host.hostname, host.port, timeout=120)
        latencies, refused_resends, errors = [], 0, []
        for voter, q, option, is_resend in tasks_for(share, plan, resend, seed):
            body = json.dumps({"option": option})
            headers = {
                "Authorization": f"Token {plan['tokens'][voter]}",
                "Content-Type": "application/json",
                "Accept-Language": "en",
            }
            started = time.perf_counter()
            try:
                connection.request("POST", f"/api/v1/votes/{plan['votes'][q]['id']}/ballot/", body, headers)
                response = connection.getresponse()
                text = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                connection = http.client.HTTPConnection(host.hostname, host.port, timeout=120)
                errors.append(f"voter {voter} question {q}: {error}")
                latencies.append(time.perf_counter() - started)
                continue
            latencies.append(time.perf_counter() - started)
            if status in (200, 201):
                if is_resend:
                    errors.append(f"voter {voter} question {q}: a resend was counted")
            elif is_resend and 400 <= status < 500:
                refused_resends += 1
            else:
                errors.append(f"voter {voter} question {q}: HTTP {status} {text[:200]!r}")
        connection.close()
        results.append(
            {
                "latencies": latencies,
                "refused_resends": refused_resends,
                "errors": errors[:20],
                "n_errors": len(errors),
            }
        )

    threads = [threading.Thread(target=run, args=(share, n)) for n, share in enumerate(shares)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return merge(results)


def merge(parts: list[dict]) -> dict:
    return {
        "latencies": [x for p in parts for x in p["latencies"]],
        "refused_resends": sum(p["refused_resends"] for p in parts),
        "errors": [e for p in parts for e in p["errors"]][:20],
        "n_errors": sum(p["n_errors"] for p in parts),
    }


def verify(plan: dict, voters: int, resends_sent: int, outcome: dict) -> list[str]:
    from django.db.models import Count, Sum

    from huiketing.meetings.models import Ballot, SecretTally, VoteOption

    problems = []
    for q, vote in enumerate(plan["votes"]):
        expected = [0] * OPTIONS
        for voter in range(voters):
            expected[choice(voter, q)] += 1
        ballots = Ballot.objects.filter(vote_id=vote["id"]).count()
        distinct = Ballot.objects.filter(vote_id=vote["id"]).values("resident_id").distinct().count()
        if ballots != voters or distinct != voters:
            problems.append(
                f"question {q + 1}: {ballots} ballots from {distinct} residents, expected {voters}"
            )
        if vote["secret"]:
            if Ballot.objects.filter(vote_id=vote["id"], option__isnull=False).exists():
                problems.append(f"question {q + 1}: a secret ballot carries its option")
            counts = dict(SecretTally.objects.filter(vote_id=vote["id"]).values_list("option_id", "count"))
        else:
            counts = dict(
                Ballot.objects.filter(vote_id=vote["id"]).values_list("option_id").annotate(n=Count("pk"))
            )
        got = [counts.get(option, 0) for option in vote["options"]]
        if got != expected:
            problems.append(f"question {q + 1}: option counts {got}, expected {expected}")
        total = SecretTally.objects.filter(vote_id=vote["id"]).aggregate(s=Sum("count"))["s"] or 0
        if vote["secret"] and total != voters:
            problems.append(f"question {q + 1}: the tallies add up to {total}, expected {voters}")
    if outcome["refused_resends"] != resends_sent:
        problems.append(f"{outcome['refused_resends']} resends refused of {resends_sent} sent")
    if outcome["n_errors"]:
        problems.append(f"{outcome['n_errors']} errors, e.g. {outcome['errors'][:5]}")
    assert VoteOption.objects.exists()
    return problems


def percentile(ordered: list[float], p: float) -> float:
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=40_000)
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--processes", type=int, default=4, help="worker processes (services mode)")
    parser.add_argument("--http", action="store_true", help="over HTTP against `huiketing serve`")
    parser.add_argument("--clients", type=int, default=12, help="HTTP client threads (--http)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (--http)")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker (--http)")
    parser.add_argument("--resend", type=float, default=0.02, help="share of voters who resend one ballot")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    options = parser.parse_args()

    database_url = scratch.create(DATABASE)
    server = None
    try:
        setup_django(database_url)
        started = time.perf_counter()
        plan = prepare(options.voters, options.questions, tokens=options.http)
        print(
            f"set-up: {options.voters:,} residents with accounts, {options.questions} open votes"
            f" ({sum(v['secret'] for v in plan['votes'])} secret) in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        from django.db import connections

        connections.close_all()
        if options.http:
            sys.path.insert(0, str(BENCH))
            import load

            data_dir = os.environ["HUIKETING_DATA_DIR"]
            port = load.free_port()
            log = Path(data_dir) / "serve.log"
            server = load.start_server(
                port, load.server_env(database_url, data_dir), options.workers, options.threads, log
            )
            load.wait_healthy(port, server)
            mode = (
                f"HTTP, {options.clients} clients, gunicorn {options.workers} workers"
                f" × {options.threads} threads"
            )
            burst_started = time.perf_counter()
            outcome = http_burst(
                f"http://127.0.0.1:{port}", plan, options.voters, options.clients, options.resend
            )
        else:
            mode = f"services, {options.processes} processes"
            shares = [range(i, options.voters, options.processes) for i in range(options.processes)]
            context = multiprocessing.get_context("spawn")
            burst_started = time.perf_counter()
            with context.Pool(options.processes) as pool:
                outcome = merge(
                    pool.map(
                        service_worker,
                        [(database_url, plan, share, options.resend, n) for n, share in enumerate(shares)],
                    )
                )
        elapsed = time.perf_counter() - burst_started
        if options.http:
            shares = [range(i, options.voters, options.clients) for i in range(options.clients)]
        resends_sent = sum(
            is_resend
            for n, share in enumerate(shares)
            for *_rest, is_resend in tasks_for(share, plan, options.resend, n)
        )
        problems = verify(plan, options.voters, resends_sent, outcome)
        ordered = sorted(outcome["latencies"])
        counted = options.voters * options.questions
        print(f"mode: {mode}")
        print(f"ballots: {counted:,} counted + {resends_sent:,} resends refused, in {elapsed:.1f} s")
        print(f"rate: {len(ordered) / elapsed:,.0f} requests/s ({counted / elapsed:,.0f} counted ballots/s)")
        print(
            "latency ms: p50 {:.1f}, p95 {:.1f}, p99 {:.1f}, max {:.1f}, mean {:.1f}".format(
                *(1000 * percentile(ordered, p) for p in (50, 95, 99, 100)), 1000 * statistics.fmean(ordered)
            )
        )
        if problems:
            print("FAILED:\n  " + "\n  ".join(problems))
            return 1
        print(
            "checks: every question holds one ballot per voter, every option its expected count;"
            " resends refused"
        )
        return 0
    finally:
        if server is not None:
            import load

            load.stop_server(server)
        from django.db import connections

        connections.close_all()
        if not options.keep:
            scratch.drop(DATABASE)


if __name__ == "__main__":
    sys.exit(main())
