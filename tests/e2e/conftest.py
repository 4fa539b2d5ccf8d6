"""The browser suite: the demo served by gunicorn over real HTTP, driven by Debian's Chromium via Playwright.

One demo server (SQLite in a temporary data directory) and one browser serve the whole session; each test gets
a fresh browser context (cookies, viewport) from `open_page`. Every test under tests/e2e/ is marked `e2e`:
`make test` leaves them out, `make e2e` runs them.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("HUIKETING_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HERE = Path(__file__).parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Mark every test in this folder `e2e` before `-m` deselects, so a new module cannot forget it."""
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory):
    """`huiketing demo` on a fresh data directory (SQLite), as `make demo` runs it; its base URL."""
    data_dir = tmp_path_factory.mktemp("e2e-demo")
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DATABASE_URL",
            "HUIKETING_TESTING",
            "HUIKETING_DATA_DIR",
            "HUIKETING_REQUIRE_OTP",
            "DJANGO_SETTINGS_MODULE",
        }
    }
    env.update({"HUIKETING_DATA_DIR": str(data_dir), "HUIKETING_WEB_WORKERS": "2"})
    command = [str(Path(sys.executable).with_name("huiketing")), "demo", "--port", str(port)]
    log_path = data_dir / "demo.log"
    log = log_path.open("w")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            if process.poll() is not None:
                pytest.fail("huiketing demo exited:\n" + log_path.read_text()[-3000:])
            try:
                if _status(f"{base}/healthz") == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("huiketing demo did not answer within 300 s:\n" + log_path.read_text()[-3000:])
            time.sleep(0.5)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"No Chromium at {CHROMIUM}: run `make system-deps` (as root) first.")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser, demo_url):
    """open_page(width, height) → a page in a fresh context (no cookies); relative URLs go to the demo."""
    contexts = []

    def open_(width: int, height: int):
        context = browser.new_context(
            base_url=demo_url, viewport={"width": width, "height": height}, locale="zh-CN"
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()
