"""Worker liveness: heartbeats of running workers, and the recovery of jobs whose worker died.

django_tasks_db claims a job by marking it RUNNING; only the worker that claimed it ever moves it on. If that
worker dies (SIGKILL, out of memory, a machine restart) the job would stay RUNNING for ever. So every
`huiketing worker` records a heartbeat (core.models.WorkerHeartbeat) every HUIKETING_WORKER_HEARTBEAT_SECONDS
and removes it when it stops gracefully; at start and then periodically, each worker puts the RUNNING jobs of
workers not seen for HUIKETING_WORKER_STALE_SECONDS back to READY, where any worker claims them again.

A worker that loses its database in the middle of a job (a restart, a failover) lives on: it waits for the
database and puts that job back in the queue itself (`worker_tasks_release`).

A requeued job runs again from its start, so every job must be safe to re-run: it either finished its effect
in one transaction together with its own "done" state (and then refuses to run again), or it had not finished
and nothing of it was kept. A job whose worker died HUIKETING_WORKER_MAX_ATTEMPTS times is marked FAILED
instead: it may well be what kills the worker.
"""

import logging
import os
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from huiketing.core.audit import audit_record
from huiketing.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


class WorkerLost(Exception):
    """Recorded as the error of a job failed because its worker died too many times while running it."""


def stale_after() -> timedelta:
    return timedelta(seconds=settings.HUIKETING_WORKER_STALE_SECONDS)


def worker_heartbeat_record(*, worker_id: str, started_at: datetime, now: datetime | None = None) -> None:
    """Record that this worker process is alive (one UPDATE; an INSERT the first time).

    Not audited: it is bookkeeping written every few seconds. What recovery does with it is audited.
    """
    now = now or timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(last_seen=now)
    if not updated:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=worker_id,
            defaults={
                "host": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": started_at,
                "last_seen": now,
            },
        )


def worker_heartbeat_remove(*, worker_id: str) -> None:
    """Forget a worker that stopped gracefully (it left no job RUNNING)."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


@dataclass
class Recovery:
    requeued: list[str] = field(default_factory=list)  # ids of jobs put back to READY
    failed: list[str] = field(default_factory=list)  # ids of jobs marked FAILED (too many lost workers)
    forgotten_workers: list[str] = field(default_factory=list)


def _job_take_back(job: DBTaskResult, *, why: str, now: datetime, result: Recovery) -> None:
    """Put a RUNNING job back to READY (or FAILED after too many attempts), audited, if nobody moved it since.

    The move is one conditional UPDATE on (status RUNNING, the same start time): several workers recovering at
    once, or a late answer of the worker thought dead, never move a job twice.
    """
    give_up = len(job.worker_ids) >= settings.HUIKETING_WORKER_MAX_ATTEMPTS
    with transaction.atomic():
        claimed = DBTaskResult.objects.filter(
            pk=job.pk, status=TaskResultStatus.RUNNING, started_at=job.started_at
        )
        if give_up:
            new_status = TaskResultStatus.FAILED
            moved = claimed.update(
                status=new_status,
                finished_at=now,
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=f"{WorkerLost.__qualname__}: a worker stopped while running this job "
                f"{len(job.worker_ids)} times; last: {why}\n",
                return_value=None,
            )
        else:
            new_status = TaskResultStatus.READY
            moved = claimed.update(status=new_status)
        if not moved:
            return  # another worker took it back, or it finished after all
        audit_record(
            actor=None,
            action="core.worker.job_failed" if give_up else "core.worker.job_requeued",
            obj=job,
            changes={
                "status": [TaskResultStatus.RUNNING.value, new_status.value],
                "task": [None, job.task_path],
            },
            reason=why,
        )
    if give_up:
        result.failed.append(str(job.pk))
        logger.error("Job %s (%s) failed: %s; %d attempts", job.pk, job.task_path, why, len(job.worker_ids))
    else:
        result.requeued.append(str(job.pk))
        logger.warning("Job %s (%s) put back in the queue: %s", job.pk, job.task_path, why)


def worker_tasks_recover(*, now: datetime | None = None, stale: timedelta | None = None) -> Recovery:
    """Put the RUNNING jobs of workers not seen for `stale` back to READY; forget those workers.

    A job is taken back only if its worker's heartbeat is older than `stale` (or missing) and the job itself
    started longer than `stale` ago, so that a worker started without heartbeats never loses a job it has just
    claimed.
    """
    now = now or timezone.now()
    cutoff = now - (stale if stale is not None else stale_after())
    heartbeats = {beat.worker_id: beat for beat in WorkerHeartbeat.objects.all()}
    alive = {worker_id for worker_id, beat in heartbeats.items() if beat.last_seen >= cutoff}
    result = Recovery()
    candidates = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).filter(
        Q(started_at__lt=cutoff) | Q(started_at__isnull=True)
    )
    for job in candidates:
        worker_id = job.worker_ids[-1] if job.worker_ids else ""
        if worker_id in alive:
            continue
        beat = heartbeats.get(worker_id)
        why = f"worker {worker_id or '?'} " + (
            f"on {beat.host} (pid {beat.pid}) last seen {beat.last_seen.isoformat(timespec='seconds')}"
            if beat
            else "not seen (no heartbeat)"
        )
        _job_take_back(job, why=why, now=now, result=result)
    gone = [worker_id for worker_id, beat in heartbeats.items() if beat.last_seen < cutoff]
    if gone:
        WorkerHeartbeat.objects.filter(worker_id__in=gone, last_seen__lt=cutoff).delete()
        result.forgotten_workers = gone
        logger.warning("Forgot workers not seen since %s: %s", cutoff.isoformat(timespec="seconds"), gone)
    return result


def worker_tasks_release(*, worker_id: str, now: datetime | None = None) -> Recovery:
    """Put back in the queue the jobs this worker left RUNNING when it lost its database mid-job.

    The worker lives on (its heartbeat stays fresh), so recovery by others would never take them back; it
    releases them itself once the database answers again, before it claims anything new.
    """
    now = now or timezone.now()
    result = Recovery()
    for job in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING):
        if job.worker_ids and job.worker_ids[-1] == worker_id:
            why = f"worker {worker_id} lost its database connection while running it"
            _job_take_back(job, why=why, now=now, result=result)
    return result
