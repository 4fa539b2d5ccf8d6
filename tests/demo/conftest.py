"""The demo, loaded once per test that asks for it.

`demo` holds 2 households per grid, which is all that tests about places and accounts need and keeps them
fast; `full_demo` is the demo exactly as `demo_seed` loads it (about 3,000 households).
"""

import functools

import pytest

from huiketing.demo import loader, registry
from huiketing.demo.loader import demo_load


@pytest.fixture
def small_registry(monkeypatch):
    monkeypatch.setattr(
        loader,
        "SCALED_GENERATORS",
        [functools.partial(registry.registry_generate, households_per_grid=2)],
    )


@pytest.fixture
def demo(db, small_registry):
    return demo_load()


@pytest.fixture
def full_demo(db):
    return demo_load()
