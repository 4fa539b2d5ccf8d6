"""PostgreSQL restarted under load: the service fails fast while it is down and recovers by itself.

The server keeps persistent database connections (CONN_MAX_AGE) that a restart breaks; Django's connection
health checks (CONN_HEALTH_CHECKS) notice a broken one at the start of the next request and connect again, so
nobody restarts gunicorn. While the database cannot be reached, requests get a 503 with Retry-After at once
(the API in its error shape, /healthz saying the database is unavailable) instead of hanging.

Two disturbances under steady load (the health check, a page, and visit writes with Idempotency-Keys): a plain
`pg_ctl restart -m fast`, then a stop, three seconds down, and a start. A `huiketing worker` runs beside the
server and must live through both too, then run a job. Runs on the private cluster only.
"""

import threading
import time
import uuid

import pytest

from tests.faults import harness

OUTAGE_SECONDS = 3.0
# The bounds are what "fails fast" and "recovers by itself" mean here, not speed targets: a request must not
# hang while the database is down (the connect timeout is 5 s), and the service must answer again soon after
# the database does, with no process restarted.
FAIL_FAST_SECONDS = 10.0
RECOVERY_SECONDS = 15.0
OK = {200, 201}


class Load:
    """Steady traffic from a few clients, every answer kept with its start time."""

    def __init__(self, port: int, world: dict):
        self.port, self.world = port, world
        self.answers: list[tuple[str, str, harness.Answer]] = []  # (kind, idempotency key, answer)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [
            threading.Thread(target=self._run, args=(kind,), daemon=True)
            for kind in ("healthz", "page", "visit", "visit")
        ]

    def send(self, kind: str, key: str = "") -> harness.Answer:
        if kind == "healthz":
            return harness.request(self.port, "GET", "/healthz")
        if kind == "page":
            return harness.request(self.port, "GET", "/")
        return harness.request(
            self.port,
            "POST",
            f"/api/v1/households/{self.world['household']}/visits/",
            body={"findings": f"fault-test {key}"},
            headers={"Authorization": f"Token {self.world['token']}", "Idempotency-Key": key},
        )

    def _run(self, kind: str) -> None:
        while not self.stop.is_set():
            key = uuid.uuid4().hex if kind == "visit" else ""
            answer = self.send(kind, key)
            with self.lock:
                self.answers.append((kind, key, answer))
            time.sleep(0.05)

    def start(self) -> "Load":
        for thread in self.threads:
            thread.start()
        return self

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()

    def between(self, start: float, end: float) -> list[tuple[str, str, harness.Answer]]:
        """The requests sent and answered within [start, end)."""
        with self.lock:
            return [row for row in self.answers if start <= row[2].started and row[2].ended < end]

    def back_after(self, since: float) -> float:
        """Seconds from `since` until every kind of request has succeeded on a request sent after it."""

        def all_ok():
            kinds = {kind for kind, _key, answer in self.between(since, float("inf")) if answer.status in OK}
            return kinds == {"healthz", "page", "visit"}

        harness.wait_until(all_ok, 60, interval=0.05, what="every kind of request to succeed again")
        with self.lock:
            firsts = {}
            for kind, _key, answer in self.answers:
                if answer.started >= since and answer.status in OK and kind not in firsts:
                    firsts[kind] = answer.ended
        return max(firsts.values()) - since


