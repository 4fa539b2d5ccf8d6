import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from huiketing.people.models import Role
from huiketing.places import services
from huiketing.places.models import Place, PlaceCodeHistory
from tests.conftest import square

IMPORT = "/staff/places/import/"
RENUMBER = "/staff/places/654301001001/renumber/"


def login(client, user):
    client.force_login(user)
    return client


def test_detail_page_draws_an_inline_svg_map(client, tree):
    response = client.get("/places/654301001001/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<svg class="map"' in html
    assert html.count("<path ") == 2
    assert "http" not in html.split('<svg class="map"')[1].split("</svg>")[0].replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    assert "Renumber" not in html and "/renumber/" not in html


def test_detail_page_links_the_renumber_page_for_staff_in_scope(client, tree, staff):
    html = login(client, staff[Role.COMMUNITY_STAFF]).get("/places/654301001001/").content.decode()
    assert RENUMBER in html
    html = client.get("/places/654301001002/").content.decode()
    assert "/renumber/" not in html


@pytest.mark.parametrize("url", [IMPORT, RENUMBER])
def test_anonymous_is_sent_to_login(client, tree, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_resident_and_grid_staff_are_refused(client, tree, staff, make_user):
    resident = make_user("res", Role.RESIDENT, tree.grids[0].code)
    for user in (resident, staff[Role.GRID_LEADER], staff[Role.GRID_WORKER]):
        login(client, user)
        assert client.get(IMPORT).status_code == 403
        assert client.get(RENUMBER).status_code == 404
        assert client.post(RENUMBER).status_code == 404


def test_out_of_scope_community_staff_gets_404(client, tree, make_user):
    other = make_user("other-community", Role.COMMUNITY_STAFF, "654301001002")
    login(client, other)
    assert client.get(RENUMBER).status_code == 404
    assert client.get("/staff/places/654301001002/renumber/").status_code == 200
    assert client.get(IMPORT).status_code == 403


def test_renumber_page_requires_a_community(client, tree, staff):
    login(client, staff[Role.ADMIN])
    assert client.get("/staff/places/654301001/renumber/").status_code == 404
    assert client.get("/staff/places/654301001001001/renumber/").status_code == 404
    assert client.get("/staff/places/654301009001/renumber/").status_code == 404


@pytest.mark.parametrize(
    "role", [Role.COMMUNITY_STAFF, Role.SUBDISTRICT_OFFICER, Role.CITY_OFFICER, Role.ADMIN]
)
def test_renumber_preview_then_apply(client, tree, staff, role):
    first, second = tree.grids[0], tree.grids[1]
    services.place_update(by=None, place=first, boundary=square(88.11, 47.84, 0.01))
    services.place_update(by=None, place=second, boundary=square(88.10, 47.84, 0.01))
    login(client, staff[role])
    html = client.get(RENUMBER).content.decode()
    assert "<bdi>654301001001001</bdi>" in html and '<form method="post"' in html
    assert not PlaceCodeHistory.objects.exists()
    response = client.post(RENUMBER)
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.code == "654301001001002"
    assert PlaceCodeHistory.objects.count() == 2
    html = client.get(RENUMBER).content.decode()
    assert '<form method="post"' not in html.split("<main")[1]


@pytest.mark.parametrize("role", [Role.CITY_OFFICER, Role.ADMIN])
def test_import_page_checks_and_imports(client, tree, staff, role):
    login(client, staff[role])
    assert client.get(IMPORT).status_code == 200
    csv = "code,name\n654301003000,新街道\n654301003001,新社区\n65430100,坏\n".encode("gb18030")
    response = client.post(
        IMPORT, {"kind": "places", "mode": "commit", "file": SimpleUploadedFile("p.csv", csv, "text/csv")}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert '<tr class="bad">' in html
    assert "<td><bdi>4</bdi></td>" in html  # the bad row, by line number
    assert not Place.objects.filter(code="654301003").exists()
    good = "\ufeffcode,name\n654301003000,新街道\n654301003001,新社区\n".encode()
    response = client.post(
        IMPORT, {"kind": "places", "mode": "commit", "file": SimpleUploadedFile("p.csv", good, "text/csv")}
    )
    assert Place.objects.filter(code="654301003001").exists()


def test_import_page_takes_geojson(client, tree, staff):
    login(client, staff[Role.ADMIN])
    content = (
        b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"code": "654301001"},'
        b' "geometry": {"type": "Point", "coordinates": [88, 47]}}]}'
    )
    response = client.post(
        IMPORT, {"kind": "boundaries", "mode": "dry_run", "file": SimpleUploadedFile("b.geojson", content)}
    )
    html = response.content.decode()
    assert '<tr class="bad">' in html
    assert "Point" in html


def test_import_form_errors_are_shown(client, tree, staff):
    login(client, staff[Role.ADMIN])
    response = client.post(IMPORT, {"kind": "maps", "mode": "commit"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"kind", "file"}
