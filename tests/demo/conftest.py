"""The demo, loaded once per test that asks for it."""

import pytest

from huiketing.demo.loader import demo_load


@pytest.fixture
def demo(db):
    return demo_load()
