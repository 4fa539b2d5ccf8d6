"""Running attempts at the same moment, in threads, each with its own database connection."""

import threading

from django.db import close_old_connections, connection
from django.utils import translation


def _free_connections(attempts: int) -> int:
    """How many attempts may hold a database connection at once: all of them, unless the PostgreSQL server
    has fewer connections free (other clients and a margin set aside)."""
    if connection.vendor != "postgresql":
        return attempts
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('max_connections')::int"
            " - current_setting('superuser_reserved_connections')::int"
            " - (SELECT count(*) FROM pg_stat_activity)"
        )
        free = cursor.fetchone()[0]
    return max(10, min(attempts, free - 10))


def run_at_once(functions) -> list:
    """Run the functions in threads released together; each returns its result or the exception it raised."""
    barrier = threading.Barrier(len(functions))
    connections = threading.BoundedSemaphore(_free_connections(len(functions)))
    results: list = [None] * len(functions)

    def run(index, function):
        try:
            barrier.wait(timeout=30)
            with connections:
                try:
                    with translation.override("en"):
                        results[index] = function()
                finally:
                    close_old_connections()
                    connection.close()
        except Exception as error:
            results[index] = error

    threads = [threading.Thread(target=run, args=(n, f)) for n, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "an attempt did not finish"
    return results
