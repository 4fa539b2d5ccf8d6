"""Territorial scope: which place-code prefixes an account covers, and queryset filters built from them.

A staff member's scope is the union of the codes of their staff-role assignments; an administrator
covers everything. Selectors filter with `scope_q`; nothing else decides what a user may see.
"""

from django.db.models import Q
from django.utils.functional import LazyObject, empty

from huiketing.people.models import STAFF_ROLES, Role

EVERYTHING = ""


def role_codes(user, roles=None) -> list[str]:
    """Place-code prefixes of the user's assignments of the given roles (all staff roles by default)."""
    if not getattr(user, "is_authenticated", False):
        return []
    user = _unwrap(user)
    cache = user.__dict__.setdefault("_huiketing_roles", None)
    if cache is None:
        cache = list(user.roles.values_list("role", "place_code", "organisation_id"))
        user.__dict__["_huiketing_roles"] = cache
    wanted = set(roles) if roles is not None else STAFF_ROLES
    if user.is_superuser or any(role == Role.ADMIN for role, _code, _org in cache):
        return [EVERYTHING]
    return sorted({code for role, code, _org in cache if role in wanted and code})


def _unwrap(user):
    """The user behind request.user's lazy wrapper, so the cached roles live on the real object."""
    if isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        return user._wrapped
    return user


def role_set(user) -> set[str]:
    role_codes(user)
    if not getattr(user, "is_authenticated", False):
        return set()
    user = _unwrap(user)
    roles = {role for role, _code, _org in user.__dict__["_huiketing_roles"]}
    if user.is_superuser:
        roles.add(Role.ADMIN)
    return roles


def organisation_ids(user, roles=None) -> set[int]:
    role_codes(user)
    if not getattr(user, "is_authenticated", False):
        return set()
    user = _unwrap(user)
    return {
        org
        for role, _code, org in user.__dict__["_huiketing_roles"]
        if org and (roles is None or role in roles)
    }


def covers(user, code: str, roles=None) -> bool:
    """Whether a place code lies inside the user's scope for the given roles."""
    return any(code.startswith(prefix) for prefix in role_codes(user, roles))


def scope_q(user, field: str = "place_code", roles=None) -> Q:
    """A filter keeping rows whose `field` lies inside the user's scope; matches nothing if none."""
    prefixes = role_codes(user, roles)
    if EVERYTHING in prefixes:
        return Q()
    if not prefixes:
        return Q(pk__in=[])
    query = Q()
    for prefix in prefixes:
        query |= Q(**{f"{field}__startswith": prefix})
    return query


def forget(user) -> None:
    """Drop the cached roles after they change."""
    user = _unwrap(user)
    user.__dict__.pop("_huiketing_roles", None)
