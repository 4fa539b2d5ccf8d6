"""The demo's place tree: counts, codes, boundaries that tile, and the grid numbering rule."""

import itertools

from shapely.geometry import Point, shape
from shapely.ops import unary_union

from huiketing.places.models import Level, Place, ServicePoint

LANGUAGES = {"zh-hans", "ug", "kk", "en"}
CENTRE = Point(88.1396, 47.8456)


def polygons(level):
    return {p.code: shape(p.boundary) for p in Place.objects.filter(level=level, is_demo=True)}


def test_counts_match_the_reference_deployment(demo):
    assert Place.objects.filter(level=Level.CITY, code="654301", is_demo=True).count() == 1
    assert Place.objects.filter(level=Level.SUBDISTRICT).count() == 4
    assert Place.objects.filter(level=Level.COMMUNITY).count() == 23
    assert Place.objects.filter(level=Level.GRID).count() == 89
    assert ServicePoint.objects.count() == 41
    assert not Place.objects.filter(is_demo=False).exists()
    assert not ServicePoint.objects.filter(is_demo=False).exists()
    assert demo.counts["grids"] == 89
    assert demo.counts["service_points"] == 41


def test_subdistricts_are_the_real_ones(demo):
    names = dict(
        Place.objects.filter(level=Level.SUBDISTRICT).values_list("code", "names__zh-hans").order_by("code")
    )
    assert names == {
        "654301001": "金山路街道",
        "654301002": "解放路街道",
        "654301003": "团结路街道",
        "654301004": "恰秀路街道",
    }


def test_codes_follow_the_format_rules(demo):
    lengths = {Level.CITY: 6, Level.SUBDISTRICT: 9, Level.COMMUNITY: 12, Level.GRID: 15}
    for place in Place.objects.select_related("parent"):
        assert place.code.isdigit()
        assert len(place.code) == lengths[place.level]
        if place.level == Level.CITY:
            assert place.parent is None
            continue
        assert place.code.startswith(place.parent.code)
        assert len(place.parent.code) == len(place.code) - 3
        own = int(place.code[-3:])
        if place.level == Level.SUBDISTRICT:
            assert 1 <= own <= 99
        elif place.level == Level.COMMUNITY:
            assert 1 <= own <= 199
        else:
            assert 1 <= own <= 999


def test_every_place_has_names_a_boundary_and_a_centroid(demo):
    for place in Place.objects.all():
        assert set(place.names) == LANGUAGES
        assert all(place.names.values())
        ring = place.boundary["coordinates"][0]
        assert place.boundary["type"] == "Polygon"
        assert ring[0] == ring[-1]
        polygon = shape(place.boundary)
        assert polygon.exterior.is_ccw
        assert polygon.is_valid
        assert polygon.contains(Point(place.centroid_lng, place.centroid_lat))
        assert 88.0 < place.centroid_lng < 88.3 and 47.7 < place.centroid_lat < 47.95


def test_grid_names_carry_their_number(demo):
    grid = Place.objects.get(code="654301002003004")
    assert grid.names == {"zh-hans": "第4网格", "ug": "4-تور", "kk": "4-تور", "en": "Grid 4"}


def test_grids_do_not_overlap_and_tile_their_community(demo):
    grids = polygons(Level.GRID)
    for (code_a, a), (code_b, b) in itertools.combinations(grids.items(), 2):
        if a.intersects(b):
            assert a.intersection(b).area < 1e-12, (code_a, code_b)
    for level, child_level in ((Level.CITY, Level.SUBDISTRICT), (Level.SUBDISTRICT, Level.COMMUNITY)):
        parents, children = polygons(level), polygons(child_level)
        for code, parent in parents.items():
            union = unary_union([p for c, p in children.items() if c.startswith(code)])
            assert abs(union.area - parent.area) < 1e-9
            assert parent.symmetric_difference(union).area < 1e-9
    for code, community in polygons(Level.COMMUNITY).items():
        union = unary_union([p for c, p in grids.items() if c.startswith(code)])
        assert abs(union.area - community.area) < 1e-9
        assert community.symmetric_difference(union).area < 1e-9


def test_the_city_centre_lies_in_exactly_one_grid(demo):
    containing = [code for code, polygon in polygons(Level.GRID).items() if polygon.contains(CENTRE)]
    assert len(containing) == 1
    assert containing[0].startswith("654301")
    assert containing[0].startswith("654301001001")


def test_grids_are_numbered_west_to_east_then_north_to_south(demo):
    grids = polygons(Level.GRID)
    for community in Place.objects.filter(level=Level.COMMUNITY):
        codes = sorted(c for c in grids if c.startswith(community.code))
        assert [int(c[-3:]) for c in codes] == list(range(1, len(codes) + 1))
        for first, second in itertools.pairwise(codes):
            a, b = grids[first], grids[second]
            a_south, a_north = a.bounds[1], a.bounds[3]
            b_south, b_north = b.bounds[1], b.bounds[3]
            overlap = min(a_north, b_north) - max(a_south, b_south)
            same_row = overlap > 0.5 * min(a_north - a_south, b_north - b_south)
            if same_row:
                assert b.centroid.x > a.centroid.x, (first, second)
            else:
                # A new row starts south of the previous one, back at the community's west side.
                assert b.centroid.y < a.centroid.y, (first, second)
                assert b.centroid.x < a.centroid.x, (first, second)


def test_grid_attributes(demo):
    grids = Place.objects.filter(level=Level.GRID)
    types = list(grids.values_list("grid_type", flat=True))
    assert types.count("commercial") == 2
    assert types.count("integrated") == 87
    assert all(g.households and 50 <= g.households <= 1000 for g in grids)
    assert all(g.notes for g in grids)


def test_every_service_point_lies_inside_its_grid(demo):
    grids = polygons(Level.GRID)
    for point in ServicePoint.objects.select_related("place"):
        assert point.place.level == Level.GRID
        assert point.place_code == point.place.code
        assert grids[point.place_code].contains(Point(point.lng, point.lat)), point.names["zh-hans"]
        assert [c for c, g in grids.items() if g.contains(Point(point.lng, point.lat))] == [point.place_code]


def test_service_points_are_complete(demo):
    kinds = dict.fromkeys(
        ["red_post", "talk_point", "opinion_workshop", "living_room", "business_living_room", "canteen"], 0
    )
    kinds["day_care"] = 0
    for point in ServicePoint.objects.all():
        kinds[point.kind] += 1
        assert set(point.names) == LANGUAGES and all(point.names.values())
        assert point.address["zh-hans"].startswith("阿勒泰市")
        assert point.phone.startswith("0906-") and len(point.phone) == 12 and point.phone[5:].isdigit()
        assert point.opening_hours
        for period in point.opening_hours:
            assert set(period) == {"days", "opens", "closes"}
            assert set(period["days"]) <= set(range(1, 8))
            assert period["opens"] < period["closes"]
    assert kinds == {
        "red_post": 12,
        "talk_point": 8,
        "opinion_workshop": 4,
        "living_room": 6,
        "business_living_room": 4,
        "canteen": 4,
        "day_care": 3,
    }
    business = set(
        ServicePoint.objects.filter(kind="business_living_room").values_list("names__zh-hans", flat=True)
    )
    assert {"五公里商圈党群会客厅", "万驰广场商圈党群会客厅"} <= business
