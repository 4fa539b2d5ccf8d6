"""Role × scope matrix of the places permissions (STYLE.md §4)."""

import pytest

from huiketing.people.models import Role

ALLOWED_IMPORT = {Role.CITY_OFFICER, Role.ADMIN}
ALLOWED_CHANGE = {Role.COMMUNITY_STAFF, Role.SUBDISTRICT_OFFICER, Role.CITY_OFFICER, Role.ADMIN}


@pytest.mark.parametrize("role", list(Role))
def test_import_places(tree, make_user, role):
    user = make_user(f"u-{role}", role, tree.grids[0].code if role != Role.ADMIN else "")
    assert user.has_perm("places.import_places") == (role in ALLOWED_IMPORT)


@pytest.mark.parametrize("permission", ["places.change_place", "places.renumber_grids"])
@pytest.mark.parametrize("role", list(Role))
def test_community_permissions_in_and_out_of_scope(tree, staff, make_user, role, permission):
    in_scope, out_of_scope = tree.communities[0], tree.communities[3]
    user = staff.get(role) or make_user(f"u-{role}", role, tree.grids[0].code)
    assert user.has_perm(permission, in_scope) == (role in ALLOWED_CHANGE)
    assert user.has_perm(permission, out_of_scope) == (role in {Role.CITY_OFFICER, Role.ADMIN})


def test_renumber_only_applies_to_communities(tree, staff):
    admin = staff[Role.ADMIN]
    assert admin.has_perm("places.change_place", tree.grids[0])
    assert not admin.has_perm("places.renumber_grids", tree.grids[0])
    assert not admin.has_perm("places.renumber_grids", tree.subdistricts[0])


def test_anonymous_has_none(tree):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not anonymous.has_perm("places.import_places")
    assert not anonymous.has_perm("places.renumber_grids", tree.communities[0])
