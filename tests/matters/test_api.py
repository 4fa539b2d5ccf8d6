"""The matters REST API for residents and the public: list, representation, raise, follow, evaluate,
categories, similar matters, my matters; errors in the API's one shape; Idempotency-Key on raising."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from huiketing.matters import services
from huiketing.matters.models import Evaluation, Follow, Matter, Status
from huiketing.people.models import Role
from huiketing.places.geo import wgs84_to_gcj02
from tests.matters.conftest import INSIDE_FIRST_GRID
from tests.matters.test_public_pages import GRID, make_done, raise_matter


@pytest.fixture
def api():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def resident_api(api, resident_user):
    api.force_authenticate(resident_user)
    return api


def jpeg(name="p.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 10)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def new_matter(**values) -> dict:
    lat, lng = INSIDE_FIRST_GRID
    return {
        "title": "路灯坏了",
        "description": "东门路灯不亮",
        "category": "public_facilities",
        "lat": lat,
        "lng": lng,
    }


# Reading --------------------------------------------------------------------------------------------------


def test_the_public_list_filters_and_pages(api, tree, categories, staff):
    for n in range(3):
        raise_matter(None, categories["public_facilities"], title=f"甲{n}")
    raise_matter(None, categories["environment"], title="乙", place_code=tree.grids[4].code)
    hidden = raise_matter(None, categories["environment"], title="藏")
    Matter.objects.filter(pk=hidden.pk).update(is_hidden=True)
    data = api.get("/api/v1/matters/").json()
    assert data["count"] == 4
    assert [item["title"] for item in data["results"]] == ["乙", "甲2", "甲1", "甲0"]
    first = data["results"][1]
    assert first["category"] == {"code": "public_facilities", "name": "Public facilities"}
    assert first["grid_name"] == "网格1-1-1 · 社区1-1"
    assert first["url"].endswith(f"/matters/{first['id']}/")
    assert api.get("/api/v1/matters/", {"place": tree.subdistricts[1].code}).json()["count"] == 1
    assert api.get("/api/v1/matters/", {"category": "environment"}).json()["count"] == 1
    assert api.get("/api/v1/matters/", {"status": "open"}).json()["count"] == 4
    assert api.get("/api/v1/matters/", {"status": "closed"}).json()["count"] == 0
    assert api.get("/api/v1/matters/", {"page_size": 2}).json()["next"]
    bad = api.get("/api/v1/matters/", {"place": "65x", "status": "lost"})
    assert bad.status_code == 400
    error = bad.json()["error"]
    assert error["code"] == "invalid" and set(error["fields"]) == {"place", "status"}
    assert error["fields"]["place"] == ["A place code has 6 to 15 digits."]


def test_one_matter_with_its_public_timeline(api, tree, categories, staff, units):
    matter = raise_matter(None, categories["public_facilities"], photos=[jpeg()])
    community = staff[Role.COMMUNITY_STAFF]
    services.matter_accept(by=community, matter=matter)
    services.matter_dispatch(by=community, matter=matter, units=[units.department])
    services.matter_update_post(by=community, matter=matter, text="仅内部可见", is_public=False)
    data = api.get(f"/api/v1/matters/{matter.pk}/").json()
    assert data["status"] == "in_progress" and data["resolve_due_at"]
    assert [entry["kind"] for entry in data["timeline"]] == ["raised", "accepted", "dispatched"]
    assert data["timeline"][2]["sentence"] == "Sent to City management to be handled."
    assert data["timeline"][2]["unit"] == "City management"
    assert data["units"] == [
        {
            "name": "City management",
            "kind": "department",
            "kind_display": "Government department",
            "status": "waiting",
            "status_display": "Waiting to be signed for",
        }
    ]
    assert len(data["photos"]) == 1 and "/matters/photos/" in data["photos"][0]
    assert data["following"] is None and data["can_evaluate"] is False
    assert "仅内部可见" not in str(data)
    Matter.objects.filter(pk=matter.pk).update(is_hidden=True)
    missing = api.get(f"/api/v1/matters/{matter.pk}/")
    assert missing.status_code == 404 and missing.json()["error"]["status"] == 404


def test_a_merged_matter_names_its_original(api, tree, categories, staff):
    original = raise_matter(None, categories["public_facilities"])
    duplicate = raise_matter(None, categories["public_facilities"])
    services.matter_merge(by=staff[Role.COMMUNITY_STAFF], matter=duplicate, into=original)
    data = api.get(f"/api/v1/matters/{duplicate.pk}/").json()
    assert data["status"] == "merged" and data["merged_into"] == original.pk


def test_categories(api, tree, categories):
    categories["neighbours"].is_active = False
    categories["neighbours"].save()
    data = api.get("/api/v1/matters/categories/").json()
    assert [item["code"] for item in data] == ["public_facilities", "environment", "property"]
    assert data[1] == {
        "code": "environment",
        "name": "Environment and sanitation",
        "description": "",
        "default_unit_kind": "department",
        "sign_hours": 24,
        "resolve_working_days": 5,
    }


def test_similar_matters(api, tree, categories):
    existing = raise_matter(
        None, categories["public_facilities"], title="东门路灯坏了", description="晚上不亮"
    )
    raise_matter(None, categories["public_facilities"], title="垃圾没人清运", description="三天了")
    data = api.get("/api/v1/matters/similar/", {"text": "路灯坏了", "grid": GRID}).json()
    assert [item["id"] for item in data["results"]] == [existing.pk]
    assert data["results"][0]["score"] > 0
    bad = api.get("/api/v1/matters/similar/", {"text": "路灯", "grid": "123", "crs": "bd09"})
    assert bad.status_code == 400 and set(bad.json()["error"]["fields"]) == {"grid", "crs"}


# Raising --------------------------------------------------------------------------------------------------


def test_raising_needs_an_account(api, tree, categories):
    response = api.post("/api/v1/matters/", new_matter(), format="json")
    assert response.status_code == 401
    assert not Matter.objects.exists()


def test_raise_by_coordinates_gcj02_or_grid(resident_api, tree, categories, resident_user):
    response = resident_api.post("/api/v1/matters/", new_matter(), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    matter = Matter.objects.get(pk=data["id"])
    assert response["Location"] == f"/api/v1/matters/{matter.pk}/"
    assert matter.place_code == GRID and matter.raised_by == resident_user and matter.channel == "web"
    assert data["following"] is True and data["timeline"][0]["kind"] == "raised"

    lat, lng = INSIDE_FIRST_GRID
    glat, glng = wgs84_to_gcj02(lat, lng)
    assert abs(glng - lng) > 0.001  # GCJ-02 is hundreds of metres off here
    shifted = resident_api.post(
        "/api/v1/matters/", {**new_matter(), "lat": glat, "lng": glng, "crs": "gcj02"}, format="json"
    )
    assert shifted.status_code == 201
    stored = Matter.objects.get(pk=shifted.json()["id"])
    assert stored.place_code == GRID
    assert abs(stored.latitude - lat) < 1e-6 and abs(stored.longitude - lng) < 1e-6

    by_grid = {**new_matter(), "lat": None, "lng": None, "grid": tree.grids[3].code}
    response = resident_api.post("/api/v1/matters/", by_grid, format="json")
    assert response.status_code == 201
    assert Matter.objects.get(pk=response.json()["id"]).place_code == tree.grids[3].code


def test_raise_errors_name_the_field(resident_api, tree, categories):
    def error(values) -> dict:
        response = resident_api.post("/api/v1/matters/", values, format="json")
        assert response.status_code == 400, response.content
        return response.json()["error"]["fields"]

    assert set(error({"description": "x"})) == {"title", "category"}
    assert error({**new_matter(), "category": "no-such"}) == {"category": ["Choose a category."]}
    assert error({**new_matter(), "lng": None}) == {
        "lat": ["Give both the latitude and the longitude, or neither."]
    }
    assert error({**new_matter(), "lat": None, "lng": None}) == {
        "lat": ["Put a pin on the map, use your location, or choose the grid."]
    }
    assert error({**new_matter(), "lat": 40.0, "lng": 116.4}) == {
        "lat": ["This place is outside every grid we serve."]
    }
    assert "grid" in error({**new_matter(), "lat": None, "lng": None, "grid": "654301"})
    assert not Matter.objects.exists()


def test_raise_with_photos_multipart(resident_api, tree, categories):
    two = {**new_matter(), "photos": [jpeg("a.jpg"), jpeg("b.jpg")]}
    response = resident_api.post("/api/v1/matters/", two, format="multipart")
    assert response.status_code == 201, response.content
    assert Matter.objects.get().photos.count() == 2
    assert len(response.json()["photos"]) == 2
    fake = SimpleUploadedFile("c.jpg", b"GIF89a but not really", content_type="image/jpeg")
    refused = resident_api.post("/api/v1/matters/", {**new_matter(), "photos": [fake]}, format="multipart")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {"photos": ["This file is not a photo we can read."]}
    seven = {**new_matter(), "photos": [jpeg() for _ in range(7)]}
    too_many = resident_api.post("/api/v1/matters/", seven, format="multipart")
    assert too_many.status_code == 400 and "photos" in too_many.json()["error"]["fields"]
    assert Matter.objects.count() == 1


def test_a_resent_raise_with_the_same_idempotency_key_creates_one_matter(resident_api, tree, categories):
    first = resident_api.post("/api/v1/matters/", new_matter(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = resident_api.post("/api/v1/matters/", new_matter(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert Matter.objects.count() == 1


# Following, evaluating, my matters ------------------------------------------------------------------------


def test_follow_and_unfollow(resident_api, tree, categories, resident_user):
    matter = raise_matter(None, categories["public_facilities"])
    assert APIClient().post(f"/api/v1/matters/{matter.pk}/follow/").status_code == 401
    response = resident_api.post(f"/api/v1/matters/{matter.pk}/follow/")
    assert response.status_code == 200 and response.json() == {"following": True}
    assert Follow.objects.filter(matter=matter, user=resident_user).exists()
    assert resident_api.get(f"/api/v1/matters/{matter.pk}/").json()["following"] is True
    response = resident_api.delete(f"/api/v1/matters/{matter.pk}/follow/")
    assert response.json() == {"following": False}
    assert not Follow.objects.filter(matter=matter).exists()
    Matter.objects.filter(pk=matter.pk).update(is_hidden=True)
    assert resident_api.post(f"/api/v1/matters/{matter.pk}/follow/").status_code == 404


def test_evaluate(resident_api, tree, categories, staff, units, resident_user, make_user):
    matter = make_done(raise_matter(resident_user, categories["public_facilities"]), staff, units)
    assert resident_api.get(f"/api/v1/matters/{matter.pk}/").json()["can_evaluate"] is True
    other = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    other.force_authenticate(make_user("t_other", Role.RESIDENT, GRID))
    refused = other.post(f"/api/v1/matters/{matter.pk}/evaluate/", {"solved": True, "result": "satisfied"})
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "Only the resident who raised this matter can evaluate it."
    assert not Evaluation.objects.exists()

    no_comment = resident_api.post(
        f"/api/v1/matters/{matter.pk}/evaluate/", {"solved": False, "result": "not_satisfied"}, format="json"
    )
    assert no_comment.status_code == 400 and "comment" in no_comment.json()["error"]["fields"]
    response = resident_api.post(
        f"/api/v1/matters/{matter.pk}/evaluate/",
        {"solved": True, "result": "basically", "comment": "还行"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json() == {
        "round": 1,
        "result": "basically",
        "solved": True,
        "comment": "还行",
        "matter_status": "closed",
    }
    again = resident_api.post(
        f"/api/v1/matters/{matter.pk}/evaluate/", {"solved": True, "result": "satisfied"}, format="json"
    )
    assert again.status_code == 400
    assert again.json()["error"]["message"] == "This round of handling has already been evaluated."
    assert Evaluation.objects.count() == 1
    matter.refresh_from_db()
    assert matter.status == Status.CLOSED


def test_my_matters(resident_api, tree, categories, staff, units, resident_user):
    assert APIClient().get("/api/v1/me/matters/").status_code == 401
    done = make_done(
        raise_matter(resident_user, categories["public_facilities"], title="办完的"), staff, units
    )
    followed = raise_matter(None, categories["environment"], title="关注的")
    services.matter_follow(by=resident_user, matter=followed)
    raise_matter(None, categories["environment"], title="别人的")
    data = resident_api.get("/api/v1/me/matters/").json()
    assert [(item["id"], item["raised_by_me"], item["awaiting_evaluation"]) for item in data["results"]] == [
        (done.pk, True, True),
        (followed.pk, False, False),
    ]


def test_the_schema_documents_the_endpoints(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    for path in [
        "/api/v1/matters/",
        "/api/v1/matters/{id}/",
        "/api/v1/matters/{id}/follow/",
        "/api/v1/matters/{id}/evaluate/",
        "/api/v1/matters/categories/",
        "/api/v1/matters/similar/",
        "/api/v1/me/matters/",
    ]:
        assert path in schema["paths"], path
    assert set(schema["paths"]["/api/v1/matters/"]) >= {"get", "post"}
    assert set(schema["paths"]["/api/v1/matters/{id}/follow/"]) >= {"post", "delete"}
