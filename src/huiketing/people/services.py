"""Writes on accounts and role assignments."""

from django.db import transaction

from huiketing.core import scope
from huiketing.core.audit import audit_record, diff
from huiketing.people.models import Organisation, Role, RoleAssignment, User


@transaction.atomic
def user_set_display(*, user: User, large_text: bool | None = None, language: str | None = None) -> User:
    before = {"large_text": user.large_text, "preferred_language": user.preferred_language}
    if large_text is not None:
        user.large_text = large_text
    if language is not None:
        user.preferred_language = language
    user.save(update_fields=["large_text", "preferred_language"])
    after = {"large_text": user.large_text, "preferred_language": user.preferred_language}
    if changes := diff(before, after):
        audit_record(actor=user, action="people.user.display_changed", obj=user, changes=changes)
    return user


@transaction.atomic
def role_assign(
    *,
    by: User | None,
    user: User,
    role: str,
    place_code: str = "",
    organisation: Organisation | None = None,
) -> RoleAssignment:
    assignment = RoleAssignment(
        user=user, role=Role(role), place_code=place_code, organisation=organisation, granted_by=by
    )
    # Uniqueness is get_or_create's business below; clean() states the scope rules the constraints enforce.
    assignment.full_clean(validate_unique=False, validate_constraints=False)
    assignment, _created = RoleAssignment.objects.get_or_create(
        user=user, role=role, place_code=place_code, organisation=organisation, defaults={"granted_by": by}
    )
    audit_record(
        actor=by,
        action="people.role.assigned",
        obj=assignment,
        place_code=place_code,
        changes={"role": [None, role], "place_code": [None, place_code]},
    )
    scope.forget(user)
    return assignment
