from django.db import connection
from django.test.utils import CaptureQueriesContext

from huiketing.places import geo, services
from tests.conftest import square

LOCATE = "/api/v1/regions/locate/"


def test_locate_inside_gives_the_grid_and_its_ancestors(client, tree):
    response = client.get(LOCATE, {"lat": 47.845, "lng": 88.105})
    assert response.status_code == 200
    body = response.json()
    assert body["grid"]["code"] == "654301001001001"
    assert len(body["grid"]["code"]) == 15
    assert body["grid"]["name"]
    assert body["community"]["code"] == "654301001001"
    assert body["subdistrict"]["code"] == "654301001"
    assert body["city"]["code"] == "654301"


def test_locate_outside_is_a_404_error_body(client, tree):
    response = client.get(LOCATE, {"lat": 47.0, "lng": 88.0}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["status"] == 404
    assert error["message"] == "This point is not inside any grid."


def test_locate_missing_lat_names_the_field(client, tree):
    response = client.get(LOCATE, {"lng": 88.105})
    assert response.status_code == 400
    error = response.json()["error"]
    assert list(error["fields"]) == ["lat"]


def test_locate_invalid_values_name_their_fields(client, tree):
    response = client.get(LOCATE, {"lat": "north", "lng": 200, "crs": "bd09"})
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"lat", "lng", "crs"}


def test_locate_converts_gcj02(client, tree):
    # Near the east edge of grid 001, as a phone reports it: the offset of ~300 m pushes it into grid 002.
    lat, lng = geo.wgs84_to_gcj02(47.845, 88.108)
    assert geo.grid_at(lat=lat, lng=lng).code == "654301001001002"
    response = client.get(LOCATE, {"lat": lat, "lng": lng, "crs": "gcj02"})
    assert response.status_code == 200
    body = response.json()
    assert body["grid"]["code"] == "654301001001001"
    assert abs(body["point"]["lat"] - 47.845) < 1e-6
    assert abs(body["point"]["lng"] - 88.108) < 1e-6


def test_region_list_filters_and_paginates(client, tree):
    response = client.get("/api/v1/regions/", {"level": "grid", "parent": "654301001001"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [item["code"] for item in body["results"]] == ["654301001001001", "654301001001002"]
    assert body["results"][0]["parent"] == "654301001001"
    assert client.get("/api/v1/regions/").json()["results"][0] == {
        "code": "654301",
        "level": "city",
        "name": "阿勒泰市",
        "names": tree.city.names,
        "parent": None,
        "centroid_lat": None,
        "centroid_lng": None,
    }
    bad = client.get("/api/v1/regions/", {"level": "planet"})
    assert bad.status_code == 400
    assert "level" in bad.json()["error"]["fields"]


def test_region_detail_with_ancestors_children_and_geometry(client, tree):
    body = client.get("/api/v1/regions/654301001001/").json()
    assert [a["code"] for a in body["ancestors"]] == ["654301", "654301001"]
    assert [c["code"] for c in body["children"]] == ["654301001001001", "654301001001002"]
    assert "boundary" not in body
    grid = client.get("/api/v1/regions/654301001001001/", {"geometry": "1"}).json()
    assert grid["boundary"] == square(88.10, 47.84, 0.01)
    missing = client.get("/api/v1/regions/654301009/")
    assert missing.status_code == 404
    assert missing.json()["error"]["status"] == 404


def test_service_points_filter(client, tree):
    services.service_point_create(by=None, kind="red_post", names={"zh-hans": "驿站"}, lat=47.845, lng=88.105)
    services.service_point_create(by=None, kind="canteen", names={"zh-hans": "食堂"}, lat=47.845, lng=88.135)
    body = client.get("/api/v1/service-points/", {"place": "654301001"}).json()
    assert body["count"] == 2
    assert client.get("/api/v1/service-points/", {"place": "654301001001001"}).json()["count"] == 1
    only = client.get("/api/v1/service-points/", {"kind": "canteen"}).json()
    assert [p["name"] for p in only["results"]] == ["食堂"]
    assert only["results"][0]["place_code"] == "654301001002002"


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_query_counts_do_not_grow_with_data(client, tree, django_assert_num_queries):
    for number in range(2):
        services.service_point_create(
            by=None, kind="red_post", names={"zh-hans": f"驿站{number}"}, lat=47.845, lng=88.105
        )
    small_regions = _count(client, "/api/v1/regions/")
    small_points = _count(client, "/api/v1/service-points/")
    for number in range(3, 30):
        services.place_create(by=None, code=f"654301001001{number:03d}", names={"zh-hans": f"网格{number}"})
        services.service_point_create(
            by=None, kind="talk_point", names={"zh-hans": f"说事点{number}"}, lat=47.845, lng=88.115
        )
    with django_assert_num_queries(small_regions):
        client.get("/api/v1/regions/")
    with django_assert_num_queries(small_points):
        client.get("/api/v1/service-points/")
    with django_assert_num_queries(2):  # the index stamp and the grid with its ancestors
        client.get(LOCATE, {"lat": 47.845, "lng": 88.105})


def test_schema_documents_the_endpoints(client, tree):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    locate = paths["/api/v1/regions/locate/"]["get"]
    assert {p["name"] for p in locate["parameters"]} >= {"lat", "lng", "crs"}
    assert {p["name"] for p in paths["/api/v1/regions/"]["get"]["parameters"]} >= {"level", "parent", "page"}
    assert "/api/v1/regions/{code}/" in paths
    assert "/api/v1/service-points/" in paths
