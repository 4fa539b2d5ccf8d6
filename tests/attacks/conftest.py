"""Fixtures the attack tests share with the rest of the suite: the permission matrix's world (every role, in
and out of scope) and login security switched on as in production."""

from tests.core.test_login_security import login_security  # noqa: F401
from tests.test_permission_matrix import world  # noqa: F401
