"""Fixtures of the places tests: a fresh point index for every test."""

import pytest

from huiketing.places import geo


@pytest.fixture(autouse=True)
def _fresh_index():
    geo.grid_index.clear()
    yield
    geo.grid_index.clear()


@pytest.fixture(autouse=True)
def _english_messages():
    """Service-level tests read messages in English; pages choose their language per request."""
    from django.utils import translation

    with translation.override("en"):
        yield
