"""Mixed load against `huiketing serve`, and the same load against the framework's floor, on 127.0.0.1.

Usage:
    .venv/bin/python bench/load.py                       # 1× demo in a scratch PostgreSQL database
    .venv/bin/python bench/load.py --scale 10 --users 20 --run-time 90s --workers 3 --threads 2
    .venv/bin/python bench/load.py --quiet 0.3    # on a shared machine: start when the CPUs are mostly idle

What it does:
1. creates the scratch database huiketing_bench_load on BENCH_PG (see scratch.py) and fills it with
   `bench/generate.py --scale N` (or uses --database-url, generated with the same HUIKETING_DATA_DIR);
2. collects the static files into var/bench/static, again only when a package or our static files change;
3. starts two servers on free ports of 127.0.0.1 with the settings `huiketing demo` uses (HUIKETING_DEMO=1,
   no HTTPS, so the staff's second factor is off), HUIKETING_NUM_PROXIES=1 (each simulated user sends its
   own address in X-Forwarded-For, as a reverse proxy would) and the API rate limits raised, since the users
   do not pause: `huiketing serve` (the application), and the same command with floor_settings
   (bench/floor_urls.py: one view doing `SELECT 1` behind the same middleware);
4. warms both up (each alone, unmeasured), then runs locust headless (bench/locustfile.py) twice at once with
   the same setup, fixed users, spawn rate and run time: the mixed load against the application and the
   floor user against the floor. The two take turns in slots of --slot seconds (the mixed load, then the
   floor, then the mixed load …; each stops sending a second before its slot ends), so that a neighbour's
   burst on a shared machine falls on both alike and the ratio of the two holds;
5. prints, per endpoint, requests, requests/s (over the seconds the target had its turn), p50/p95/p99 and
   errors, the floor's figures and the ratios (mixed requests/s ÷ floor requests/s, overall and per pair of
   slots; mixed p99 ÷ floor p99), and writes them with locust's CSV files into --results (default
   var/bench/load-<time>/), summary.md being the table for the docs;
6. stops the servers and drops the scratch database. Exits 1 if any request failed.

Locust shares the machine's two cores with gunicorn and PostgreSQL: keep --users modest.
"""

import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

import scratch

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
BIN = Path(sys.executable).parent
DATABASE = "huiketing_bench_load"
STATIC_ROOT = ROOT / "var" / "bench" / "static"


def seconds(text: str) -> int:
    """'90', '90s', '2m', '1m30s' → seconds."""
    match = re.fullmatch(r"(?:(\d+)m)?(?:(\d+)s?)?", text.strip())
    if not match or not any(match.groups()):
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (e.g. 90s, 2m)")
    return int(match.group(1) or 0) * 60 + int(match.group(2) or 0)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(database_url: str, data_dir: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        HUIKETING_DATA_DIR=data_dir,
        HUIKETING_DEMO="1",
        HUIKETING_HTTPS="0",
        HUIKETING_ALLOWED_HOSTS="127.0.0.1,localhost",
        # Simulated users send X-Forwarded-For with an address of their own, as if through the reverse proxy
        # of a production installation; the limits are raised because they do not pause between requests.
        HUIKETING_NUM_PROXIES="1",
        HUIKETING_RATE_ANON="1000000/minute",
        HUIKETING_RATE_USER="1000000/minute",
        HUIKETING_RATE_LOGIN="1000000/minute",
        HUIKETING_LOGIN_FAILURE_LIMIT="1000",
    )
    env.setdefault("HUIKETING_STATIC_ROOT", str(STATIC_ROOT))
    env.setdefault("DJANGO_SETTINGS_MODULE", "huiketing.settings")
    return env


def floor_env(env: dict) -> dict:
    floor = dict(env)
    floor["DJANGO_SETTINGS_MODULE"] = "floor_settings"
    floor["PYTHONPATH"] = os.pathsep.join(p for p in (str(BENCH), env.get("PYTHONPATH", "")) if p)
    return floor


def static_is_fresh(static_root: Path) -> bool:
    """The collected files are newer than every installed package and than our own static files."""
    manifest = static_root / "staticfiles.json"
    if not manifest.exists():
        return False
    import huiketing

    newest = 0.0
    for folder in (Path(p) for p in sys.path if p.endswith("site-packages")):
        for entry in folder.glob("*.dist-info"):
            newest = max(newest, entry.stat().st_mtime)
    for path in (Path(huiketing.__file__).parent / "static").rglob("*"):
        newest = max(newest, path.stat().st_mtime)
    return manifest.stat().st_mtime > newest


