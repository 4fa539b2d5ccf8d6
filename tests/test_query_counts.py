"""Pages ask the database the same number of questions however much data there is (STYLE.md 7)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huiketing.places.models import Level, Place, ServicePoint, ServicePointKind
from tests.conftest import square

PAGES = [
    "/",
    "/places/",
    "/places/654301/",
    "/places/654301001/",
    "/places/654301001001/",
    "/places/654301001001001/",
]


def _count(client, path: str) -> int:
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


def _grow(tree, make_user, n: int) -> None:
    """Add n grids with leaders to the first community, and n service points to its first grid."""
    community, grid = tree.communities[0], tree.grids[0]
    for i in range(n):
        leader = make_user(f"grow-leader-{i}")
        Place.objects.create(
            code=f"{community.code}{100 + i:03d}",
            level=Level.GRID,
            parent=community,
            names={"zh-hans": f"新网格{i}"},
            boundary=square(88.30 + 0.01 * i, 47.90, 0.01),
            leader=leader,
            grid_type="integrated",
        )
        ServicePoint.objects.create(
            kind=ServicePointKind.RED_POST,
            names={"zh-hans": f"驿站{i}"},
            place=grid,
            place_code=grid.code,
            lat=47.845,
            lng=88.105,
            opening_hours=[{"days": [1, 2, 3], "opens": "09:00", "closes": "17:00"}],
        )


@pytest.mark.parametrize("path", PAGES)
def test_public_pages_do_not_ask_more_with_more_data(client, tree, make_user, path):
    before = _count(client, path)
    _grow(tree, make_user, 15)
    assert _count(client, path) == before


def test_staff_pages_do_not_ask_more_with_more_data(client, tree, staff, make_user):
    client.force_login(staff["community_staff"])
    paths = [f"/staff/places/{tree.communities[0].code}/renumber/", "/account/"]
    before = {path: _count(client, path) for path in paths}
    _grow(tree, make_user, 15)
    assert {path: _count(client, path) for path in paths} == before
