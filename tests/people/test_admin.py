"""The accounts admin: role changes made there are audit entries like role_assign's."""

import pytest

from huiketing.core.models import AuditEntry
from huiketing.people.models import Organisation, Role, RoleAssignment, User


@pytest.fixture
def superuser(db, client):
    user = User.objects.create_superuser("t_root", "root@example.org", "pass-for-tests-1")
    client.force_login(user)
    return user


def inline_data(user: User, rows: list[dict], **extra) -> dict:
    data = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "display_name": user.display_name,
        "preferred_language": user.preferred_language,
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "roles-TOTAL_FORMS": str(len(rows)),
        "roles-INITIAL_FORMS": str(sum(1 for row in rows if row.get("id"))),
        "roles-MIN_NUM_FORMS": "0",
        "roles-MAX_NUM_FORMS": "1000",
        **extra,
    }
    for n, row in enumerate(rows):
        for key, value in row.items():
            data[f"roles-{n}-{key}"] = value
        data[f"roles-{n}-user"] = str(user.pk)
    return data


def test_pages_open(client, superuser, tree):
    Organisation.objects.create(
        kind="merchant", names={"zh-hans": "商户"}, place_code=tree.communities[0].code
    )
    for path in [
        "/admin/",
        "/admin/people/user/",
        f"/admin/people/user/{superuser.pk}/change/",
        "/admin/people/organisation/",
        "/admin/people/organisation/add/",
        "/admin/core/auditentry/",
    ]:
        assert client.get(path).status_code == 200, path


def test_role_added_changed_and_removed_in_the_admin_are_audited(client, superuser, tree, make_user):
    target = make_user("t_target_admin")
    url = f"/admin/people/user/{target.pk}/change/"
    grid = tree.grids[0].code

    response = client.post(
        url, inline_data(target, [{"role": Role.GRID_LEADER, "place_code": grid}]), REMOTE_ADDR="10.0.0.8"
    )
    assert response.status_code == 302, response.context and response.context["adminform"].errors
    assignment = RoleAssignment.objects.get(user=target)
    assert assignment.granted_by == superuser
    added = AuditEntry.objects.get(action="people.role.assigned", actor=superuser)
    assert added.place_code == grid
    assert added.ip == "10.0.0.8"
    assert added.changes == {"role": [None, "grid_leader"], "place_code": [None, grid]}

    community = tree.communities[0].code
    client.post(
        url,
        inline_data(
            target, [{"id": str(assignment.pk), "role": Role.COMMUNITY_STAFF, "place_code": community}]
        ),
    )
    changed = AuditEntry.objects.get(action="people.role.changed")
    assert changed.changes == {"role": ["grid_leader", "community_staff"], "place_code": [grid, community]}
    assert changed.place_code == community

    client.post(
        url,
        inline_data(
            target,
            [
                {
                    "id": str(assignment.pk),
                    "role": Role.COMMUNITY_STAFF,
                    "place_code": community,
                    "DELETE": "on",
                }
            ],
        ),
    )
    assert not RoleAssignment.objects.filter(user=target).exists()
    revoked = AuditEntry.objects.get(action="people.role.revoked")
    assert revoked.actor == superuser
    assert revoked.changes["role"] == ["community_staff", None]


def test_account_changes_in_the_admin_are_audited(client, superuser, make_user):
    target = make_user("t_target_fields")
    client.post(f"/admin/people/user/{target.pk}/change/", inline_data(target, [], display_name="新名字"))
    entry = AuditEntry.objects.get(action="people.user.changed")
    assert entry.actor == superuser
    assert entry.changes == {"display_name": ["", "新名字"]}


def test_unchanged_save_writes_no_entry(client, superuser, make_user):
    target = make_user("t_target_same")
    before = AuditEntry.objects.count()
    client.post(f"/admin/people/user/{target.pk}/change/", inline_data(target, []))
    assert AuditEntry.objects.count() == before


def test_organisation_created_in_the_admin_is_audited(client, superuser, tree):
    response = client.post(
        "/admin/people/organisation/add/",
        {"kind": "merchant", "names": '{"zh-hans": "雪都商行"}', "place_code": tree.communities[0].code},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="people.organisation.created")
    assert entry.place_code == tree.communities[0].code
    assert entry.actor == superuser
