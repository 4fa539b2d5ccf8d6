"""What the fault tests drive: real `huiketing serve` and `huiketing worker` processes, a private PostgreSQL
cluster, plain HTTP, and SQL straight on the database to count what was kept.

Nothing here imports Django: the processes under test configure themselves from their environment, and the
test process only watches them from outside.
"""

import contextlib
import glob
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parents[2]
HUIKETING = str(Path(sys.executable).with_name("huiketing"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_free(port: int) -> bool:
    """Nothing listens on 127.0.0.1:port any more (a server binding it now would succeed)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A child that died but was not reaped yet is a zombie: dead for our purpose.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return False


def children(pid: int) -> list[int]:
    try:
        return [int(part) for part in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def summary(title: str, **figures) -> None:
    """One line per test for the log of `make faults` (the figures go into docs/benchmarks.md)."""
    text = "; ".join(f"{name.replace('_', ' ')} {value}" for name, value in figures.items())
    print(f"\n{title}: {text}")  # noqa: T201


def wait_until(predicate, timeout: float, interval: float = 0.05, what: str = "a condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


# --- HTTP ---------------------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int | None  # None: no answer (refused, reset, timed out)
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    error: str = ""
    started: float = 0.0
    seconds: float = 0.0

    @property
    def ended(self) -> float:
        return self.started + self.seconds

    def json(self):
        return json.loads(self.body)


def request(port: int, method: str, path: str, *, body=None, headers=None, timeout: float = 15.0) -> Answer:
    """One request on a new connection, as a phone on a poor network makes them."""
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        all_headers = (
            {"Content-Type": "application/json", **(headers or {})} if payload else dict(headers or {})
        )
        connection.request(method, path, body=payload, headers=all_headers)
        response = connection.getresponse()
        return Answer(
            status=response.status,
            headers={key.lower(): value for key, value in response.getheaders()},
            body=response.read(),
            started=started,
            seconds=time.monotonic() - started,
        )
    except (OSError, http.client.HTTPException) as error:
        return Answer(
            status=None, error=type(error).__name__, started=started, seconds=time.monotonic() - started
        )
    finally:
        connection.close()


# --- PostgreSQL ---------------------------------------------------------------------------------------------


def pg_bindir() -> Path | None:
    """The newest PostgreSQL server binaries installed (Debian keeps them out of PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class Cluster:
    """A PostgreSQL server of our own: initdb into a temporary directory, a free port, trust authentication.

    Restarting it disturbs nobody else (the shared server on 5432 serves other suites)."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="huiketing-faults-pg-"))
        self.data = self.root / "data"
        self.sockets = self.root / "sockets"
        self.log = self.root / "postgresql.log"
        self.port = free_port()
        # Given to every start and restart. No fsync: the tests stop the server cleanly (a fast shutdown
        # writes everything), they never crash the machine.
        self.options = (
            f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off -c max_connections=60"
        )
        # initdb and postgres refuse to run as root.
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str, timeout: float = 120) -> None:
        subprocess.run([*self.as_owner, *args], check=True, timeout=timeout, capture_output=True)

    def init(self) -> "Cluster":
        self.sockets.mkdir(parents=True)
        if self.as_owner:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.sockets, "postgres")
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )
        self.start()
        return self

    def start(self) -> None:
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            self.options,
            "-w",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self, mode: str = "fast") -> None:
        # With its log file named, as for start: otherwise the server would write to (and hold) our pipe.
        self._run(
            str(self.bindir / "pg_ctl"),
            *("-D", str(self.data), "-l", str(self.log), "-m", mode, "-o", self.options, "-w", "restart"),
        )

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def sql(url: str, query: str, params=()) -> list[tuple]:
    with psycopg.connect(url, autocommit=True, connect_timeout=5) as connection:
        rows = connection.execute(query, params)
        return rows.fetchall() if rows.description else []


# --- The processes under test -------------------------------------------------------------------------------


def environment(database_url: str, data_dir: Path, static_root: Path, **extra: str) -> dict[str, str]:
    """A production-like environment (DEBUG off, no test settings) for a process under test."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("HUIKETING_") and key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DATABASE_URL=database_url,
        HUIKETING_DATA_DIR=str(data_dir),
        HUIKETING_STATIC_ROOT=str(static_root),
        HUIKETING_SECRET_KEY="faults-secret-key-for-tests-only-0123456789abcdefghijklmnop",
        HUIKETING_FIELD_KEYS="faults-field-key-0123456789abcdef0123456789abcdef",
        HUIKETING_HTTPS="0",
        HUIKETING_REQUIRE_OTP="0",
        # The load is one account hammering one endpoint: the per-account limit is not what is tested here.
        HUIKETING_RATE_USER="1000000/minute",
        HUIKETING_RATE_ANON="1000000/minute",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    result = subprocess.run(
        [HUIKETING, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode:
        raise AssertionError(
            f"huiketing {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result.stdout


def collect_static(env: dict[str, str]) -> None:
    """Collect and hash the static files once, uncompressed (tests/faults/static_settings.py)."""
    result = subprocess.run(
        [sys.executable, "-m", "django", "collectstatic", "--noinput", "--verbosity", "0"],
        env={**env, "DJANGO_SETTINGS_MODULE": "tests.faults.static_settings"},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode:
        raise AssertionError(f"collectstatic failed:\n{result.stderr[-3000:]}")


def world(env: dict[str, str], *args: str) -> dict:
    """Run tests/faults/world.py (through the project's own services) and return what it printed."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.faults.world", *args],
        env={**env, "DJANGO_SETTINGS_MODULE": "huiketing.settings"},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode:
        raise AssertionError(
            f"world {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return json.loads(result.stdout.strip().splitlines()[-1])


class Process:
    """A `huiketing` command run in its own session, its output in a log file."""

    def __init__(self, env: dict[str, str], args: list[str], log: Path):
        self.env, self.args, self.log_path = env, args, log
        self.process: subprocess.Popen | None = None

    def start(self) -> "Process":
        log = self.log_path.open("a")
        self.process = subprocess.Popen(
            [HUIKETING, *self.args],
            env=self.env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def kill(self) -> None:
        """SIGKILL: no signal handler, no finally block, no goodbye."""
        os.kill(self.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def terminate(self, timeout: float = 30) -> int | None:
        """A graceful stop (SIGTERM), then whatever is left of the process group is killed."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=timeout)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)  # the group we started (orphaned gunicorn workers too)
        try:
            return self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            return None

    def log_tail(self, characters: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-characters:]
        except OSError:
            return ""


class Server(Process):
    """`huiketing serve`: a gunicorn master with its workers, on 127.0.0.1:port."""

    def __init__(self, env: dict[str, str], port: int, log: Path, workers: int = 2):
        super().__init__(
            env,
            [
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(workers),
                "--threads",
                "2",
                "--no-collectstatic",
            ],
            log,
        )
        self.port = port
        self.workers = workers

    def wait_ready(self, timeout: float = 60) -> float:
        """Seconds until /healthz answers 200 with every worker up."""
        started = time.monotonic()

        def ready():
            if self.process.poll() is not None:
                raise AssertionError(f"the server exited ({self.process.returncode}):\n{self.log_tail()}")
            return (
                request(self.port, "GET", "/healthz", timeout=5).status == 200
                and len(self.worker_pids()) >= self.workers
            )

        wait_until(ready, timeout, interval=0.1, what="the server")
        return time.monotonic() - started

    def worker_pids(self) -> list[int]:
        return [pid for pid in children(self.pid) if pid_alive(pid)]
