"""Role assignments: the scope must fit the role, in the service and in the database."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from huiketing.core import scope
from huiketing.core.models import AuditEntry
from huiketing.people.models import Organisation, Role, RoleAssignment
from huiketing.people.services import role_assign


@pytest.fixture
def department(db):
    return Organisation.objects.create(
        kind=Organisation.Kind.DEPARTMENT, names={"zh-hans": "市场监督管理局"}, place_code="654301"
    )


def test_organisation_roles_need_an_organisation(make_user, tree):
    user = make_user("u1")
    with pytest.raises(ValidationError) as error:
        role_assign(by=None, user=user, role=Role.MERCHANT, place_code=tree.grids[0].code)
    assert "organisation" in error.value.message_dict


def test_place_roles_need_a_place_and_no_organisation(make_user, department):
    user = make_user("u2")
    with pytest.raises(ValidationError) as error:
        role_assign(by=None, user=user, role=Role.GRID_LEADER)
    assert "place_code" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        role_assign(
            by=None, user=user, role=Role.GRID_LEADER, place_code="654301001001001", organisation=department
        )
    assert "organisation" in error.value.message_dict


def test_bad_place_codes_are_refused(make_user):
    user = make_user("u3")
    with pytest.raises(ValidationError) as error:
        role_assign(by=None, user=user, role=Role.COMMUNITY_STAFF, place_code="65430100100")
    assert "place_code" in error.value.message_dict


@pytest.mark.parametrize(
    ("role", "place_code", "with_organisation"),
    [
        (Role.MERCHANT, "654301001001001", False),
        (Role.GRID_LEADER, "", False),
        (Role.GRID_LEADER, "654301001001001", True),
        (Role.COMMUNITY_STAFF, "6543010010", False),
    ],
)
def test_the_database_refuses_a_scope_that_does_not_fit(
    make_user, department, role, place_code, with_organisation
):
    user = make_user(f"raw-{role}-{place_code}-{with_organisation}")
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(
            user=user,
            role=role,
            place_code=place_code,
            organisation=department if with_organisation else None,
        )


def test_assigning_twice_keeps_one_row_and_audits(make_user, department):
    user = make_user("u4")
    first = role_assign(by=None, user=user, role=Role.DEPARTMENT_STAFF, organisation=department)
    second = role_assign(by=None, user=user, role=Role.DEPARTMENT_STAFF, organisation=department)
    assert first.pk == second.pk
    assert RoleAssignment.objects.filter(user=user).count() == 1
    assert AuditEntry.objects.filter(action="people.role.assigned", object_id=str(first.pk)).count() == 2
    assert scope.organisation_ids(user) == {department.pk}
    assert scope.role_codes(user) == []  # an organisation role covers no place
