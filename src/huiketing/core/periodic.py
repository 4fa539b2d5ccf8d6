"""Periodic background jobs: a registry of tasks with an interval, enqueued by `huiketing worker` when due."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from huiketing.core.models import PeriodicJob

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    name: str
    task: object  # a django_tasks Task
    every: timedelta


REGISTRY: dict[str, Periodic] = {}


def periodic(*, every: timedelta):
    """Register a task (decorated with django_tasks' @task) to run every `every`."""

    def register(task):
        name = f"{task.module_path}"
        REGISTRY[name] = Periodic(name=name, task=task, every=every)
        return task

    return register


def periodic_enqueue_due(*, now=None) -> list[str]:
    """Enqueue every registered job that is due; return their names.

    The claim (moving next_run_at forward) and the enqueue share one transaction: if enqueueing fails, the
    claim is rolled back and the next tick tries again, so no run is lost and none is enqueued twice.
    """
    now = now or timezone.now()
    enqueued = []
    for job in REGISTRY.values():
        PeriodicJob.objects.get_or_create(name=job.name, defaults={"next_run_at": now})
        with transaction.atomic():
            claimed = PeriodicJob.objects.filter(name=job.name, next_run_at__lte=now).update(
                next_run_at=now + job.every, last_enqueued_at=now
            )
            if claimed:
                job.task.enqueue()
                enqueued.append(job.name)
    if enqueued:
        logger.info("Enqueued periodic jobs: %s", ", ".join(enqueued))
    return enqueued