def wait_healthy(port: int, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server on port {port} stopped (exit {process.returncode})")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                if json.load(response).get("status") == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the server on port {port} did not answer /healthz within {timeout:.0f} s")


def start_server(port: int, env: dict, workers: int, threads: int, log: Path) -> subprocess.Popen:
    command = [
        str(BIN / "huiketing"),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--no-collectstatic",
    ]
    with log.open("w") as handle:
        process = subprocess.Popen(command, env=env, stdout=handle, stderr=subprocess.STDOUT, cwd=ROOT)  # noqa: S603
    wait_healthy(port, process)
    return process


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def start_locust(
    target: str, port: int, options, run_time: int, csv: Path | None, env: dict
) -> subprocess.Popen:
    """A headless locust run in the background (`env` carries BENCH_LOG and the turn-taking variables)."""
    command = [
        str(BIN / "locust"),
        "-f",
        str(BENCH / "locustfile.py"),
        "--headless",
        "--only-summary",
        "--host",
        f"http://127.0.0.1:{port}",
        "--users",
        str(options.users),
        "--spawn-rate",
        str(options.spawn_rate),
        "--run-time",
        f"{run_time}s",
        "--stop-timeout",
        "10",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
    ]
    if csv is not None:
        command += ["--csv", str(csv)]
    output = Path(f"{csv}_output.txt") if csv is not None else Path(os.devnull)
    with output.open("w") as handle:
        return subprocess.Popen(  # noqa: S603
            command,
            env={**env, "BENCH_TARGET": target},
            cwd=BENCH,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )


def finish_locust(process: subprocess.Popen, target: str, timeout: float) -> None:
    try:
        code = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise RuntimeError(f"locust ({target}) did not stop in time") from None
    if code != 0:
        raise RuntimeError(f"locust ({target}) exited {code}: see its _output.txt in the results")


def cpu_busy(sample: float = 3.0) -> float | None:
    """The share of the machine's CPU time spent busy over `sample` seconds (from /proc/stat), 0–1."""

    def read() -> tuple[int, int]:
        with open("/proc/stat") as handle:
            fields = [int(x) for x in handle.readline().split()[1:]]
        return sum(fields), fields[3] + fields[4]  # all, idle + iowait

    try:
        total, idle = read()
        time.sleep(sample)
        total2, idle2 = read()
    except (OSError, ValueError, IndexError):
        return None
    return 1 - (idle2 - idle) / max(1, total2 - total)


def wait_for_quiet(threshold: float, longest: float) -> float | None:
    """Wait (at most `longest` seconds) until the machine is busy less than `threshold`; the last sample."""
    busy = cpu_busy()
    deadline = time.monotonic() + longest
    while busy is not None and busy > threshold and time.monotonic() < deadline:
        print(f"  the machine is {busy:.0%} busy; waiting for under {threshold:.0%} …", flush=True)
        time.sleep(10)
        busy = cpu_busy()
    return busy


def percentile(ordered: list[float], p: float) -> float:
    """Nearest rank on sorted values."""
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def read_log(log: Path, since: float, until: float) -> list[tuple[float, str, float, bool, str]]:
    """The requests of a BENCH_LOG file that started in [since, until)."""
    rows = []
    if not log.exists():
        return rows
    for line in log.read_text(encoding="utf-8").splitlines():
        start, _method, name, milliseconds, ok, failure = line.split("\t")
        if since <= float(start) < until:
            rows.append((float(start), name, float(milliseconds), ok == "1", failure))
    return rows


def summarise(rows: list, active_seconds: float) -> dict:
    """Per endpoint and overall: requests, requests/s, p50/p95/p99 (ms), errors and their reasons."""
    times: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    reasons: dict[str, set] = defaultdict(set)
    for _start, name, milliseconds, ok, failure in rows:
        times[name].append(milliseconds)
        if not ok:
            errors[name] += 1
            reasons[name].add(failure)

    def row(values: list[float], failed: int) -> dict:
        values = sorted(values)
        return {
            "requests": len(values),
            "rps": len(values) / active_seconds,
            "p50": percentile(values, 50),
            "p95": percentile(values, 95),
            "p99": percentile(values, 99),
            "errors": failed,
        }

    endpoints = {name: row(values, errors[name]) for name, values in times.items()}
    for name, why in reasons.items():
        endpoints[name]["reasons"] = sorted(why)[:3]
    everything = [t for values in times.values() for t in values]
    return {"endpoints": endpoints, "all": row(everything, sum(errors.values()))}


