"""Real HTTP against the configured database (PostgreSQL in CI): the demo loaded, then the contract URLs."""

import json
import re
import urllib.error
import urllib.request

import pytest

from huiketing.demo.loader import demo_load


def _get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture
def demo(transactional_db, audit_log_flushable):
    return demo_load(scale=1)


def test_locate_and_pages_over_http(live_server, demo):
    status, body = _get(f"{live_server.url}/api/v1/regions/locate/?lat=47.8456&lng=88.1396")
    assert status == 200
    assert re.fullmatch(r"654301\d{9}", json.loads(body)["grid"]["code"])

    status, body = _get(f"{live_server.url}/api/v1/regions/locate/?lat=47.8456")
    assert status == 400
    assert "lng" in json.loads(body)["error"]["fields"]

    status, body = _get(f"{live_server.url}/places/654301/?lang=kk")
    assert status == 200
    assert 'dir="rtl"' in body.decode()

    status, body = _get(f"{live_server.url}/api/v1/regions/?level=grid&page_size=200")
    assert status == 200
    assert json.loads(body)["count"] == 89
