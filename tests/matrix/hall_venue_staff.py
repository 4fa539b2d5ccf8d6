"""The permission matrix's part for the venues' staff pages added to hall (see tests/matrix/__init__.py): the
photos page of a venue, for community staff and above covering it (`hall.manage`, whose table is in
tests/matrix/hall.py); the walk-in form lives on the door page, already in that part."""


def _photos_sample(world, inside: bool):
    """The matrix venue in scope or out of it, with one photo."""
    from huiketing.hall import venue_services
    from huiketing.hall.models import VenuePhoto
    from tests.hall.test_venue_photos import jpeg
    from tests.matrix.hall import _venue_objects
    from tests.test_permission_matrix import Sample

    venue = _venue_objects(world, inside)[0]
    if not VenuePhoto.objects.filter(venue=venue).exists():
        venue_services.venue_photo_add(by=None, venue=venue, upload=jpeg(), captions={"zh-hans": "matrix"})
    return Sample({"pk": venue.pk}, venue)


REGISTRY: dict = {"hall:staff-venue-photos": _photos_sample}
EXPECTED: dict = {}
RULE_OBJECTS: dict = {}
