"""Open311 GeoReport v2 over HTTP: services, service definitions, requests (GET and POST), tokens, errors.

Every answer is checked in both formats: JSON parsed with json, XML with xml.etree (so it is well-formed),
against the element names and shapes of the published spec.
"""

import io
import json
import threading
from datetime import UTC, timedelta
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from PIL import Image
from rest_framework.throttling import AnonRateThrottle

from huiketing.matters import services
from huiketing.matters.models import Channel, Matter, Open311Client, Status
from huiketing.places.models import Level, Place, ServicePoint, ServicePointKind
from tests.matters.conftest import INSIDE_FIRST_GRID

BASE = "/open311/v2/"
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


def get(client, path: str, params: dict | None = None, **headers):
    return client.get(BASE + path, params or {}, HTTP_ACCEPT_LANGUAGE="en", **headers)


def post(client, data: dict, fmt: str = "json", **headers):
    return client.post(
        f"{BASE}requests.{fmt}",
        urlencode(data, doseq=True),
        content_type="application/x-www-form-urlencoded; charset=utf-8",
        HTTP_ACCEPT_LANGUAGE="en",
        **headers,
    )


def body(response):
    """The answer as plain data: JSON as it is; XML as lists of dicts of text (checked to be well-formed)."""
    if response["Content-Type"].startswith("application/json"):
        return json.loads(response.content)
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = ElementTree.fromstring(response.content)  # noqa: S314 (our own answer, in a test)

    def convert(element):
        children = list(element)
        if not children:
            return element.text
        if element.tag in ("services", "service_requests", "errors", "attributes", "values"):
            return [convert(child) for child in children]
        return {child.tag: convert(child) for child in children}

    return root.tag, convert(root)


def errors(response) -> list[dict]:
    data = body(response)
    if isinstance(data, tuple):
        tag, items = data
        assert tag == "errors"
        assert all(set(item) == {"code", "description"} for item in items)
        return [{"code": int(item["code"]), "description": item["description"]} for item in items]
    assert isinstance(data, list) and all(set(item) == {"code", "description"} for item in data)
    return data


def raise_matter(categories, tree, **extra) -> Matter:
    fields = {
        "by": None,
        "title": "路灯不亮",
        "description": "3号楼前的路灯坏了",
        "category": categories["public_facilities"],
        "place_code": tree.grids[0].code,
    }
    return services.matter_raise(**{**fields, **extra})


def valid_post(key: str, **extra) -> dict:
    lat, lng = INSIDE_FIRST_GRID
    return {
        "api_key": key,
        "service_code": "public_facilities",
        "lat": lat,
        "long": lng,
        "description": "The street lamp at building 3 is out.\nIt has been dark for a week.",
        **extra,
    }


# --- Services ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_services_lists_the_active_categories(client, tree, categories, fmt):
    services.category_save(by=None, code="retired", names={"en": "Retired"}, is_active=False)
    response = get(client, f"services.{fmt}")
    assert response.status_code == 200
    data = body(response)
    if fmt == "xml":
        tag, data = data
        assert tag == "services"
        for item in data:
            item["metadata"] = item["metadata"] == "true"
    assert [item["service_code"] for item in data] == list(categories)
    first = data[0]
    assert set(first) == {
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    }
    assert first["service_name"] == "Public facilities"
    assert first["type"] == "realtime"
    assert first["metadata"] is True
    assert "公共设施" in first["keywords"]


