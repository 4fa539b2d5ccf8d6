"""Reads of places. Places are public information; staff-only reads go through scoped selectors."""

from django.db.models import Prefetch
from django.http import Http404

from huiketing.core import scope
from huiketing.people.models import Role
from huiketing.places.models import Level, Place, ServicePoint

# Staff roles that administer communities (not grid leaders or grid workers).
COMMUNITY_OR_ABOVE = {Role.COMMUNITY_STAFF, Role.SUBDISTRICT_OFFICER, Role.CITY_OFFICER, Role.ADMIN}


def city_get(*, code: str) -> Place | None:
    return Place.objects.filter(code=code, level=Level.CITY).first()


def subdistricts_with_communities(*, city_code: str):
    return (
        Place.objects.filter(level=Level.SUBDISTRICT, code__startswith=city_code)
        .prefetch_related(
            Prefetch("children", queryset=Place.objects.filter(level=Level.COMMUNITY).order_by("code"))
        )
        .order_by("code")
    )


def place_get(*, code: str) -> Place:
    """A place by its code, or by a code it held before renumbering; 404 if neither."""
    place = _place_by_code_or_former(Place.objects.select_related("parent", "leader"), code)
    if place is None:
        raise Http404
    return place


def service_points_in(*, code: str):
    return (
        ServicePoint.objects.filter(place_code__startswith=code)
        .select_related("place")
        .order_by("place_code", "id")
    )


def _place_by_code_or_former(queryset, code: str) -> Place | None:
    place = queryset.filter(code=code).first()
    if place is None:
        place = queryset.filter(code_history__old_code=code).order_by("-code_history__changed_at").first()
    return place


def place_get_for_user(*, user, code: str, roles=None, level: str | None = None) -> Place:
    """A place the user's staff roles cover; 404 alike for missing, of another level, and out of scope."""
    queryset = Place.objects.select_related("parent", "leader")
    if level is not None:
        queryset = queryset.filter(level=level)
    place = _place_by_code_or_former(queryset, code)
    if place is None or not scope.covers(user, place.code, roles or COMMUNITY_OR_ABOVE):
        raise Http404
    return place


def community_get_for_user(*, user, code: str) -> Place:
    return place_get_for_user(user=user, code=code, roles=COMMUNITY_OR_ABOVE, level=Level.COMMUNITY)


def region_list(*, filters=None):
    """Places for the public API, filtered by ?level= and ?parent= (a parent's code)."""
    filters = filters or {}
    queryset = Place.objects.select_related("parent").order_by("code")
    if level := filters.get("level"):
        queryset = queryset.filter(level=level)
    if parent := filters.get("parent"):
        queryset = queryset.filter(parent__code=parent)
    return queryset


def region_get(*, code: str) -> tuple[Place, list[Place], list[Place]]:
    """A place with its ancestors (city first) and children, in three queries."""
    place = place_get(code=code)
    ancestors = list(Place.objects.filter(code__in=place.ancestor_codes()).order_by("code"))
    children = list(Place.objects.filter(parent=place).order_by("code"))
    return place, ancestors, children


def service_point_list(*, filters=None):
    """Service points for the public API, filtered by ?place= (a code prefix) and ?kind=."""
    filters = filters or {}
    queryset = ServicePoint.objects.select_related("place").order_by("place_code", "kind", "id")
    if place := filters.get("place"):
        queryset = queryset.filter(place_code__startswith=place)
    if kind := filters.get("kind"):
        queryset = queryset.filter(kind=kind)
    return queryset


def grids_of(*, community: Place):
    return Place.objects.filter(parent=community, level=Level.GRID).order_by("code")


def demo_places_present() -> bool:
    """Whether demo places are loaded (cached for five minutes: every page asks, to show the demo banner)."""
    from django.core.cache import cache

    return cache.get_or_set(
        "huiketing:demo-places-present", lambda: Place.objects.filter(is_demo=True).exists(), 300
    )
