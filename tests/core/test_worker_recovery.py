"""Worker liveness (core.liveness): heartbeats, and jobs a dead worker left RUNNING put back in the queue."""

import threading
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks.signals import task_started
from django_tasks_db.models import DBTaskResult

from huiketing.core import liveness
from huiketing.core.management.commands.worker import Command as WorkerCommand
from huiketing.core.models import AuditEntry, WorkerHeartbeat
from huiketing.core.tasks import idempotency_prune

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
STALE = timedelta(seconds=60)


@pytest.fixture
def database_queue(settings):
    settings.TASKS = DATABASE_QUEUE
    settings.HUIKETING_WORKER_STALE_SECONDS = STALE.total_seconds()


def _running(worker_ids: list[str], started_ago: timedelta) -> DBTaskResult:
    """A job claimed by the last of `worker_ids` (the earlier ones died running it) `started_ago`."""
    job = DBTaskResult.objects.get(id=idempotency_prune.enqueue().id)
    DBTaskResult.objects.filter(pk=job.pk).update(
        status="RUNNING", worker_ids=worker_ids, started_at=timezone.now() - started_ago
    )
    job.refresh_from_db()
    return job


def _heartbeat(worker_id: str, seen_ago: timedelta) -> WorkerHeartbeat:
    now = timezone.now()
    started_at, last_seen = now - timedelta(hours=1), now - seen_ago
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id, host="host-a", pid=4242, started_at=started_at, last_seen=last_seen
    )


def _status(job: DBTaskResult) -> str:
    job.refresh_from_db()
    return job.status


@pytest.mark.django_db
def test_a_job_left_running_by_a_dead_worker_goes_back_to_the_queue(database_queue):
    _heartbeat("dead", seen_ago=timedelta(minutes=5))
    job = _running(["dead"], started_ago=timedelta(minutes=6))

    recovery = liveness.worker_tasks_recover()

    assert recovery.requeued == [str(job.pk)]
    assert _status(job) == "READY"
    assert job.worker_ids == ["dead"]  # the history stays; the next claim appends its worker
    assert job.pk in DBTaskResult.objects.ready().values_list("pk", flat=True)
    entry = AuditEntry.objects.get(action="core.worker.job_requeued")
    assert (entry.actor, entry.object_id) == (None, str(job.pk))
    assert entry.changes["status"] == ["RUNNING", "READY"]
    assert "dead" in entry.reason and "host-a" in entry.reason and "4242" in entry.reason
    assert not WorkerHeartbeat.objects.filter(worker_id="dead").exists()  # forgotten
    # A second pass finds nothing more to do.
    assert liveness.worker_tasks_recover().requeued == []
    assert AuditEntry.objects.filter(action="core.worker.job_requeued").count() == 1


@pytest.mark.django_db
def test_the_jobs_of_a_live_worker_are_left_alone(database_queue):
    _heartbeat("alive", seen_ago=timedelta(seconds=3))
    job = _running(["alive"], started_ago=timedelta(hours=2))  # a long job is not a dead worker
    assert liveness.worker_tasks_recover().requeued == []
    assert _status(job) == "RUNNING"
    assert WorkerHeartbeat.objects.filter(worker_id="alive").exists()
    assert not AuditEntry.objects.filter(action__startswith="core.worker.").exists()


@pytest.mark.django_db
def test_a_job_without_heartbeat_is_taken_back_only_once_it_is_older_than_the_threshold(database_queue):
    """A worker that never recorded a heartbeat (started without them) keeps a job it has just claimed."""
    job = _running(["no-heartbeat"], started_ago=timedelta(seconds=10))
    assert liveness.worker_tasks_recover().requeued == []
    assert _status(job) == "RUNNING"
    later = timezone.now() + STALE
    assert liveness.worker_tasks_recover(now=later).requeued == [str(job.pk)]
    assert _status(job) == "READY"


