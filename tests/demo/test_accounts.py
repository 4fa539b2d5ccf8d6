"""Demo accounts (DESIGN.md §5) and the grid leaders of all 89 grids."""

from django.conf import settings

from huiketing.people.models import Organisation, Role, RoleAssignment, User
from huiketing.places.models import Level, Place

CENTRE_GRID = "654301001001004"
COMMUNITY = CENTRE_GRID[:12]

EXPECTED = {
    "admin": (Role.ADMIN, "", None),
    "city": (Role.CITY_OFFICER, "654301", None),
    "subdistrict": (Role.SUBDISTRICT_OFFICER, "654301001", None),
    "community": (Role.COMMUNITY_STAFF, COMMUNITY, None),
    "gridleader": (Role.GRID_LEADER, CENTRE_GRID, None),
    "resident": (Role.RESIDENT, CENTRE_GRID, None),
    "canteen": (Role.INSTITUTION_OPERATOR, "", Organisation.Kind.INSTITUTION),
    "department": (Role.DEPARTMENT_STAFF, "", Organisation.Kind.DEPARTMENT),
    "merchant": (Role.MERCHANT, "", Organisation.Kind.MERCHANT),
    "partymember": (Role.PARTY_MEMBER, COMMUNITY, None),
    "volunteer": (Role.VOLUNTEER, COMMUNITY, None),
}


def test_each_demo_account_holds_its_role_in_scope(demo):
    for username, (role, place_code, kind) in EXPECTED.items():
        user = User.objects.get(username=username)
        assert user.is_demo and user.display_name and user.preferred_language
        assignments = list(user.roles.select_related("organisation"))
        assert [(a.role, a.place_code) for a in assignments] == [(role, place_code)], username
        organisation = assignments[0].organisation
        assert (organisation.kind if organisation else None) == kind
        if organisation:
            assert organisation.is_demo
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert not User.objects.filter(is_superuser=True).exclude(username="admin").exists()
    assert Organisation.objects.get(kind="institution").names["zh-hans"] == "阿勒泰市夕阳红养老服务中心"
    assert Organisation.objects.get(kind="department").names["zh-hans"] == "阿勒泰市市场监督管理局"
    languages = list(User.objects.filter(username__in=EXPECTED).values_list("preferred_language", flat=True))
    assert languages.count("ug") == 1 and languages.count("kk") == 1
    assert languages.count("zh-hans") == len(EXPECTED) - 2


def test_demo_accounts_log_in_with_the_demo_password(demo, client):
    for username in [*EXPECTED, "gl_654301004005003"]:
        assert client.login(username=username, password=settings.DEMO_PASSWORD), username
        client.logout()
    assert not client.login(username="city", password="wrong-password")


def test_every_grid_has_its_own_leader(demo):
    grids = Place.objects.filter(level=Level.GRID).select_related("leader")
    leaders = [grid.leader for grid in grids]
    assert all(leaders)
    assert len({leader.pk for leader in leaders}) == 89
    for grid in grids:
        expected = "gridleader" if grid.code == CENTRE_GRID else f"gl_{grid.code}"
        assert grid.leader.username == expected
        assert grid.leader.is_demo and grid.leader.display_name
        assert RoleAssignment.objects.filter(
            user=grid.leader, role=Role.GRID_LEADER, place_code=grid.code
        ).exists()
    assert RoleAssignment.objects.filter(role=Role.GRID_LEADER).count() == 89
    names = [leader.display_name for leader in leaders]
    assert len(set(names)) == len(names)
    # Kazakh, Uyghur and Hui leaders as well as Han ones.
    assert any("·" in name for name in names)
    assert any(name.startswith("马") for name in names)


def test_all_accounts_are_demo_accounts(demo):
    assert User.objects.count() == User.objects.filter(is_demo=True).count() == 11 + 88
