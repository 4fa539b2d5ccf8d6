"""The permission matrix's part for the staff pages of events, courses and festivals
(hall/event_staff_urls.py; see tests/matrix/__init__.py).

An event's pages ask `hall.manage` of the event (its attendance sheet `hall.record_visit`: grid staff take
attendance too), a course's page `hall.manage` of its venue; the festivals are the whole installation's, so
adding one or changing whether it is celebrated asks `hall.manage_festivals` of no object."""

REGISTRY: dict = {}
EXPECTED: dict = {}
RULE_OBJECTS: dict = {}


def _event_sample(world, inside: bool):
    from tests.matrix.hall import _event_objects
    from tests.test_permission_matrix import Sample

    event = _event_objects(world, inside)[0]
    return Sample({"pk": event.pk}, event)


def _series_sample(world, inside: bool):
    from tests.matrix.hall import _event_objects
    from tests.test_permission_matrix import Sample

    series = _event_objects(world, inside)[1]
    return Sample({"pk": series.pk}, series.venue)


def _festival_sample(world, inside: bool):
    """Festivals have no place: the same festival in scope and out of it, asked of no object."""
    from huiketing.hall.models import Festival
    from tests.test_permission_matrix import Sample

    return Sample({"pk": Festival.objects.get(code="double-ninth").pk})


REGISTRY.update(
    {
        "hall:staff-event-detail": _event_sample,
        "hall:staff-event-programme": _event_sample,
        "hall:staff-event-gallery": _event_sample,
        "hall:staff-event-attendance": _event_sample,
        "hall:staff-series-detail": _series_sample,
        "hall:staff-festival-active": _festival_sample,
    }
)

_T, _F = True, False
# Only city officers and administrators keep the festivals (a city officer covers the whole city, where
# the festivals are celebrated); nobody holds the permission for one place only.
EXPECTED.update(
    {
        "hall.manage_festivals": {
            "resident": (_F, _F, _F),
            "grid_leader": (_F, _F, _F),
            "grid_worker": (_F, _F, _F),
            "community_staff": (_F, _F, _F),
            "subdistrict_officer": (_F, _F, _F),
            "city_officer": (_T, _T, _T),
            "department_staff": (_F, _F, _F),
            "institution_operator": (_F, _F, _F),
            "merchant": (_F, _F, _F),
            "party_member": (_F, _F, _F),
            "volunteer": (_F, _F, _F),
            "admin": (_T, _T, _T),
            "anonymous": (_F, _F, _F),
        },
    }
)
RULE_OBJECTS.update(
    {
        "hall.manage_festivals": lambda w, inside: None,
    }
)