def test_service_names_follow_the_request_language(client, categories):
    response = client.get(BASE + "services.json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert json.loads(response.content)[0]["service_name"] == "公共设施"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_service_definition_has_the_optional_title_attribute(client, categories, fmt):
    response = get(client, f"services/environment.{fmt}")
    assert response.status_code == 200
    data = body(response)
    if fmt == "xml":
        tag, data = data
        assert tag == "service_definition"
    assert data["service_code"] == "environment"
    (attribute,) = data["attributes"]
    assert attribute["code"] == "title"
    assert attribute["datatype"] == "string"
    assert str(attribute["required"]).lower() == "false"
    assert str(attribute["variable"]).lower() == "true"
    assert int(attribute["order"]) == 1


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_service_is_404_with_the_error_list(client, categories, fmt):
    response = get(client, f"services/nothing-here.{fmt}")
    assert response.status_code == 404
    assert errors(response) == [
        {"code": 404, "description": "service_code nothing-here was not found (see GET services)."}
    ]


@pytest.mark.parametrize("path", ["services", "services.html", "requests", "requests/1", "tokens/abc.yaml"])
def test_a_url_without_xml_or_json_is_404_in_xml(client, categories, path):
    response = get(client, path)
    assert response.status_code == 404
    assert errors(response)[0]["code"] == 404
    assert ".xml or .json" in errors(response)[0]["description"]


def test_a_method_a_resource_does_not_take_is_405_with_the_error_list(client, categories):
    response = client.post(BASE + "services.json", {})
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert errors(response)[0]["description"] == "POST is not allowed here; use GET."
    assert errors(response)[0]["code"] == 405


# --- POST requests, then reading it back -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_then_get_by_id_by_token_and_by_filters(client, tree, categories, open311_client, fmt):
    response = post(
        client,
        valid_post(
            open311_client.key,
            first_name="Li",
            last_name="Hua",
            phone="13912345678",
            email="lihua@example.org",
            device_id="device-1",
            account_id="acct-9",
            address_string="Building 3",
            **{"attribute[title]": "Street lamp out"},
        ),
        fmt,
    )
    assert response.status_code == 200, response.content
    data = body(response)
    if fmt == "xml":
        tag, data = data
        assert tag == "service_requests"
    (created,) = data
    # Realtime: the id at once and, as the spec says, no token beside it.
    assert set(created) == {"service_request_id", "service_notice", "account_id"}
    assert created["account_id"] is None
    assert "7 working days" in created["service_notice"]
    matter = Matter.objects.get(pk=int(created["service_request_id"]))
    assert matter.channel == Channel.OPEN311
    assert matter.open311_client == open311_client.client
    assert matter.place_code == tree.grids[0].code
    assert matter.title == "Street lamp out"
    assert matter.address == "Building 3"
    assert (matter.contact_name, matter.contact_phone, matter.contact_email) == (
        "Li Hua",
        "13912345678",
        "lihua@example.org",
    )
    assert matter.raised_by is None and matter.language == "en"

    response = get(client, f"requests/{matter.pk}.{fmt}")
    assert response.status_code == 200
    data = body(response)
    if fmt == "xml":
        tag, data = data
        assert tag == "service_requests"
    (one,) = data
    assert list(one) == REQUEST_FIELDS
    assert one["service_request_id"] == str(matter.pk)
    assert one["status"] == "open"
    assert one["service_code"] == "public_facilities"
    assert one["service_name"] == "Public facilities"
    assert one["address_id"] == tree.grids[0].code
    assert one["address"] == "Building 3"
    assert one["requested_datetime"].endswith("+08:00")
    assert float(one["lat"]) == INSIDE_FIRST_GRID[0]

    response = get(client, f"tokens/{matter.token}.{fmt}")
    assert response.status_code == 200
    data = body(response)
    if fmt == "xml":
        data = data[1]
    assert data == [{"service_request_id": str(matter.pk), "token": str(matter.token)}]

    for params in [
        {"service_request_id": f"{matter.pk},999999"},
        {"service_code": "environment,public_facilities"},
        {"status": "open"},
        {"start_date": (timezone.now() - timedelta(days=1)).isoformat()},
    ]:
        data = body(get(client, f"requests.{fmt}", params))
        data = data[1] if fmt == "xml" else data
        assert [item["service_request_id"] for item in data] == [str(matter.pk)], params
    for params in [{"service_code": "environment"}, {"status": "closed"}]:
        data = body(get(client, f"requests.{fmt}", params))
        assert (data[1] if fmt == "xml" else data) in ([], None), params


def test_the_title_defaults_to_the_first_line_of_the_description(client, categories, open311_client):
    response = post(client, valid_post(open311_client.key))
    matter = Matter.objects.get(pk=json.loads(response.content)[0]["service_request_id"])
    assert matter.title == "The street lamp at building 3 is out."
    assert matter.description.startswith("The street lamp")


def test_a_media_url_is_kept_and_returned(client, categories, open311_client):
    response = post(client, valid_post(open311_client.key, media_url="https://photos.example.org/lamp.jpg"))
    matter_id = json.loads(response.content)[0]["service_request_id"]
    (one,) = json.loads(get(client, f"requests/{matter_id}.json").content)
    assert one["media_url"] == "https://photos.example.org/lamp.jpg"


def test_a_photo_of_ours_is_the_media_url(client, tree, categories, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 10)).save(out, "JPEG")
    matter = raise_matter(categories, tree, photos=[SimpleUploadedFile("p.jpg", out.getvalue())])
    (one,) = json.loads(get(client, f"requests/{matter.pk}.json").content)
    photo = matter.photos.get()
    assert one["media_url"] == f"http://testserver/matters/photos/{photo.pk}/"
    assert client.get(one["media_url"]).status_code == 200


