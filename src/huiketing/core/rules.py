"""Permission predicates shared by every app. Apps compose these in their own rules.py."""

import rules

from huiketing.core import scope
from huiketing.people.models import COMMUNITY_AND_ABOVE, STAFF_ROLES, Role


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


@rules.predicate(name="audit_entry_in_scope")
def audit_entry_in_scope(user, entry=None) -> bool:
    """Staff read the entries about places they cover; entries about no place are for administrators only.

    Without an entry: whether the user may read the audit log at all (holds a staff role somewhere).
    """
    if entry is None:
        return bool(scope.role_codes(user, STAFF_ROLES))
    # covers() with an empty code is True only for an administrator's everything-prefix.
    return scope.covers(user, entry.place_code or "", STAFF_ROLES)


rules.add_perm("core.view_audit_log", audit_entry_in_scope)
# Bulk export is a bigger privacy risk than reading entry by entry: community staff and above only.
rules.add_perm("core.export_audit_log", covers_place(*COMMUNITY_AND_ABOVE))
rules.add_perm("core.view_own_account", rules.is_authenticated)
# Every account reads and marks its own notifications; the selectors show nobody anyone else's.
rules.add_perm("core.view_own_notifications", rules.is_authenticated)
rules.add_perm("core.change_own_notifications", rules.is_authenticated)