@pytest.mark.django_db
def test_the_threshold_comes_from_the_setting(database_queue, settings):
    _heartbeat("quiet", seen_ago=timedelta(seconds=20))
    job = _running(["quiet"], started_ago=timedelta(seconds=30))
    assert liveness.worker_tasks_recover().requeued == []  # 20 s of silence is within 60 s
    settings.HUIKETING_WORKER_STALE_SECONDS = 15
    assert liveness.worker_tasks_recover().requeued == [str(job.pk)]


@pytest.mark.django_db
def test_a_job_whose_workers_keep_dying_is_failed_instead(database_queue, settings):
    settings.HUIKETING_WORKER_MAX_ATTEMPTS = 3
    job = _running(["w1", "w2", "w3"], started_ago=timedelta(minutes=10))
    recovery = liveness.worker_tasks_recover()
    assert (recovery.requeued, recovery.failed) == ([], [str(job.pk)])
    job.refresh_from_db()
    assert job.status == "FAILED"
    assert job.exception_class_path == "huiketing.core.liveness.WorkerLost"
    assert "3 times" in job.traceback
    assert job.finished_at is not None
    assert AuditEntry.objects.get(action="core.worker.job_failed").changes["status"] == ["RUNNING", "FAILED"]


@pytest.mark.django_db
def test_a_worker_that_lost_its_database_gives_back_only_its_own_running_job(database_queue):
    _heartbeat("me", seen_ago=timedelta(seconds=1))
    _heartbeat("other", seen_ago=timedelta(seconds=1))
    mine = _running(["me"], started_ago=timedelta(seconds=5))
    theirs = _running(["other"], started_ago=timedelta(seconds=5))
    earlier = _running(["me", "other"], started_ago=timedelta(seconds=5))  # now run by "other"

    assert liveness.worker_tasks_release(worker_id="me").requeued == [str(mine.pk)]
    assert (_status(mine), _status(theirs), _status(earlier)) == ("READY", "RUNNING", "RUNNING")
    entry = AuditEntry.objects.get(action="core.worker.job_requeued")
    assert entry.object_id == str(mine.pk) and "lost its database connection" in entry.reason
    assert WorkerHeartbeat.objects.filter(worker_id="me").exists()  # it lives on


# The worker's own connection checks close the test's connection inside a wrapping transaction, so these
# tests commit for real (as tests/core/test_worker.py does).
@pytest.mark.django_db(transaction=True)
def test_a_starting_worker_recovers_and_runs_what_a_dead_worker_left(database_queue, audit_log_flushable):
    _heartbeat("dead", seen_ago=timedelta(minutes=5))
    job = _running(["dead"], started_ago=timedelta(minutes=6))
    seen_while_running = []

    def record(sender, task_result, **kwargs):
        seen_while_running.append(list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)))

    task_started.connect(record)
    try:
        call_command("worker", "--batch", "--no-startup-delay", "--no-clock", worker_id="w-new", verbosity=0)
    finally:
        task_started.disconnect(record)

    job.refresh_from_db()
    assert job.status == "SUCCESSFUL"
    assert job.worker_ids == ["dead", "w-new"]
    assert seen_while_running == [["w-new"]]  # its own heartbeat; the dead worker forgotten
    assert not WorkerHeartbeat.objects.exists()  # a graceful stop removes the heartbeat
    assert AuditEntry.objects.filter(action="core.worker.job_requeued", object_id=str(job.pk)).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_thread_keeps_the_worker_seen(database_queue, settings, audit_log_flushable):
    settings.HUIKETING_WORKER_HEARTBEAT_SECONDS = 0.05
    started = timezone.now() - timedelta(minutes=1)
    liveness.worker_heartbeat_record(worker_id="beating", started_at=started, now=started)
    stop = threading.Event()
    thread = threading.Thread(target=WorkerCommand._heartbeat, args=(stop, "beating", started))
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while WorkerHeartbeat.objects.get(worker_id="beating").last_seen == started:
            assert time.monotonic() < deadline, "the heartbeat thread never beat"
            time.sleep(0.02)
    finally:
        stop.set()
        thread.join()
    beat = WorkerHeartbeat.objects.get(worker_id="beating")
    assert beat.last_seen > started and beat.started_at == started