def test_chinese_names_are_written_family_name_first(client, categories, open311_client):
    post(client, valid_post(open311_client.key, first_name="华", last_name="李"))
    assert Matter.objects.get().contact_name == "李华"


# --- Locations ---------------------------------------------------------------------------------------------


def test_an_address_id_is_a_grid_code(client, tree, categories, open311_client):
    data = valid_post(open311_client.key, address_id=tree.grids[5].code)
    del data["lat"], data["long"]
    assert post(client, data).status_code == 200
    matter = Matter.objects.get()
    assert matter.place_code == tree.grids[5].code and matter.latitude is None


@pytest.mark.parametrize(
    "address, grid_index",
    [
        ("社区1-2 网格1-2-2 门口", 3),  # a community and one of its grids
        ("网格2-1-1 旁边", 4),  # a grid name no other grid bears
        ("社区1-1红色驿站旁", 1),  # a service point names its grid
    ],
)
def test_an_address_string_that_names_a_grid_places_the_request(
    client, tree, categories, open311_client, address, grid_index
):
    ServicePoint.objects.create(
        kind=ServicePointKind.RED_POST,
        names={"zh-hans": "社区1-1红色驿站"},
        place=tree.grids[1],
        place_code=tree.grids[1].code,
        lat=47.845,
        lng=88.115,
    )
    data = valid_post(open311_client.key, address_string=address)
    del data["lat"], data["long"]
    response = post(client, data)
    assert response.status_code == 200, response.content
    assert Matter.objects.get().place_code == tree.grids[grid_index].code


@pytest.mark.parametrize(
    "address, fragment",
    [
        ("阿勒泰市某处", "names no place we serve"),
        ("社区1-2", "but not which of its grids"),
        ("社区1-1 社区2-2", "more than one community"),
    ],
)
def test_an_address_string_that_does_not_name_one_grid_is_400(
    client, categories, tree, open311_client, address, fragment
):
    data = valid_post(open311_client.key, address_string=address)
    del data["lat"], data["long"]
    response = post(client, data)
    assert response.status_code == 400
    (error,) = errors(response)
    assert error["code"] == 400 and fragment in error["description"]
    assert not Matter.objects.exists()


def test_a_grid_name_is_not_found_inside_a_longer_one(client, tree, categories, open311_client):
    """ "Grid 1" must not be read out of "Grid 12"."""
    Place.objects.filter(pk=tree.grids[0].pk).update(names={"en": "Grid 1"})
    Place.objects.filter(pk=tree.grids[1].pk).update(names={"en": "Grid 12"})
    data = valid_post(open311_client.key, address_string="Next to Grid 12, behind the school")
    del data["lat"], data["long"]
    assert post(client, data).status_code == 200
    assert Matter.objects.get().place_code == tree.grids[1].code


