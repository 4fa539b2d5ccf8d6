"""Reads of places. Places are public information; staff-only reads go through scoped selectors."""

from django.db.models import Prefetch
from django.http import Http404

from huiketing.places.models import Level, Place, ServicePoint


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
    place = Place.objects.select_related("parent", "leader").filter(code=code).first()
    if place is None:
        place = (
            Place.objects.select_related("parent", "leader")
            .filter(code_history__old_code=code)
            .order_by("-code_history__changed_at")
            .first()
        )
    if place is None:
        raise Http404
    return place


def service_points_in(*, code: str):
    return (
        ServicePoint.objects.filter(place_code__startswith=code)
        .select_related("place")
        .order_by("place_code", "id")
    )
