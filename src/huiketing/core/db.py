"""Database helpers shared by the services that write under concurrent requests."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

_SQLITE_WRITER = threading.Lock()


@contextmanager
def writer_turn() -> Iterator[None]:
    """Take this process's turn to write on SQLite.

    SQLite admits one writer at a time. On a database file its busy timeout makes a second writer wait; a
    shared-cache in-memory database (the test suite's) answers "table is locked" at once instead. Threads of
    one process therefore wait for each other here, which serialises nothing SQLite would not serialise
    anyway. PostgreSQL needs no turn: its row locks and unique indexes do the work. Inside an enclosing
    transaction the database's write lock is already held (transactions begin IMMEDIATE), so no turn is
    taken."""
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with _SQLITE_WRITER:
            yield
    else:
        yield
