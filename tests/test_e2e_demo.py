"""End to end over real HTTP: `huiketing demo` on a fresh data directory, served by gunicorn, then queried.

This is the README's `make demo` without the virtual environment step: migrate, load the Altay demo, serve.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

CYRILLIC = re.compile(r"[\u0400-\u04FF]")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, headers: dict | None = None, data: bytes | None = None):
    request = urllib.request.Request(url, headers=headers or {}, data=data)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("demo-data")
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "HUIKETING_TESTING", "HUIKETING_DATA_DIR", "DJANGO_SETTINGS_MODULE"}
    }
    env.update({"HUIKETING_DATA_DIR": str(data_dir), "HUIKETING_WEB_WORKERS": "2"})
    command = [str(Path(sys.executable).with_name("huiketing")), "demo", "--port", str(port)]
    log = (data_dir / "demo.log").open("w")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            if process.poll() is not None:
                pytest.fail("huiketing demo exited:\n" + (data_dir / "demo.log").read_text()[-3000:])
            try:
                status, _headers, _body = _get(f"{base}/healthz")
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    "huiketing demo did not answer within 300 s:\n"
                    + (data_dir / "demo.log").read_text()[-3000:]
                )
            time.sleep(0.5)
        yield base, data_dir
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


def test_demo_prints_the_url_and_logins(demo_server):
    _base, data_dir = demo_server
    output = (data_dir / "demo.log").read_text()
    assert "http://127.0.0.1:" in output
    for username in ("admin", "city", "subdistrict", "community", "gridleader", "resident", "canteen"):
        assert re.search(rf"\b{username}\b", output), username


def test_healthz_checks_the_database(demo_server):
    base, _ = demo_server
    status, _headers, body = _get(f"{base}/healthz")
    assert status == 200
    assert json.loads(body)["status"] == "ok"
    assert json.loads(body)["database"] == "ok"


def test_locate_returns_the_grid_and_its_ancestors(demo_server):
    base, _ = demo_server
    status, _headers, body = _get(f"{base}/api/v1/regions/locate/?lat=47.8456&lng=88.1396")
    assert status == 200
    found = json.loads(body)
    assert re.fullmatch(r"654301\d{9}", found["grid"]["code"])
    assert found["community"]["code"] == found["grid"]["code"][:12]
    assert found["subdistrict"]["code"] == found["grid"]["code"][:9]


def test_locate_outside_every_grid_is_a_clear_404(demo_server):
    base, _ = demo_server
    status, headers, body = _get(f"{base}/api/v1/regions/locate/?lat=39.9&lng=116.4")
    assert status == 404
    assert headers["Content-Type"].startswith("application/json")
    error = json.loads(body)["error"]
    assert error["status"] == 404 and error["message"]


@pytest.mark.parametrize("language", ["ug", "kk"])
def test_uyghur_and_kazakh_pages_are_right_to_left_without_cyrillic(demo_server, language):
    base, _ = demo_server
    status, _headers, body = _get(f"{base}/?lang={language}")
    page = body.decode()
    assert status == 200
    assert f'lang="{language}" dir="rtl"' in page
    assert not CYRILLIC.search(page)


def test_chinese_is_the_default(demo_server):
    base, _ = demo_server
    status, _headers, body = _get(f"{base}/?lang=zh-hans")
    page = body.decode()
    assert status == 200
    assert 'lang="zh-hans" dir="ltr"' in page
    assert "阿勒泰市" in page


def test_demo_account_gets_a_token_and_sees_its_role(demo_server):
    base, _ = demo_server
    password = os.environ.get("HUIKETING_DEMO_PASSWORD", "altay-demo-2026")
    status, _headers, body = _get(
        f"{base}/api/v1/auth/token/",
        headers={"Content-Type": "application/json"},
        data=json.dumps({"username": "community", "password": password}).encode(),
    )
    assert status == 200, body
    token = json.loads(body)["token"]
    status, _headers, body = _get(f"{base}/api/v1/me/", headers={"Authorization": f"Token {token}"})
    assert status == 200
    roles = json.loads(body)["roles"]
    assert any(
        role["role"] == "community_staff" and role["place_code"].startswith("654301") for role in roles
    )


def test_static_files_are_served_by_the_project(demo_server):
    base, _ = demo_server
    status, headers, body = _get(f"{base}/static/huiketing/site.css")
    assert status == 200
    assert "text/css" in headers["Content-Type"]
    assert b"large-text" in body
