"""Parts of the permission matrix (tests/test_permission_matrix.py), one module per app.

Each module defines `REGISTRY` (URL name → sample function), `EXPECTED` (permission → role → (no object,
object in scope, object out of scope)) and `RULE_OBJECTS` (permission → function giving the object), in the
same shapes as the main file; the main file merges them. Sample functions import `Sample` and `World` from
tests.test_permission_matrix inside their body (the main module imports this package)."""

import importlib

PARTS = ("points", "meetings", "projects", "hall", "hall_api_events", "hall_event_staff", "hall_venue_staff")


def merged(name: str) -> dict:
    result: dict = {}
    for part in PARTS:
        module = importlib.import_module(f"tests.matrix.{part}")
        result.update(getattr(module, name, {}))
    return result