# --- Errors ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_missing_or_wrong_api_key_is_403(client, categories, open311_client, fmt):
    data = valid_post("")
    del data["api_key"]
    response = post(client, data, fmt)
    assert response.status_code == 403
    assert errors(response) == [{"code": 403, "description": "api_key is missing."}]
    response = post(client, valid_post("not-the-key"), fmt)
    assert response.status_code == 403
    assert errors(response) == [{"code": 403, "description": "api_key is not valid."}]
    Open311Client.objects.update(is_active=False)
    assert post(client, valid_post(open311_client.key), fmt).status_code == 403
    assert not Matter.objects.exists()


@pytest.mark.parametrize(
    "change, status, description",
    [
        ({"service_code": ""}, 400, "service_code is required (see GET services)."),
        (
            {"service_code": "nothing-here"},
            404,
            "service_code nothing-here was not found (see GET services).",
        ),
        (
            {"lat": "", "long": ""},
            400,
            "A location is required: lat and long, or address_string, or address_id.",
        ),
        ({"long": ""}, 400, "lat and long must be sent together."),
        ({"lat": "north"}, 400, "lat must be a WGS-84 latitude in degrees."),
        ({"lat": "1.0", "long": "2.0"}, 400, "location: This place is outside every grid we serve."),
        ({"description": ""}, 400, "description is required: say what the request is about."),
        ({"description": "x" * 4001}, 400, "description may be at most 4000 characters."),
        ({"description": "bad\x00byte"}, 400, "description holds control characters."),
        ({"email": "not-an-address"}, 400, "email is not an e-mail address."),
        (
            {"phone": "call me"},
            400,
            "phone must be a telephone number (digits, with +, spaces, hyphens or brackets).",
        ),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url must be an http or https URL."),
        ({"address_id": "123"}, 400, None),  # ignored: lat and long are there
        (
            {"attribute[colour]": "red"},
            400,
            "attribute[colour] is not an attribute of this service (see GET services/{code}).",
        ),
        ({"attribute[title]": "a\nb"}, 400, "attribute[title] must be one line of text."),
        ({"attribute[title]": "t" * 121}, 400, "attribute[title] may be at most 120 characters."),
        ({"jurisdiction_id": "999999"}, 404, "jurisdiction_id 999999 was not found; ours is the city code."),
    ],
)
def test_bad_posts_get_the_spec_error_and_create_nothing(
    client, categories, open311_client, change, status, description
):
    data = {**valid_post(open311_client.key), **change}
    data = {key: value for key, value in data.items() if value != ""}
    response = post(client, data)
    if description is None:
        assert response.status_code == 200
        return
    assert response.status_code == status, response.content
    assert errors(response) == [{"code": status, "description": description}]
    assert not Matter.objects.exists()


def test_several_problems_are_several_errors(client, categories, open311_client):
    response = post(client, {"api_key": open311_client.key, "service_code": "environment", "email": "x"})
    assert response.status_code == 400
    assert len(errors(response)) == 3  # description, email, location


def test_an_address_id_that_is_not_a_grid_is_400(client, tree, categories, open311_client):
    data = valid_post(open311_client.key, address_id=tree.communities[0].code)
    del data["lat"], data["long"]
    response = post(client, data)
    assert response.status_code == 400
    assert errors(response)[0]["description"] == "address_id must be the 15-digit code of one of our grids."


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "yesterday"},
        {"end_date": "2024-13-01"},
        {"start_date": "2024-05-01T10:00:00"},  # a time without its offset
        {"start_date": "2024-01-01T00:00:00Z", "end_date": "2024-06-01T00:00:00Z"},  # more than 90 days
        {"start_date": "2024-06-01", "end_date": "2024-05-01"},
        {"status": "pending"},
        {"service_request_id": "12,abc"},
    ],
)
def test_bad_filters_are_400(client, categories, params):
    response = get(client, "requests.xml", params)
    assert response.status_code == 400
    assert errors(response)[0]["code"] == 400


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_requests_and_tokens_are_404(client, categories, fmt):
    for path, description in [
        (f"requests/999999.{fmt}", "service_request_id was not found."),
        (f"requests/abc.{fmt}", "service_request_id was not found."),
        (f"tokens/7d5bd5c5-3a35-4d55-9f4c-0a9f37c4e0c1.{fmt}", "token was not found."),
        (f"tokens/not-a-token.{fmt}", "token was not found."),
    ]:
        response = get(client, path)
        assert response.status_code == 404, path
        assert errors(response) == [{"code": 404, "description": description}]


