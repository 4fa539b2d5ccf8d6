"""Permission predicates shared by every app. Apps compose these in their own rules.py."""

import rules

from huiketing.core import scope
from huiketing.people.models import STAFF_ROLES, Role


def has_role(*roles):
    wanted = set(roles)

    @rules.predicate(name=f"has_role({','.join(sorted(wanted))})")
    def predicate(user) -> bool:
        return bool(scope.role_set(user) & (wanted | {Role.ADMIN}))

    return predicate


def covers_place(*roles):
    """True when the object's place lies in the user's scope for these roles (or, without an object,
    when the user holds one of these roles somewhere)."""
    wanted = set(roles) or STAFF_ROLES

    @rules.predicate(name=f"covers_place({','.join(sorted(wanted))})")
    def predicate(user, obj=None) -> bool:
        if obj is None:
            return bool(scope.role_codes(user, wanted))
        code = getattr(obj, "place_code", None) or getattr(obj, "code", None)
        if code is None:
            return False
        return scope.covers(user, code, wanted)

    return predicate


is_admin = has_role(Role.ADMIN)
is_staff_member = has_role(*STAFF_ROLES)
community_or_above = {Role.COMMUNITY_STAFF, Role.SUBDISTRICT_OFFICER, Role.CITY_OFFICER}

rules.add_perm("core.view_audit_log", covers_place(*STAFF_ROLES))
rules.add_perm("core.view_own_account", rules.is_authenticated)
