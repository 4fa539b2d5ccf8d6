"""A pytest plugin loaded before Django's settings, so the test suite runs with test settings."""

import os
import tempfile

os.environ["HUIKETING_TESTING"] = "1"
os.environ.setdefault("HUIKETING_DATA_DIR", tempfile.mkdtemp(prefix="huiketing-test-"))
os.environ.setdefault("HUIKETING_FIELD_KEYS", "test-field-key-0123456789abcdef0123456789abcdef")
