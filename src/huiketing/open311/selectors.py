"""Reads of the Open311 facade that are not matters: the jurisdiction asked for, and one active service."""

from huiketing.matters.models import Category
from huiketing.matters.selectors import categories_active
from huiketing.places.models import Level, Place

from .inputs import Open311Error


def jurisdiction_resolve(jurisdiction_id: str) -> str:
    """The code of the city a request is about: `jurisdiction_id` is a city's code. It may be left out while
    the installation serves a single city (the spec: required "only if the endpoint serves multiple
    jurisdictions"); "" then means everything."""
    jurisdiction_id = (jurisdiction_id or "").strip()
    if jurisdiction_id:
        if not Place.objects.filter(level=Level.CITY, code=jurisdiction_id).exists():
            raise Open311Error(
                404, f"jurisdiction_id {jurisdiction_id[:20]} was not found; ours is the city code."
            )
        return jurisdiction_id
    cities = list(Place.objects.filter(level=Level.CITY).order_by("code").values_list("code", flat=True)[:10])
    if len(cities) > 1:
        raise Open311Error(400, "jurisdiction_id is required: one of " + ", ".join(cities) + ".")
    return ""


def service_get(*, service_code: str) -> Category | None:
    return categories_active().filter(code=service_code).first()