def test_jurisdiction_id_is_the_city_code(client, tree, categories):
    assert get(client, "services.json", {"jurisdiction_id": "654301"}).status_code == 200
    response = get(client, "requests.json", {"jurisdiction_id": "sfgov.org"})
    assert response.status_code == 404
    assert errors(response)[0]["description"].startswith("jurisdiction_id sfgov.org was not found")
    # While the installation serves one city it may be left out; with two it is required.
    Place.objects.create(code="654302", level=Level.CITY, names={"zh-hans": "另一市"})
    response = get(client, "requests.json")
    assert response.status_code == 400
    assert errors(response)[0]["description"] == "jurisdiction_id is required: one of 654301, 654302."
    assert get(client, "requests.json", {"jurisdiction_id": "654302"}).status_code == 200


def test_requests_of_another_jurisdiction_are_not_found(client, tree, categories):
    Place.objects.create(code="654302", level=Level.CITY, names={"zh-hans": "另一市"})
    matter = raise_matter(categories, tree)
    assert get(client, f"requests/{matter.pk}.json", {"jurisdiction_id": "654302"}).status_code == 404
    assert get(client, f"requests/{matter.pk}.json", {"jurisdiction_id": "654301"}).status_code == 200


# --- What GET shows ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_no_personal_data_in_any_get(client, tree, categories, open311_client, resident_user, fmt):
    response = post(
        client,
        valid_post(
            open311_client.key,
            first_name="Wang",
            last_name="Fang",
            phone="13900001111",
            email="wangfang@example.org",
            account_id="acct-77",
            device_id="device-77",
        ),
    )
    posted = Matter.objects.get(pk=json.loads(response.content)[0]["service_request_id"])
    raised = raise_matter(
        categories, tree, by=resident_user, contact_name="Zhao Lei", contact_phone="13700002222"
    )
    answers = [
        get(client, f"requests.{fmt}"),
        get(client, f"requests/{posted.pk}.{fmt}"),
        get(client, f"requests/{raised.pk}.{fmt}"),
        get(client, f"tokens/{posted.token}.{fmt}"),
        get(client, f"services.{fmt}"),
    ]
    for answer in answers:
        assert answer.status_code == 200
        text = answer.content.decode()
        for personal in [
            "Wang",
            "Fang",
            "13900001111",
            "wangfang",
            "acct-77",
            "device-77",
            "Zhao",
            "13700002222",
            "t_resident",
            open311_client.key,
            "City app",
        ]:
            assert personal not in text, (answer.request["PATH_INFO"], personal)


def test_hidden_matters_are_not_there(client, tree, categories):
    matter = raise_matter(categories, tree)
    Matter.objects.filter(pk=matter.pk).update(is_hidden=True)
    assert get(client, f"requests/{matter.pk}.json").status_code == 404
    assert get(client, f"tokens/{matter.token}.json").status_code == 404
    assert json.loads(get(client, "requests.json").content) == []
    assert json.loads(get(client, "requests.json", {"service_request_id": str(matter.pk)}).content) == []


