"""Reads about accounts that depend on who is asking."""

from huiketing.people.models import RoleAssignment, User


def own_roles(*, user: User):
    """The role assignments of the signed-in account itself, with their organisations."""
    return (
        RoleAssignment.objects.filter(user=user)
        .select_related("organisation")
        .order_by("role", "place_code", "organisation_id")
    )