def table(summary: dict, title: str) -> list[str]:
    lines = [
        f"| {title} | requests | requests/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    rows = sorted(summary["endpoints"].items(), key=lambda item: (-item[1]["requests"], item[0]))
    for name, r in [*rows, ("**all**", summary["all"])]:
        shown = name if name.startswith("**") else f"`{name}`"
        lines.append(
            f"| {shown} | {r['requests']:,} | {r['rps']:.1f} | {r['p50']:.0f} | {r['p95']:.0f} | "
            f"{r['p99']:.0f} | {r['errors']} |"
        )
    return lines


def _share(value: float | None) -> str:
    return "unknown" if value is None else f"{value:.0%}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=int(os.environ.get("BENCH_SCALE", "1")))
    parser.add_argument("--users", type=int, default=int(os.environ.get("BENCH_USERS", "20")))
    parser.add_argument("--spawn-rate", type=float, default=10.0, help="users started per second")
    parser.add_argument(
        "--run-time",
        type=seconds,
        default=seconds(os.environ.get("BENCH_TIME", "120s")),
        help="seconds each target has its turn (the run lasts twice as long)",
    )
    parser.add_argument("--slot", type=seconds, default=seconds("10s"), help="length of a turn")
    parser.add_argument("--warm-up", type=seconds, default=seconds("10s"), help="unmeasured, per target")
    # 3 processes × 2 threads on 2 cores: as fast as any size measured (docs/benchmarks.md).
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--floor-size",
        help="WORKERSxTHREADS of the floor's server (default: the same as the application's); a fixed floor "
        "makes the ratio compare sizes of the application's server",
    )
    parser.add_argument(
        "--quiet",
        type=float,
        default=1.0,
        help="before the run, wait until other processes keep the CPUs busy less than this share (0–1)",
    )
    parser.add_argument("--quiet-wait", type=seconds, default=seconds("10m"), help="longest wait")
    parser.add_argument("--database-url", help="an already generated database (skips generating)")
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--results", type=Path)
    options = parser.parse_args()
    if options.users < 1 or options.slot < 2 or options.run_time < options.slot:
        parser.error("--users must be at least 1, --slot at least 2 s and --run-time at least one slot")
    cycles = options.run_time // options.slot
    guard = 1.0

    floor_workers, floor_threads = options.workers, options.threads
    if options.floor_size:
        floor_workers, floor_threads = (int(n) for n in options.floor_size.lower().split("x"))
    results = options.results or ROOT / "var" / "bench" / time.strftime("load-%Y%m%d-%H%M%S")
    results.mkdir(parents=True, exist_ok=True)
    data_dir = os.environ.get("HUIKETING_DATA_DIR") or tempfile.mkdtemp(prefix="huiketing-bench-")
    print(f"results in {results}; data directory {data_dir}", flush=True)

    created = not options.database_url
    database_url = options.database_url or scratch.create(DATABASE)
    env = server_env(database_url, data_dir)
    servers: list[subprocess.Popen] = []
    logs = {"mixed": results / "mixed.tsv", "floor": results / "floor.tsv"}
    try:
        if created:
            print(f"generating {options.scale}× the demo in {DATABASE} …", flush=True)
            subprocess.run(  # noqa: S603
                [sys.executable, str(BENCH / "generate.py"), "--scale", str(options.scale)],
                env=env,
                check=True,
            )
        static_root = Path(env["HUIKETING_STATIC_ROOT"])
        if not static_is_fresh(static_root):
            print(f"collecting static files into {static_root} (once) …", flush=True)
            started = time.monotonic()
            subprocess.run(  # noqa: S603
                [str(BIN / "huiketing"), "collectstatic", "--noinput", "--verbosity", "0"],
                env=env,
                check=True,
            )
            print(f"  {time.monotonic() - started:.0f} s", flush=True)

        app_port, floor_port = free_port(), free_port()
        print(
            f"starting huiketing serve on 127.0.0.1:{app_port} ({options.workers} workers × "
            f"{options.threads} threads) and the floor on 127.0.0.1:{floor_port} "
            f"({floor_workers} × {floor_threads}) …",
            flush=True,
        )
        servers.append(start_server(app_port, env, options.workers, options.threads, results / "app.log"))
        servers.append(
            start_server(floor_port, floor_env(env), floor_workers, floor_threads, results / "floor.log")
        )
        ports = {"mixed": app_port, "floor": floor_port}

        if options.warm_up:
            print(f"warming up ({options.warm_up} s each) …", flush=True)
            for target in ("mixed", "floor"):
                process = start_locust(target, ports[target], options, options.warm_up, None, env)
                finish_locust(process, target, options.warm_up + 60)

        busy = wait_for_quiet(options.quiet, options.quiet_wait)
        load_before = os.getloadavg()[0]
        for log in logs.values():
            log.unlink(missing_ok=True)
        # Both locust processes start now and spawn their users; the turns begin at `epoch`.
        lead_in = 5 + options.users / options.spawn_rate
        epoch = time.time() + lead_in
        end = epoch + 2 * options.slot * cycles
        run_time = int(end - time.time()) + 2
        print(
            f"measuring: {cycles} turns of {options.slot} s each for the mixed load and the floor, "
            f"{options.users} users each (CPUs busy before: {_share(busy)}) …",
            flush=True,
        )
        processes = {}
        for phase, target in enumerate(("mixed", "floor")):
            turn_env = {
                **env,
                "BENCH_LOG": str(logs[target]),
                "BENCH_SLOT": str(options.slot),
                "BENCH_PHASE": str(phase),
                "BENCH_EPOCH": f"{epoch:.3f}",
                "BENCH_GUARD": str(guard),
            }
            processes[target] = start_locust(
                target, ports[target], options, run_time, results / target, turn_env
            )
        for target, process in processes.items():
            finish_locust(process, target, run_time + 120)
        load_after = os.getloadavg()[0]
    finally:
        for process in servers:
            stop_server(process)
        if created and not options.keep_database:
            scratch.drop(DATABASE)

    active = cycles * (options.slot - guard)
    rows = {target: read_log(log, epoch, end) for target, log in logs.items()}
    mixed, floor = summarise(rows["mixed"], active), summarise(rows["floor"], active)
    ratio_rps = mixed["all"]["rps"] / floor["all"]["rps"]
    ratio_p99 = mixed["all"]["p99"] / floor["all"]["p99"]
    per_cycle = {target: [0] * cycles for target in rows}
    for target, target_rows in rows.items():
        for start, *_ in target_rows:
            per_cycle[target][min(cycles - 1, int((start - epoch) // (2 * options.slot)))] += 1
    cycle_ratios = sorted(m / f for m, f in zip(per_cycle["mixed"], per_cycle["floor"], strict=True) if f)
    quartiles = statistics.quantiles(cycle_ratios, n=4) if len(cycle_ratios) >= 2 else cycle_ratios * 3
    setup = (
        f"scale {options.scale}×, {options.users} users per target (spawn {options.spawn_rate:g}/s), "
        f"{cycles} turns × {options.slot} s per target ({options.slot - guard:g} s sending), gunicorn "
        f"{options.workers} workers × {options.threads} threads (floor {floor_workers} × {floor_threads}), "
        f"{os.cpu_count()} CPUs"
    )
    lines = [
        f"Setup: {setup}.",
        "",
        *table(mixed, "mixed load: endpoint"),
        "",
        *table(floor, "floor"),
        "",
        f"Ratio mixed ÷ floor: requests/s {ratio_rps:.3f} (per pair of turns: median "
        f"{statistics.median(cycle_ratios):.3f}, quartiles {quartiles[0]:.3f}–{quartiles[-1]:.3f}, "
        f"range {cycle_ratios[0]:.3f}–{cycle_ratios[-1]:.3f}); p99 {ratio_p99:.1f}×.",
        f"CPUs busy with other work before the run: {_share(busy)}; load average (1 min) "
        f"{load_before:.1f} before, {load_after:.1f} after.",
    ]
    errors = {name: r for name, r in mixed["endpoints"].items() if r["errors"]}
    errors.update({name: r for name, r in floor["endpoints"].items() if r["errors"]})
    for name, r in errors.items():
        lines.append(f"Errors on {name}: {r['errors']} ({'; '.join(r.get('reasons', []))})")
    text = "\n".join(lines)
    print()
    print(text)
    (results / "summary.md").write_text(text + "\n", encoding="utf-8")
    (results / "summary.json").write_text(
        json.dumps(
            {
                "setup": setup,
                "mixed": mixed,
                "floor": floor,
                "ratio_rps": ratio_rps,
                "ratio_p99": ratio_p99,
                "per_turn": per_cycle,
                "busy_before": busy,
            },
            indent=1,
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
