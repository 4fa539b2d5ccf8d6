"""The permission matrix's part for the events API and package booking (hall/event_api_urls.py,
hall/package_urls.py; see tests/matrix/__init__.py).

Events, series, festivals and a package's start times are public; registering, unregistering and booking a
package ask `hall.book` of no object (every signed-in account books for itself, and may book a package only
for the organisations it may act for, which the view checks). The register, unregister and book endpoints
take POST only: a GET by a signed-in account is a 405, by an anonymous one a 401/403."""

REGISTRY: dict = {}
EXPECTED: dict = {}
RULE_OBJECTS: dict = {}


def _package(world, inside: bool):
    """A theme party-day package at the matrix venue in scope or out of it, holding its service item and
    its room."""
    from huiketing.hall.models import ServiceItem
    from tests.matrix.hall import _venue_objects

    cache_ = world.__dict__.setdefault("_hall_packages", {})
    if inside not in cache_:
        venue, zone, _closure, item = _venue_objects(world, inside)
        package = ServiceItem.objects.create(
            venue=venue,
            code="matrix-package",
            names={"zh-hans": "主题党日套餐"},
            category="party",
            provider_kind="community",
            zone=zone,
            is_package=True,
        )
        package.components.set([item])
        cache_[inside] = package
    return cache_[inside]


def _event_sample(world, inside: bool):
    from tests.matrix.hall import _event_objects
    from tests.test_permission_matrix import Sample

    return Sample({"pk": _event_objects(world, inside)[0].pk})


def _series_sample(world, inside: bool):
    from tests.matrix.hall import _event_objects
    from tests.test_permission_matrix import Sample

    return Sample({"pk": _event_objects(world, inside)[1].pk})


def _package_sample(world, inside: bool):
    from tests.test_permission_matrix import Sample

    return Sample({"pk": _package(world, inside).pk})


def _package_page_sample(world, inside: bool):
    from tests.test_permission_matrix import Sample

    return Sample({"item": _package(world, inside).pk})


REGISTRY.update(
    {
        "api-event": _event_sample,
        "api-event-register": _event_sample,
        "api-event-unregister": _event_sample,
        "api-event-series": _series_sample,
        "api-package-times": _package_sample,
        "api-package-book": _package_sample,
        "hall:package-book": _package_page_sample,
    }
)
