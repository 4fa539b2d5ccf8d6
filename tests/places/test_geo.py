import math

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huiketing.places import geo, services
from tests.conftest import square


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat = math.radians((a[0] + b[0]) / 2)
    dy = (a[0] - b[0]) * 111_320
    dx = (a[1] - b[1]) * 111_320 * math.cos(lat)
    return math.hypot(dx, dy)


def test_forward_formula_matches_the_known_beijing_pair():
    gcj = geo.wgs84_to_gcj02(39.9087, 116.3975)
    assert metres(gcj, (39.9101, 116.4037)) < 15  # the published pair is rounded to 4 decimals
    assert metres(gcj, (39.9087, 116.3975)) > 400  # the offset is hundreds of metres


@pytest.mark.parametrize(("lat", "lng"), [(39.9087, 116.3975), (47.845, 88.105), (22.54, 114.06)])
def test_inverse_is_within_a_metre(lat, lng):
    gcj = geo.wgs84_to_gcj02(lat, lng)
    assert metres(geo.gcj02_to_wgs84(*gcj), (lat, lng)) < 1


def test_points_outside_china_are_unchanged():
    assert geo.wgs84_to_gcj02(48.8566, 2.3522) == (48.8566, 2.3522)
    assert geo.gcj02_to_wgs84(-33.86, 151.2) == (-33.86, 151.2)
    assert geo.to_wgs84(47.0, 88.0, "wgs84") == (47.0, 88.0)


def test_valid_boundary_is_kept():
    boundary = geo.boundary_clean(square(88.1, 47.84, 0.01))
    assert boundary.geojson == square(88.1, 47.84, 0.01)
    assert not boundary.repaired
    assert boundary.centroid_lat == pytest.approx(47.845)
    assert boundary.centroid_lng == pytest.approx(88.105)


def test_self_intersecting_polygon_is_repaired_and_says_so():
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    boundary = geo.boundary_clean(bowtie)
    assert boundary.repaired
    assert boundary.geojson["type"] == "MultiPolygon"
    assert len(boundary.geojson["coordinates"]) == 2
    assert "repaired" in boundary.messages[0]


def test_clockwise_ring_is_oriented():
    clockwise = {"type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]]}
    boundary = geo.boundary_clean(clockwise)
    assert boundary.repaired
    from shapely.geometry import shape

    assert shape(boundary.geojson).exterior.is_ccw


def test_centroid_outside_a_crescent_falls_back_inside():
    # A U shape whose centroid lies in the gap between its arms.
    u_shape = {
        "type": "Polygon",
        "coordinates": [[[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3], [0, 0]]],
    }
    boundary = geo.boundary_clean(u_shape)
    from shapely.geometry import Point, shape

    assert shape(boundary.geojson).contains(Point(boundary.centroid_lng, boundary.centroid_lat))


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ({"type": "Point", "coordinates": [88.1, 47.8]}, "only Polygon and MultiPolygon"),
        ({"type": "LineString", "coordinates": [[0, 0], [1, 1]]}, "only Polygon and MultiPolygon"),
        ({"coordinates": []}, "only Polygon"),
        ([1, 2], "GeoJSON Polygon"),
        ("{not json", "not valid JSON"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 0]]]}, "at least four positions"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, "a"], [1, 0], [0, 0]]]}, "must be a number"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [200, 1], [1, 0], [0, 0]]]}, "not a longitude"),
        ({"type": "Polygon", "coordinates": []}, "at least one ring"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [2, 2], [0, 0]]]}, "no area"),
    ],
)
def test_bad_boundaries_are_refused_naming_the_field(value, fragment):
    with pytest.raises(ValidationError) as caught:
        geo.boundary_clean(value, field_name="geometry")
    assert fragment in caught.value.message_dict["geometry"][0]


def test_index_finds_the_grid_inside(tree):
    grid = geo.grid_at(lat=47.845, lng=88.105)
    assert grid.code == "654301001001001"
    assert grid.parent.parent.parent.code == "654301"
    assert geo.grid_at(lat=47.845, lng=88.175).code == "654301002002002"


def test_index_returns_none_outside(tree):
    assert geo.grid_at(lat=47.80, lng=88.105) is None
    assert geo.grid_at(lat=10.0, lng=10.0) is None


def test_shared_edge_picks_the_lowest_code(tree):
    # Grids 001 and 002 of the first community share the edge lng = 88.11.
    assert geo.grid_at(lat=47.845, lng=88.11).code == "654301001001001"
    # Grid 002 of community 001 and grid 001 of community 002 share lng = 88.12.
    assert geo.grid_at(lat=47.845, lng=88.12).code == "654301001001002"


def test_index_is_built_once_and_rebuilt_after_a_boundary_change(tree):
    geo.grid_at(lat=47.845, lng=88.105)
    built = geo.grid_index._tree
    geo.grid_at(lat=47.845, lng=88.115)
    assert geo.grid_index._tree is built
    with CaptureQueriesContext(connection) as queries:
        geo.grid_index.grid_id_at(47.845, 88.105)
    assert len(queries) == 1  # only the version stamp

    far = tree.grids[0]
    services.place_update(by=None, place=far, boundary=square(89.0, 47.0, 0.01))
    assert geo.grid_at(lat=47.005, lng=89.005).code == far.code
    assert geo.grid_index._tree is not built
    assert geo.grid_at(lat=47.845, lng=88.105) is None


def test_index_sees_a_new_grid(tree):
    assert geo.grid_at(lat=47.855, lng=88.105) is None
    services.place_create(
        by=None, code="654301001001003", names={"zh-hans": "新网格"}, boundary=square(88.10, 47.85, 0.01)
    )
    assert geo.grid_at(lat=47.855, lng=88.105).code == "654301001001003"


def test_svg_map_draws_the_place_and_its_children(tree):
    community = tree.communities[0]
    svg = geo.svg_map(community, list(community.children.all()))
    assert [shape.code for shape in svg.shapes] == ["654301001001001", "654301001001002"]
    assert all(shape.d.startswith("M") and shape.d.endswith("Z") for shape in svg.shapes)
    assert geo.svg_map(tree.city, []) is None
