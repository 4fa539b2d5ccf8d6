"""`huiketing worker`: run background jobs from the database queue, and enqueue periodic jobs when due."""

import logging
import threading

from django.db import close_old_connections, connection
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from huiketing.core.periodic import periodic_enqueue_due

logger = logging.getLogger(__name__)


class Command(DatabaseWorkerCommand):
    help = "Run background jobs from the database queue, and enqueue periodic jobs when they are due."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--no-clock", action="store_true", help="do not enqueue periodic jobs")
        parser.add_argument("--clock-interval", type=float, default=30.0, help="seconds between checks")

    def handle(self, *args, no_clock: bool = False, clock_interval: float = 30.0, **options) -> None:
        stop = threading.Event()
        if not no_clock:
            periodic_enqueue_due()  # before the first batch, so `--batch` runs what is due now
            clock = threading.Thread(target=self._clock, args=(stop, clock_interval), daemon=True)
            clock.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()

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