def test_the_service_recovers_by_itself_when_postgresql_restarts(stage, cluster):
    if cluster is None:
        pytest.skip("initdb is not installed: no private PostgreSQL cluster to restart")
    world = harness.world(stage.env(), "web")
    port = harness.free_port()
    server = stage.track(harness.Server(stage.env(), port, stage.folder / "serve.log"))
    server.start().wait_ready()
    workers = set(server.worker_pids())
    worker_env = stage.env(HUIKETING_WORKER_HEARTBEAT_SECONDS="1")
    worker_id = "faults-worker"
    worker_args = ["worker", "--no-clock", "--no-startup-delay", "--worker-id", worker_id]
    worker = stage.track(harness.Process(worker_env, worker_args, stage.folder / "worker.log")).start()
    harness.wait_until(
        lambda: harness.sql(stage.url, "SELECT 1 FROM core_workerheartbeat WHERE worker_id=%s", [worker_id]),
        60,
        interval=0.2,
        what="the worker to start",
    )
    load = Load(port, world).start()
    time.sleep(2)
    assert all(answer.status in OK for _kind, _key, answer in load.between(0, time.monotonic())), "before"

    # 1. pg_ctl restart -m fast: every open connection is cut, the server is back within a second or so.
    restart_began = time.monotonic()
    cluster.restart("fast")
    restart_ended = time.monotonic()
    back_after_restart = load.back_after(restart_ended)
    time.sleep(2)

    # 2. Down for a few seconds: requests must fail fast with 503 meanwhile.
    cluster.stop("fast")
    down_from = time.monotonic()
    time.sleep(OUTAGE_SECONDS)
    down_until = time.monotonic()
    cluster.start()
    up_at = time.monotonic()
    database_back_at = harness.sql(stage.url, "SELECT now()")[0][0]
    back_after_outage = load.back_after(up_at)
    steady_from = up_at + back_after_outage + 1
    time.sleep(3)
    load.finish()

    # The worker rode it out as well: still the same process, beating, and running what is queued.
    task = harness.world(stage.env(), "enqueue")["task"]
    harness.wait_until(
        lambda: harness.sql(
            stage.url,
            "SELECT 1 FROM django_tasks_database_dbtaskresult WHERE id::text = %s AND status = 'SUCCESSFUL'",
            (task,),
        ),
        60,
        interval=0.2,
        what="the worker to run a job after the outage",
    )
    beats_since = harness.sql(
        stage.url,
        "SELECT 1 FROM core_workerheartbeat WHERE worker_id = %s AND last_seen > %s",
        (worker_id, database_back_at),
    )

    during = load.between(down_from, down_until)
    after = load.between(steady_from, float("inf"))
    healthz_down = [answer for kind, _key, answer in during if kind == "healthz"]
    # However long each request sent while the database was down took, even one answered after it was back.
    sent_down = [answer for _kind, _key, answer in load.answers if down_from <= answer.started < down_until]
    slowest = max(answer.seconds for answer in sent_down)
    failed = [row for row in load.answers if row[2].status not in OK]

    # The writes that failed are resent with their keys, as the phones do on a 503.
    visits = {key: answer for kind, key, answer in load.answers if kind == "visit"}
    for key, answer in list(visits.items()):
        if answer.status != 201:
            visits[key] = load.send("visit", key)
    rows = harness.sql(
        stage.url,
        "SELECT findings, count(*) FROM people_visit WHERE household_id = %s GROUP BY 1",
        (world["household"],),
    )
    stored = {findings.removeprefix("fault-test "): count for findings, count in rows}
    harness.summary(
        "PostgreSQL restarted",
        requests=len(load.answers),
        failed=len(failed),
        restart_took=f"{restart_ended - restart_began:.1f} s",
        all_answering_after_restart=f"{back_after_restart:.1f} s",
        requests_during_outage=f"{len(during)} ({sorted({answer.status for _k, _key, answer in during})})",
        slowest_during_outage=f"{slowest:.2f} s",
        all_answering_after_outage=f"{back_after_outage:.1f} s",
        visits=len(visits),
        lost=sum(1 for key in visits if stored.get(key, 0) == 0),
        duplicates=sum(1 for count in stored.values() if count > 1),
    )

    assert server.process.poll() is None and set(server.worker_pids()) == workers, "gunicorn was restarted"
    assert worker.process.poll() is None, f"the worker exited:\n{worker.log_tail()}"
    assert beats_since, "the worker's heartbeat stopped"
    assert during and {answer.status for _kind, _key, answer in during} == {503}
    assert slowest < FAIL_FAST_SECONDS
    assert healthz_down and all(answer.json()["database"] == "unavailable" for answer in healthz_down)
    assert all(
        answer.headers.get("retry-after") == "5" for kind, _key, answer in during if kind in {"page", "visit"}
    )
    visit_errors = [answer.json()["error"]["code"] for kind, _key, answer in during if kind == "visit"]
    assert set(visit_errors) == {"database_unavailable"}
    assert back_after_restart < RECOVERY_SECONDS and back_after_outage < RECOVERY_SECONDS
    assert after and all(answer.status in OK for _kind, _key, answer in after)
    assert all(answer.status == 201 for answer in visits.values())
    assert set(stored) == set(visits) and set(stored.values()) == {1}
