"""The permission matrix's part for meetings (see tests/matrix/__init__.py)."""

REGISTRY: dict = {}
EXPECTED: dict = {}
RULE_OBJECTS: dict = {}
