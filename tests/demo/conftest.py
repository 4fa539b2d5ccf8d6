"""The demo, loaded once per test that asks for it.

`demo` holds 2 households per grid, which is all that tests about places and accounts need and keeps them
fast; `full_demo` is the demo's places, accounts and registry exactly as `demo_seed` loads them (about 3,000
households), without the year of matters, which tests/demo/test_matters_demo.py loads on its own.
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
def full_demo(db, monkeypatch):
    monkeypatch.setattr(loader, "SCALED_GENERATORS", [registry.registry_generate])
    return demo_load()
