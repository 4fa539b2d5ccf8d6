"""The worker runs queued jobs from the database; periodic jobs are enqueued once per interval."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from huiketing.core.models import IdempotentResponse, PeriodicJob
from huiketing.core.periodic import REGISTRY, periodic_enqueue_due
from huiketing.core.tasks import idempotency_prune

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_queue(settings):
    settings.TASKS = DATABASE_QUEUE


def _response(key: str, age: timedelta) -> IdempotentResponse:
    row = IdempotentResponse.objects.create(key=key, method="POST", path="/api/v1/x/", request_hash="0" * 64)
    IdempotentResponse.objects.filter(pk=row.pk).update(created_at=timezone.now() - age)
    return row


def test_the_prune_job_is_registered_as_periodic():
    assert REGISTRY[idempotency_prune.module_path].every == timedelta(hours=1)


# The worker checks its connection between jobs, as a long-running process must; inside a test's wrapping
# transaction that check closes the connection, so the tests that run the worker commit for real.
@pytest.mark.django_db(transaction=True)
def test_worker_runs_a_queued_job_from_the_database(database_queue, audit_log_flushable):
    _response("old", timedelta(days=2))
    fresh = _response("fresh", timedelta(minutes=5))
    result = idempotency_prune.enqueue()
    assert DBTaskResult.objects.filter(id=result.id, status="READY").exists()
    assert IdempotentResponse.objects.count() == 2  # nothing ran yet: the job waits for a worker

    call_command("worker", "--batch", "--no-startup-delay", "--no-clock", verbosity=0)

    stored = DBTaskResult.objects.get(id=result.id)
    assert stored.status == "SUCCESSFUL"
    assert stored.return_value == 1
    assert list(IdempotentResponse.objects.values_list("pk", flat=True)) == [fresh.pk]


@pytest.mark.django_db
def test_periodic_jobs_are_enqueued_once_per_interval(database_queue):
    now = timezone.now()
    assert idempotency_prune.module_path in periodic_enqueue_due(now=now)
    # Jobs with shorter intervals (notification retries, deadlines) may be due; this one is not.
    assert idempotency_prune.module_path not in periodic_enqueue_due(now=now + timedelta(minutes=59))
    assert DBTaskResult.objects.filter(task_path=idempotency_prune.module_path).count() == 1
    assert idempotency_prune.module_path in periodic_enqueue_due(now=now + timedelta(hours=1))
    assert DBTaskResult.objects.filter(task_path=idempotency_prune.module_path).count() == 2
    job = PeriodicJob.objects.get(name=idempotency_prune.module_path)
    assert job.next_run_at == now + timedelta(hours=2)


@pytest.mark.django_db(transaction=True)
def test_worker_enqueues_due_periodic_jobs_and_runs_them(database_queue, audit_log_flushable):
    _response("old", timedelta(days=3))
    call_command("worker", "--batch", "--no-startup-delay", verbosity=0)
    assert IdempotentResponse.objects.count() == 0
    assert DBTaskResult.objects.get(task_path=idempotency_prune.module_path).status == "SUCCESSFUL"