def test_statuses_map_to_open_and_closed_with_notes(client, tree, categories, staff, english):
    from huiketing.people.models import Role

    community = staff[Role.COMMUNITY_STAFF]
    rejected = raise_matter(categories, tree, title="A")
    services.matter_reject(
        by=community,
        matter=rejected,
        reason_kind="not_ours",
        reason="A road matter.",
        referred_to="City roads",
    )
    original = raise_matter(categories, tree, title="B")
    duplicate = raise_matter(categories, tree, title="C")
    services.matter_merge(by=community, matter=duplicate, into=original)
    tabled = raise_matter(categories, tree, title="D")
    services.matter_table(by=community, matter=tabled)
    data = {item["service_request_id"]: item for item in json.loads(get(client, "requests.json").content)}
    assert data[str(rejected.pk)]["status"] == "closed"
    assert data[str(rejected.pk)]["status_notes"] == (
        "Not the community's responsibility: A road matter. Turn to: City roads."
    )
    assert data[str(duplicate.pk)]["status"] == "closed"
    assert (
        data[str(duplicate.pk)]["status_notes"]
        == f"A duplicate of request {original.pk}, which is handled instead."
    )
    assert data[str(original.pk)]["status"] == "open"
    assert data[str(tabled.pk)]["status"] == "open"
    assert data[str(tabled.pk)]["status_notes"] == "Tabled for deliberation"
    closed = json.loads(get(client, "requests.json", {"status": "closed"}).content)
    assert {item["service_request_id"] for item in closed} == {str(rejected.pk), str(duplicate.pk)}
    both = json.loads(get(client, "requests.json", {"status": "open,closed"}).content)
    assert len(both) == 4


def test_a_dispatched_matter_names_its_units_and_expected_date(client, tree, categories, units, staff):
    from huiketing.people.models import Role

    matter = raise_matter(categories, tree)
    services.matter_dispatch(by=staff[Role.COMMUNITY_STAFF], matter=matter, units=[units.department])
    (one,) = json.loads(get(client, f"requests/{matter.pk}.json").content)
    assert one["agency_responsible"] == "City management"
    matter.refresh_from_db()
    assert one["expected_datetime"] == timezone.localtime(matter.resolve_due_at).isoformat(timespec="seconds")


def test_xml_stays_well_formed_whatever_the_text(client, tree, categories):
    raise_matter(categories, tree, title="<b>&", description="bell\x07 and ]]> and \U0001f600 and ئالتاي")
    response = get(client, "requests.xml")
    _tag, (item,) = body(response)
    assert item["description"] == "bell and ]]> and \U0001f600 and ئالتاي"


