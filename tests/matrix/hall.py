"""The permission matrix's part for hall (see tests/matrix/__init__.py)."""

REGISTRY: dict = {}
EXPECTED: dict = {}
RULE_OBJECTS: dict = {}
