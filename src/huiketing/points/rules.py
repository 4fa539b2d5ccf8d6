"""Permissions on points: everyone signed in reads their own ledger; grid staff and cadres read the accounts
of the places they cover; community staff and above correct balances and export them. The rules hold for the
whole platform, so only city officers (and administrators) change them."""

import rules

from huiketing.core import scope
from huiketing.core.rules import has_role
from huiketing.people.models import COMMUNITY_AND_ABOVE, REGISTRY_ROLES, Role


def covers_holder(*roles):
    """Like core.rules.covers_place, reading a points account's holder's current place (residents move)."""
    wanted = set(roles)

    @rules.predicate(name=f"covers_holder({','.join(sorted(wanted))})")
    def predicate(user, obj=None) -> bool:
        if obj is None:
            return bool(scope.role_codes(user, wanted))
        code = getattr(obj, "holder_place_code", None) or getattr(obj, "place_code", None)
        if code is None:
            code = getattr(obj, "code", None)
        if code is None:
            return False
        return scope.covers(user, code, wanted)

    return predicate


rules.add_perm("points.view_own", rules.is_authenticated)
rules.add_perm("points.view_staff", covers_holder(*REGISTRY_ROLES))
rules.add_perm("points.adjust", covers_holder(*COMMUNITY_AND_ABOVE))
rules.add_perm("points.export", covers_holder(*COMMUNITY_AND_ABOVE))
rules.add_perm("points.manage_rules", has_role(Role.CITY_OFFICER))
