"""The permission matrix's part for points (see tests/matrix/__init__.py).

Objects: the points account of the registry's resident in the first grid (in scope) or in the second
subdistrict (out of scope), opened with a zero balance; rules hold for the whole platform and take no
object."""

from huiketing.people.models import Role as R

ANONYMOUS = "anonymous"
T, F = True, False


def _account(world, inside: bool):
    from huiketing.points.services import account_for
    from tests.test_permission_matrix import _registry_resident

    return account_for(_registry_resident(world, inside))


def _account_sample(world, inside: bool):
    from tests.test_permission_matrix import Sample

    account = _account(world, inside)
    return Sample({"pk": account.pk}, account)


def _rule_sample(world, inside: bool):
    from huiketing.points.services import points_rules_ensure
    from tests.test_permission_matrix import Sample

    points_rules_ensure()
    return Sample({"code": "vote_cast"})


REGISTRY: dict = {
    "points:staff-rule": _rule_sample,
    "points:staff-account": _account_sample,
    "points:staff-account-adjust": _account_sample,
    "api-points-rule": _rule_sample,
}


def _everyone_signed_in() -> dict:
    return {**{role: (T, T, T) for role in R if role != R.ADMIN}, R.ADMIN: (T, T, T), ANONYMOUS: (F, F, F)}


def _only(granted: dict) -> dict:
    return {**dict.fromkeys(R, (F, F, F)), **granted, ANONYMOUS: (F, F, F)}


EXPECTED: dict = {
    # Every signed-in account reads its own ledger (the selectors show nobody anyone else's).
    "points.view_own": _everyone_signed_in(),
    # Grid staff and cadres read the accounts of the residents of the places they cover.
    "points.view_staff": _only(
        {
            R.GRID_LEADER: (T, T, F),
            R.GRID_WORKER: (T, T, F),
            R.COMMUNITY_STAFF: (T, T, F),
            R.SUBDISTRICT_OFFICER: (T, T, F),
            R.CITY_OFFICER: (T, T, T),
            R.ADMIN: (T, T, T),
        }
    ),
    # Community staff and the cadres above them correct balances and export accounts.
    "points.adjust": _only(
        {
            R.COMMUNITY_STAFF: (T, T, F),
            R.SUBDISTRICT_OFFICER: (T, T, F),
            R.CITY_OFFICER: (T, T, T),
            R.ADMIN: (T, T, T),
        }
    ),
    "points.export": _only(
        {
            R.COMMUNITY_STAFF: (T, T, F),
            R.SUBDISTRICT_OFFICER: (T, T, F),
            R.CITY_OFFICER: (T, T, T),
            R.ADMIN: (T, T, T),
        }
    ),
    # The rules hold for the whole platform: city officers and administrators change them.
    "points.manage_rules": _only({R.CITY_OFFICER: (T, T, T), R.ADMIN: (T, T, T)}),
}

RULE_OBJECTS: dict = {
    "points.view_staff": _account,
    "points.adjust": _account,
    "points.export": _account,
}
