"""Fault tests: real `huiketing serve` and `huiketing worker` processes are killed, and a PostgreSQL server is
restarted, in the middle of real work; then what was kept is counted with SQL.

Every test here is marked `faults`: `make test` leaves them out, `make faults` runs them (without xdist: they
start processes and time them). They run on a private PostgreSQL cluster made with initdb in a temporary
directory, so that restarting it disturbs nobody; without initdb, the web and worker tests fall back to
scratch databases on the shared server (127.0.0.1:5432) and the restart test is skipped.
"""

import os
import uuid
from pathlib import Path

import psycopg
import pytest

from tests.faults import harness

HERE = Path(__file__).parent
SHARED_SERVER = os.environ.get("HUIKETING_FAULTS_SHARED_PG", "postgres://postgres@127.0.0.1:5432/postgres")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Mark every test in this folder `faults` before `-m` deselects, so a new module cannot forget it."""
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.faults)


@pytest.fixture(scope="session")
def cluster():
    """The private PostgreSQL cluster, or None when the server binaries are not installed."""
    bindir = harness.pg_bindir()
    if bindir is None:
        yield None
        return
    private = harness.Cluster(bindir).init()
    try:
        yield private
    finally:
        private.destroy()


class Databases:
    """Where the tests' databases live: the private cluster, or else the shared server."""

    def __init__(self, cluster: harness.Cluster | None):
        self.cluster = cluster
        self.admin_url = cluster.url("postgres") if cluster else SHARED_SERVER
        self.created: list[str] = []

    def url(self, name: str) -> str:
        return self.admin_url.rsplit("/", 1)[0] + "/" + name

    def create(self, name: str, template: str | None = None) -> str:
        with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        self.created.append(name)
        return self.url(name)

    def drop_all(self) -> None:
        with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=5) as connection:
            for name in reversed(self.created):
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def databases(cluster):
    where = Databases(cluster)
    try:
        with psycopg.connect(where.admin_url, autocommit=True, connect_timeout=5):
            pass
    except psycopg.OperationalError as error:
        pytest.skip(f"no PostgreSQL server to run the fault tests on: {error}")
    try:
        yield where
    finally:
        where.drop_all()


@pytest.fixture(scope="session")
def session_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("faults")


@pytest.fixture(scope="session")
def template_database(databases, session_dir) -> str:
    """A migrated database each test copies (CREATE DATABASE … TEMPLATE is much faster than migrating)."""
    name = f"huiketing_faults_{uuid.uuid4().hex[:8]}"
    url = databases.create(name)
    env = harness.environment(url, session_dir / "template-data", session_dir / "static")
    harness.manage(env, "migrate", "--noinput", "--verbosity", "0")
    # The processes under test serve pages without DEBUG: they need the collected, hashed static files.
    harness.collect_static(env)
    return name


@pytest.fixture
def stage(databases, template_database, session_dir, request):
    """A fresh database copied from the template, a data directory, and the environment to run against it."""
    label = request.node.name.replace("test_", "")[:30]
    name = f"{template_database}_{uuid.uuid4().hex[:6]}"
    url = databases.create(name, template=template_database)
    folder = session_dir / label
    folder.mkdir()
    return Stage(url=url, folder=folder, static=session_dir / "static")


class Stage:
    def __init__(self, url: str, folder: Path, static: Path):
        self.url, self.folder, self.static = url, folder, static
        self.processes: list[harness.Process] = []

    def env(self, **extra: str) -> dict[str, str]:
        return harness.environment(self.url, self.folder / "data", self.static, **extra)

    def track(self, process: harness.Process) -> harness.Process:
        self.processes.append(process)
        return process


@pytest.fixture(autouse=True)
def _stop_processes(request):
    """Whatever a test started is stopped when it ends, even when it fails."""
    yield
    stage = request.node.funcargs.get("stage")
    if stage is not None:
        for process in stage.processes:
            process.terminate(timeout=5)
