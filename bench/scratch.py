"""Scratch PostgreSQL databases for the benchmarks: created for one run, dropped after it.

The server is BENCH_PG (default postgres://postgres@127.0.0.1:5432, the local PostgreSQL with trust auth).
"""

import os
import re
from contextlib import contextmanager

import psycopg
from psycopg import sql

SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def database_url(name: str) -> str:
    return f"{SERVER}/{name}"


def _admin():
    return psycopg.connect(f"{SERVER}/postgres", autocommit=True)


def create(name: str) -> str:
    """Create the database `name` (dropping a leftover of an interrupted run first); returns its URL."""
    if not NAME.match(name):
        raise ValueError(f"not a scratch database name: {name!r}")
    with _admin() as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return database_url(name)


def drop(name: str) -> None:
    if not NAME.match(name):
        raise ValueError(f"not a scratch database name: {name!r}")
    with _admin() as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextmanager
def scratch_database(name: str, *, keep: bool = False):
    """A fresh database for the block; dropped afterwards unless `keep`."""
    url = create(name)
    try:
        yield url
    finally:
        if not keep:
            drop(name)
