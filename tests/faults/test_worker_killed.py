"""Killing the worker in the middle of a job loses no job and applies none twice.

Several registry imports wait in the queue (each writes its residents and its own DONE state in one
transaction). A worker is killed with SIGKILL while an import runs: its transaction dies with it, and the job
stays RUNNING. A new worker, started with a short stale threshold, finds the dead worker's heartbeat too old,
puts the job back in the queue and runs it. Every job must end SUCCESSFUL, and every import be applied once.
"""

from collections import Counter
from datetime import UTC, datetime

from tests.faults import harness

IMPORTS = 3
ROWS = 2000
STALE_SECONDS = 4
COMMIT = "huiketing.people.tasks.registry_import_commit_task"


def _worker(stage, env, worker_id: str) -> harness.Process:
    args = ["worker", "--no-clock", "--no-startup-delay", "--interval", "0.2", "--worker-id", worker_id]
    return stage.track(harness.Process(env, args, stage.folder / f"{worker_id}.log")).start()


def test_killing_the_worker_mid_job_loses_no_job_and_applies_none_twice(stage):
    env = stage.env(HUIKETING_WORKER_HEARTBEAT_SECONDS="1", HUIKETING_WORKER_STALE_SECONDS=str(STALE_SECONDS))
    world = harness.world(env, "imports", str(IMPORTS), str(ROWS))
    tasks = harness.sql(stage.url, "SELECT task_path FROM django_tasks_database_dbtaskresult")
    assert sorted(path for (path,) in tasks).count(COMMIT) == IMPORTS

    first = _worker(stage, env, "faults-worker-1")
    # An import that has been running for a moment: its transaction is open and half written.
    running = harness.wait_until(
        lambda: harness.sql(
            stage.url,
            "SELECT id::text, (args_kwargs->'args'->>0)::int FROM django_tasks_database_dbtaskresult "
            "WHERE status = 'RUNNING' AND task_path = %s AND started_at < now() - interval '0.5 seconds'",
            (COMMIT,),
        ),
        180,
        interval=0.05,
        what="an import job running",
    )
    first.kill()
    killed_at = datetime.now(UTC)
    killed_task, killed_import = running[0]
    kept = harness.sql(
        stage.url, "SELECT status FROM django_tasks_database_dbtaskresult WHERE id::text = %s", (killed_task,)
    )
    assert kept == [("RUNNING",)]  # lost, without recovery
    job = harness.sql(stage.url, "SELECT status FROM people_registryimport WHERE id = %s", (killed_import,))
    assert job == [("importing",)]
    done_before = harness.sql(stage.url, "SELECT count(*) FROM people_registryimport WHERE status = 'done'")
    residents_before = harness.sql(stage.url, "SELECT count(*) FROM people_resident")
    assert residents_before[0][0] == done_before[0][0] * ROWS  # nothing of the killed import was kept

    second = _worker(stage, env, "faults-worker-2")
    harness.wait_until(
        lambda: (
            not harness.sql(
                stage.url,
                "SELECT 1 FROM django_tasks_database_dbtaskresult WHERE status IN ('READY', 'RUNNING')",
            )
        ),
        180,
        interval=0.1,
        what="every job to finish",
    )
    assert second.terminate() == 0  # a graceful stop

    tasks = harness.sql(
        stage.url,
        "SELECT id::text, task_path, status, worker_ids, finished_at FROM django_tasks_database_dbtaskresult",
    )
    statuses = {status for _id, _path, status, _workers, _finished in tasks}
    workers = {task_id: worker_ids for task_id, _path, _status, worker_ids, _finished in tasks}
    imports = harness.sql(stage.url, "SELECT id, status, residents_new FROM people_registryimport")
    residents, distinct = harness.sql(
        stage.url, "SELECT count(*), count(DISTINCT id_number_hash) FROM people_resident"
    )[0]
    applied = harness.sql(
        stage.url,
        "SELECT object_id, count(*) FROM core_auditentry WHERE action = 'people.registry.import' GROUP BY 1",
    )
    requeued = harness.sql(
        stage.url, "SELECT object_id, at FROM core_auditentry WHERE action = 'core.worker.job_requeued'"
    )
    finished = {task_id: done for task_id, _path, _status, _workers, done in tasks}
    heartbeats = harness.sql(stage.url, "SELECT worker_id FROM core_workerheartbeat")
    recovery = (requeued[0][1] - killed_at).total_seconds() if requeued else None
    harness.summary(
        "worker killed",
        jobs=len(tasks),
        imports=f"{IMPORTS} × {ROWS} residents",
        killed_job=f"{killed_task[:8]} (import {killed_import})",
        job_requeued_after_kill=f"{recovery:.1f} s" if recovery is not None else "never",
        killed_job_done_after_kill=f"{(finished[killed_task] - killed_at).total_seconds():.1f} s",
        statuses=sorted(statuses),
        residents=residents,
        lost=IMPORTS * ROWS - distinct,
        duplicates=residents - distinct,
        imports_applied=dict(Counter(count for _id, count in applied)),
    )
    assert statuses == {"SUCCESSFUL"}
    assert workers[killed_task] == ["faults-worker-1", "faults-worker-2"]
    assert all(len(ids) == 1 for task_id, ids in workers.items() if task_id != killed_task)
    assert [row[1:] for row in imports] == [("done", ROWS)] * IMPORTS
    assert sorted(row[0] for row in imports) == sorted(world["imports"])
    assert (residents, distinct) == (IMPORTS * ROWS, IMPORTS * ROWS)
    assert sorted(applied) == sorted((str(pk), 1) for pk in world["imports"])
    assert [object_id for object_id, _at in requeued] == [killed_task]
    assert recovery is not None
    assert heartbeats == []  # the second stopped gracefully; the first was forgotten once found dead