def test_the_default_period_is_the_last_90_days(client, tree, categories):
    now = timezone.now()
    old = raise_matter(categories, tree, now=now - timedelta(days=100))
    new = raise_matter(categories, tree, now=now - timedelta(days=2))
    listed = [item["service_request_id"] for item in json.loads(get(client, "requests.json").content)]
    assert listed == [str(new.pk)]
    day = timezone.localtime(old.created_at).date().isoformat()
    for params in [
        {"start_date": day, "end_date": day},
        {"start_date": (old.created_at - timedelta(hours=1)).isoformat()},
        {
            "end_date": timezone.localtime(old.created_at + timedelta(seconds=1)).strftime(
                "%Y-%m-%dT%H:%M:%S"
            )
            + " 08:00"
        },  # "+" unescaped
        {"end_date": (old.created_at + timedelta(seconds=1)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")},
    ]:
        listed = [
            item["service_request_id"] for item in json.loads(get(client, "requests.json", params).content)
        ]
        assert listed == [str(old.pk)], params
    # An id overrides the period.
    listed = json.loads(get(client, "requests.json", {"service_request_id": str(old.pk)}).content)
    assert [item["service_request_id"] for item in listed] == [str(old.pk)]


def test_requests_are_newest_first_and_at_most_1000(client, tree, categories, monkeypatch):
    from huiketing.open311 import views

    monkeypatch.setattr(views, "MAX_RESULTS", 3)
    now = timezone.now()
    made = [raise_matter(categories, tree, now=now - timedelta(hours=n)) for n in range(5)]
    listed = [item["service_request_id"] for item in json.loads(get(client, "requests.json").content)]
    assert listed == [str(m.pk) for m in made[:3]]


def test_listing_requests_asks_the_same_number_of_queries_however_many(
    client, tree, categories, units, staff
):
    from huiketing.people.models import Role

    def grow(n):
        for _ in range(n):
            matter = raise_matter(categories, tree)
            services.matter_dispatch(by=staff[Role.COMMUNITY_STAFF], matter=matter, units=[units.department])

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = get(client, "requests.json")
        assert response.status_code == 200
        return len(queries), len(json.loads(response.content))

    grow(2)
    few, listed = count()
    assert listed == 2
    grow(20)
    many, listed = count()
    assert listed == 22
    assert many == few


# --- Idempotency, throttling, the client command -----------------------------------------------------------


def test_a_resent_post_with_the_same_idempotency_key_creates_once(client, categories, open311_client):
    data = valid_post(open311_client.key)
    first = post(client, data, HTTP_IDEMPOTENCY_KEY="abc-1")
    again = post(client, data, HTTP_IDEMPOTENCY_KEY="abc-1")
    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert Matter.objects.count() == 1
    changed = post(client, {**data, "description": "Something else"}, HTTP_IDEMPOTENCY_KEY="abc-1")
    assert changed.status_code == 409
    assert errors(changed)[0]["code"] == 409
    assert post(client, data, HTTP_IDEMPOTENCY_KEY="abc-2").status_code == 200
    assert Matter.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_parallel_resends_with_the_same_key_create_once(
    audit_log_flushable, tree, categories, open311_client
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: two requests cannot run a write at the same time")
    barrier = threading.Barrier(2)
    responses = []

    def send():
        try:
            barrier.wait(timeout=10)
            responses.append(post(Client(), valid_post(open311_client.key), HTTP_IDEMPOTENCY_KEY="parallel"))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert [r.status_code for r in responses] == [200, 200]
    assert responses[0].content == responses[1].content
    assert sorted(r.get("Idempotent-Replayed", "") for r in responses) == ["", "true"]
    assert Matter.objects.count() == 1


def test_idempotency_keys_of_different_clients_do_not_meet(client, categories, open311_client):
    _other, other_key = services.open311_client_register(by=None, name="Another app")
    assert post(client, valid_post(open311_client.key), HTTP_IDEMPOTENCY_KEY="same").status_code == 200
    assert post(client, valid_post(other_key), HTTP_IDEMPOTENCY_KEY="same").status_code == 200
    assert Matter.objects.count() == 2


def test_reads_are_rate_limited_per_address(client, categories, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "2/minute", raising=False)
    assert get(client, "services.json").status_code == 200
    assert get(client, "services.json").status_code == 200
    refused = get(client, "services.json")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert errors(refused)[0]["code"] == 429


def test_posts_are_rate_limited_per_client(client, categories, open311_client, monkeypatch):
    from huiketing.open311.views import ClientRateThrottle

    monkeypatch.setattr(ClientRateThrottle, "rate", "1/minute", raising=False)
    assert post(client, valid_post(open311_client.key)).status_code == 200
    assert post(client, valid_post(open311_client.key)).status_code == 429
    assert Matter.objects.count() == 1


def test_the_open311_client_command_registers_a_client_and_prints_its_key_once(db, capsys):
    call_command("open311-client", "Altay city app")
    captured = capsys.readouterr()
    key = captured.out.strip()
    assert len(key) >= 40 and "Altay city app" in captured.err
    client = services.open311_client_for_key(key)
    assert client is not None and client.name == "Altay city app"
    assert key not in str(Open311Client.objects.values_list())  # only its hash is kept
    with translation.override("en"), pytest.raises(CommandError, match="A client with this name exists"):
        call_command("open311-client", "Altay city app")


def test_posts_need_no_csrf_token(categories, open311_client):
    strict = Client(enforce_csrf_checks=True)
    assert post(strict, valid_post(open311_client.key)).status_code == 200


def test_a_request_matter_is_the_status_seen_by_staff(client, tree, categories, open311_client):
    """The facade writes through the matters services: the new matter is on the triage path like any other."""
    post(client, valid_post(open311_client.key))
    matter = Matter.objects.get()
    assert matter.status == Status.NEW
    assert matter.events.get().params["channel"] == Channel.OPEN311
