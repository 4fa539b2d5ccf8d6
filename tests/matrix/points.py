"""The permission matrix's part for points (see tests/matrix/__init__.py)."""

REGISTRY: dict = {}
EXPECTED: dict = {}
RULE_OBJECTS: dict = {}
