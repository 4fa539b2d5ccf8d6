"""The `huiketing` command: `demo`, `serve`, `worker`, and any Django management command."""

import argparse
import os
import sys


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huiketing.settings")


def _django(*args: str) -> None:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["huiketing", *args])


def serve(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="huiketing serve", description="Serve the web application (gunicorn)."
    )
    parser.add_argument("--host", default=os.environ.get("HUIKETING_HOST", "127.0.0.1"))
    parser.add_argument("--port", default=os.environ.get("HUIKETING_PORT", "8000"))
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("HUIKETING_WEB_WORKERS", str(2 * (os.cpu_count() or 1) + 1))),
    )
    parser.add_argument("--threads", type=int, default=int(os.environ.get("HUIKETING_WEB_THREADS", "2")))
    parser.add_argument("--no-collectstatic", action="store_true")
    options = parser.parse_args(argv)
    _setup()
    if not options.no_collectstatic:
        _django("collectstatic", "--noinput", "--verbosity", "0")
    gunicorn_args = [
        "gunicorn",
        "huiketing.wsgi:application",
        "--bind",
        f"{options.host}:{options.port}",
        "--workers",
        str(options.workers),
        "--threads",
        str(options.threads),
        "--access-logfile",
        "-",
        "--graceful-timeout",
        "20",
        "--timeout",
        "60",
    ]
    os.execvp(sys.executable, [sys.executable, "-m", *gunicorn_args])
    return 0  # not reached


def worker(argv: list[str]) -> int:
    _setup()
    _django("worker", *argv)
    return 0


def demo(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="huiketing demo", description="Load the Altay City demo (once) and serve it on this machine."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--no-serve", action="store_true", help="load the demo and stop")
    options = parser.parse_args(argv)
    os.environ.setdefault("HUIKETING_DEMO", "1")
    os.environ.setdefault("HUIKETING_HTTPS", "0")
    hosts = {"127.0.0.1", "localhost", "[::1]", options.host}
    os.environ.setdefault("HUIKETING_ALLOWED_HOSTS", ",".join(sorted(hosts)))
    _setup()
    _django("migrate", "--noinput", "--verbosity", "0")
    _django("demo_seed", "--scale", str(options.scale), "--url", f"http://{options.host}:{options.port}/")
    if options.no_serve:
        return 0
    return serve(["--host", options.host, "--port", str(options.port)])


COMMANDS = {"serve": serve, "worker": worker, "demo": demo}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in COMMANDS:
        return COMMANDS[argv[0]](argv[1:])
    _setup()
    _django(*argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
