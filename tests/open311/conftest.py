"""Fixtures of the Open311 tests: the matters fixtures, and a registered client with its key."""

from dataclasses import dataclass

import pytest

from huiketing.matters import services
from huiketing.matters.models import Open311Client
from tests.matters.conftest import _fresh_index, categories, english, resident_user, units  # noqa: F401


@dataclass
class RegisteredClient:
    client: Open311Client
    key: str


@pytest.fixture
def open311_client(tree) -> RegisteredClient:
    """A registered client (over the place tree, so that its requests land in a grid)."""
    client, key = services.open311_client_register(by=None, name="City app")
    return RegisteredClient(client, key)
