"""Killing the web tier in the middle of a burst of writes loses no acknowledged write and applies none twice.

Grid workers' phones send household visits with an Idempotency-Key each and resend what got no answer. A
gunicorn worker, and later the master itself, is killed with SIGKILL under that load; the service is started
again and every unanswered request is resent with its key. Then the database must hold exactly one visit per
key, and every visit whose 201 reached the phone.
"""

import os
import signal
import threading
import time
import uuid
from collections import Counter

from tests.faults import harness

REQUESTS = 400
CLIENTS = 8


def _post(port: int, world: dict, key: str) -> harness.Answer:
    return harness.request(
        port,
        "POST",
        f"/api/v1/households/{world['household']}/visits/",
        body={"findings": f"fault-test {key}", "follow_up": ""},
        headers={"Authorization": f"Token {world['token']}", "Idempotency-Key": key},
        timeout=15,
    )


def test_killing_gunicorn_workers_and_master_loses_no_acknowledged_write(stage):
    world = harness.world(stage.env(), "web")
    port = harness.free_port()
    env = stage.env(HUIKETING_WEB_WORKERS="2")
    server = stage.track(harness.Server(env, port, stage.folder / "serve-1.log"))
    server.start().wait_ready()

    keys = [uuid.uuid4().hex for _ in range(REQUESTS)]
    first: dict[str, harness.Answer] = {}
    lock = threading.Lock()
    queue = list(reversed(keys))

    def client():
        while True:
            with lock:
                if not queue:
                    return
                key = queue.pop()
            answer = _post(port, world, key)
            with lock:
                first[key] = answer

    clients = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in clients:
        thread.start()

    # A gunicorn worker dies a quarter of the way in (the master replaces it), the master itself halfway.
    harness.wait_until(lambda: len(first) >= REQUESTS // 4, 120, what="a quarter of the requests")
    killed_worker = server.worker_pids()[0]
    os.kill(killed_worker, signal.SIGKILL)
    harness.wait_until(lambda: len(first) >= REQUESTS // 2, 120, what="half of the requests")
    old_workers = server.worker_pids()
    server.kill()
    killed_master_at = time.monotonic()
    # Its orphaned workers notice the master is gone and exit; then the port is free for a new server.
    harness.wait_until(
        lambda: not any(harness.pid_alive(pid) for pid in old_workers) and harness.port_free(port),
        30,
        what="the orphaned workers to exit",
    )
    orphans_gone = time.monotonic() - killed_master_at
    server = stage.track(harness.Server(env, port, stage.folder / "serve-2.log"))
    server.start().wait_ready()
    back_after = time.monotonic() - killed_master_at
    for thread in clients:
        thread.join()

    # The phones resend everything that got no 201, with the same key, until it does.
    final = {key: answer for key, answer in first.items() if answer.status == 201}
    unanswered = [key for key, answer in first.items() if answer.status is None]
    refused = Counter(answer.status for answer in first.values() if answer.status not in (None, 201))
    replayed = []

    def resend(key: str) -> None:
        for _attempt in range(10):
            answer = _post(port, world, key)
            if answer.status == 201:
                with lock:
                    final[key] = answer
                    if answer.headers.get("idempotent-replayed") == "true":
                        replayed.append(key)
                return
            time.sleep(0.2)

    queue = [key for key in keys if key not in final]
    resent = len(queue)

    def resender():
        while True:
            with lock:
                if not queue:
                    return
                key = queue.pop()
            resend(key)

    resenders = [threading.Thread(target=resender) for _ in range(CLIENTS)]
    for thread in resenders:
        thread.start()
    for thread in resenders:
        thread.join()
    assert len(final) == REQUESTS, f"{REQUESTS - len(final)} requests never got a 201"

    rows = harness.sql(
        stage.url,
        "SELECT id, findings FROM people_visit WHERE household_id = %s",
        (world["household"],),
    )
    by_key: dict[str, list[int]] = {}
    for visit_id, findings in rows:
        by_key.setdefault(findings.removeprefix("fault-test "), []).append(visit_id)
    acknowledged = {key: answer.json()["id"] for key, answer in first.items() if answer.status == 201}
    lost = [key for key, visit_id in acknowledged.items() if by_key.get(key) != [visit_id]]
    duplicates = [key for key, ids in by_key.items() if len(ids) > 1]
    stored_answers = harness.sql(stage.url, "SELECT count(*) FROM core_idempotentresponse")[0][0]
    harness.summary(
        "web killed",
        requests=REQUESTS,
        clients=CLIENTS,
        acknowledged_at_once=len(acknowledged),
        no_answer=len(unanswered),
        other_answers=dict(refused),
        resent=resent,
        replayed_on_resend=len(replayed),
        rows=len(rows),
        lost=len(lost),
        duplicates=len(duplicates),
        orphaned_workers_gone_after=f"{orphans_gone:.1f} s",
        service_back_after_master_killed=f"{back_after:.1f} s",
    )
    assert not lost, f"acknowledged but not stored as acknowledged: {lost[:5]}"
    assert not duplicates, f"stored more than once: {duplicates[:5]}"
    assert len(rows) == len(set(keys)) == REQUESTS
    assert {key: answer.json()["id"] for key, answer in final.items()} == {
        key: ids[0] for key, ids in by_key.items()
    }
    assert stored_answers == REQUESTS
