"""`huiketing worker`: run background jobs from the database queue, and enqueue periodic jobs when due.

Besides db_worker's loop, two threads: the clock enqueues periodic jobs (core.periodic), and the heartbeat
records that this worker is alive and puts back in the queue the jobs of workers that died (core.liveness).
When the database goes away (a restart, a failover) the worker waits for it instead of exiting, then puts back
in the queue the job it was running, if any.
"""

import logging
import threading
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from huiketing.core import liveness
from huiketing.core.periodic import periodic_enqueue_due

logger = logging.getLogger(__name__)

DATABASE_GONE = (OperationalError, InterfaceError)


class Command(DatabaseWorkerCommand):
    help = "Run background jobs from the database queue, and enqueue periodic jobs when they are due."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--no-clock", action="store_true", help="do not enqueue periodic jobs")
        parser.add_argument("--clock-interval", type=float, default=30.0, help="seconds between checks")

    def handle(self, *args, no_clock: bool = False, clock_interval: float = 30.0, **options) -> None:
        worker_id = options["worker_id"]
        started_at = timezone.now()
        stop = threading.Event()
        # Before the first job: this worker is alive, and what dead workers left RUNNING is queued again.
        liveness.worker_heartbeat_record(worker_id=worker_id, started_at=started_at)
        liveness.worker_tasks_recover()
        heartbeat = threading.Thread(
            target=self._heartbeat, args=(stop, worker_id, started_at), name="heartbeat", daemon=True
        )
        heartbeat.start()
        if not no_clock:
            periodic_enqueue_due()  # before the first batch, so `--batch` runs what is due now
            clock = threading.Thread(target=self._clock, args=(stop, clock_interval), daemon=True)
            clock.start()
        try:
            while True:
                try:
                    super().handle(*args, **options)
                    return
                except DATABASE_GONE:
                    if options.get("batch"):
                        raise
                    # db_worker's loop stops on any database error but a lock. The database is restarting or
                    # failing over: wait for it, give back the job that was cut short, and go on.
                    logger.warning("Worker %s lost the database; waiting for it", worker_id, exc_info=True)
                    self._wait_for_database()
                    liveness.worker_tasks_release(worker_id=worker_id)
        finally:
            stop.set()
            heartbeat.join(timeout=settings.HUIKETING_WORKER_HEARTBEAT_SECONDS + 5)
            try:
                liveness.worker_heartbeat_remove(worker_id=worker_id)
            except Exception:  # the row then goes stale, and the next recovery forgets it
                logger.exception("Could not remove the heartbeat of worker %s", worker_id)

    @staticmethod
    def _wait_for_database() -> None:
        while True:
            connection.close()
            try:
                connection.ensure_connection()
            except DATABASE_GONE:
                time.sleep(1)
            else:
                logger.info("The database answers again")
                return

    @staticmethod
    def _heartbeat(stop: threading.Event, worker_id: str, started_at) -> None:
        interval = settings.HUIKETING_WORKER_HEARTBEAT_SECONDS
        # Recovery reads every RUNNING job: twice per stale period is soon enough, and never more than a beat.
        recover_every = max(interval, settings.HUIKETING_WORKER_STALE_SECONDS / 2)
        last_recovery = time.monotonic()
        try:
            while not stop.wait(interval):
                try:
                    close_old_connections()
                    liveness.worker_heartbeat_record(worker_id=worker_id, started_at=started_at)
                    if time.monotonic() - last_recovery >= recover_every:
                        last_recovery = time.monotonic()
                        liveness.worker_tasks_recover()
                except Exception as error:  # a database that is restarting must not stop the heartbeat
                    logger.warning("Could not record the heartbeat of worker %s: %s", worker_id, error)
                    connection.close()
        finally:
            connection.close()

    @staticmethod
    def _clock(stop: threading.Event, interval: float) -> None:
        while not stop.wait(interval):
            try:
                close_old_connections()
                periodic_enqueue_due()
            except Exception:  # a database that is restarting must not kill the clock
                logger.exception("Could not enqueue periodic jobs")
            finally:
                connection.close()
