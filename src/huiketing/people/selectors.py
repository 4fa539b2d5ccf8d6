"""Reads about accounts that depend on who is asking."""

from datetime import date

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from huiketing.core import scope
from huiketing.people.models import (
    REGISTRY_ROLES,
    Household,
    Resident,
    ResidentStatus,
    RoleAssignment,
    User,
    Visit,
)


def own_roles(*, user: User):
    """The role assignments of the signed-in account itself, with their organisations."""
    return (
        RoleAssignment.objects.filter(user=user)
        .select_related("organisation")
        .order_by("role", "place_code", "organisation_id")
    )


# The residents registry: every read is scoped to the places the reader covers ------------------------


# Computed tags: (minimum age, maximum age) in whole years on today's date.
AGE_TAGS = {"aged_60": (60, None), "aged_70": (70, None), "aged_80": (80, None), "child_under_14": (None, 13)}


def _years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def age_tag_q(tag: str, today: date | None = None) -> Q:
    """Residents whose age today puts them in a computed tag (birth dates compared, nothing stored)."""
    today = today or timezone.localdate()
    minimum, maximum = AGE_TAGS[tag]
    query = Q(birth_date__isnull=False)
    if minimum is not None:
        query &= Q(birth_date__lte=_years_ago(today, minimum))
    if maximum is not None:
        query &= Q(birth_date__gt=_years_ago(today, maximum + 1))
    return query


def computed_tags(resident: Resident, today: date | None = None) -> list[str]:
    if resident.birth_date is None:
        return []
    today = today or timezone.localdate()
    age = (
        today.year
        - resident.birth_date.year
        - ((today.month, today.day) < (resident.birth_date.month, resident.birth_date.day))
    )
    tags = [
        tag
        for tag, (minimum, maximum) in AGE_TAGS.items()
        if (minimum is None or age >= minimum) and (maximum is None or age <= maximum)
    ]
    return tags


def residents_for_user(*, user: User, filters: dict | None = None):
    """Residents in the places the user covers, filtered; ID number and phone are found by keyed hash."""
    from huiketing.people.services import id_number_hash, phone_hash

    filters = filters or {}
    qs = Resident.objects.filter(scope.scope_q(user, roles=REGISTRY_ROLES)).select_related("household")
    if place := filters.get("place"):
        qs = qs.filter(place_code__startswith=place)
    if status := filters.get("status"):
        qs = qs.filter(status=status)
    if tag := filters.get("tag"):
        qs = qs.filter(age_tag_q(tag)) if tag in AGE_TAGS else qs.filter(tags__tag=tag)
    if name := filters.get("name"):
        qs = qs.filter(full_name__icontains=name)
    if id_number := filters.get("id_number"):
        qs = qs.filter(id_number_hash=id_number_hash(id_number))
    if phone := filters.get("phone"):
        qs = qs.filter(phone_hash=phone_hash(phone))
    return qs.prefetch_related("tags").order_by("place_code", "household_id", "id")


def resident_get_for_user(*, user: User, resident_id: int) -> Resident:
    """One resident, or 404 whether it does not exist or lies outside the user's scope."""
    resident = (
        Resident.objects.filter(scope.scope_q(user, roles=REGISTRY_ROLES), pk=resident_id)
        .select_related("household", "account")
        .prefetch_related("tags")
        .first()
    )
    if resident is None:
        raise Http404
    return resident


def households_for_user(*, user: User, filters: dict | None = None):
    filters = filters or {}
    qs = Household.objects.filter(scope.scope_q(user, roles=REGISTRY_ROLES)).select_related("place")
    if place := filters.get("place"):
        qs = qs.filter(place_code__startswith=place)
    if building := filters.get("building"):
        qs = qs.filter(building=building)
    return qs.annotate(
        resident_count=Count("residents", filter=Q(residents__status=ResidentStatus.ACTIVE))
    ).order_by("place_code", "building", "unit", "room")


def household_get_for_user(*, user: User, household_id: int) -> Household:
    household = (
        Household.objects.filter(scope.scope_q(user, roles=REGISTRY_ROLES), pk=household_id)
        .select_related("place")
        .first()
    )
    if household is None:
        raise Http404
    return household


def visits_for_household(*, household: Household):
    return (
        Visit.objects.filter(household=household).select_related("visited_by").order_by("-visited_on", "-id")
    )


def registry_grids_for_user(*, user: User):
    """The grids whose registry the user covers (for the grid choices of the registry's pages and forms)."""
    from huiketing.places.models import Level, Place

    return (
        Place.objects.filter(scope.scope_q(user, field="code", roles=REGISTRY_ROLES), level=Level.GRID)
        .only("id", "code", "level", "names")
        .order_by("code")
    )
