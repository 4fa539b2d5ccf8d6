"""The public and residents' pages of matters: the list and page, raising (errors, duplicates, photos,
assisted mode), following, "my matters", evaluating, photos, personal data, and query counts."""

import io
import json
import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import ExifTags, Image

from huiketing.matters import services
from huiketing.matters.models import Channel, Evaluation, Follow, Matter, MatterPhoto, Status
from huiketing.people import services as people_services
from huiketing.people.models import Role
from huiketing.people.validators import id_check_character
from tests.matters.conftest import INSIDE_FIRST_GRID

GRID = "654301001001001"


# Helpers ------------------------------------------------------------------------------------------------


def raise_matter(by, category, title="3号楼门口路灯坏了", description="晚上很黑，老人出门不方便", **extra):
    extra.setdefault("place_code", GRID)
    return services.matter_raise(by=by, title=title, description=description, category=category, **extra)


def make_done(matter, staff, units):
    """Accept, dispatch to the community unit, sign and finish: the matter waits for its evaluation."""
    community = staff[Role.COMMUNITY_STAFF]
    services.matter_accept(by=community, matter=matter)
    (dispatch,) = services.matter_dispatch(by=community, matter=matter, units=[units.community])
    services.dispatch_sign(by=community, dispatch=dispatch)
    services.dispatch_complete(by=community, dispatch=dispatch, result="路灯已更换")
    matter.refresh_from_db()
    assert matter.status == Status.DONE
    return matter


def jpeg_bytes(gps: bool = False, size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[ExifTags.Base.Make] = "PhoneMaker"
        gps_ifd = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps_ifd[ExifTags.GPS.GPSLatitudeRef] = "N"
        gps_ifd[ExifTags.GPS.GPSLatitude] = (47.0, 50.0, 42.0)
        gps_ifd[ExifTags.GPS.GPSLongitudeRef] = "E"
        gps_ifd[ExifTags.GPS.GPSLongitude] = (88.0, 6.0, 18.0)
        image.save(out, "JPEG", exif=exif)
    else:
        image.save(out, "JPEG")
    return out.getvalue()


def raise_form(category_code="public_facilities", **values):
    lat, lng = INSIDE_FIRST_GRID
    data = {
        "title": "小区东门路灯不亮",
        "description": "东门的路灯坏了三天了",
        "category": category_code,
        "latitude": str(lat),
        "longitude": str(lng),
        "grid": "",
        "address": "东门",
    }
    data.update(values)
    return data


@pytest.fixture
def english(english, client):
    """Tests read English: the test's own language, and the pages' through the language cookie."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def resident_client(client, resident_user):
    client.force_login(resident_user)
    return client


@pytest.fixture
def registered(tree, resident_user):
    """A registry record with a name and a phone, linked to the resident's account."""
    household = people_services.household_create(by=None, grid=tree.grids[0], building="3", room="502")
    first_17 = "65430119850101003"
    resident = people_services.resident_create(
        by=None,
        household=household,
        full_name="阿依古丽",
        id_number=first_17 + id_check_character(first_17),
        phone="13912345678",
    )
    resident.account = resident_user
    resident.save(update_fields=["account"])
    return resident


# The public list ----------------------------------------------------------------------------------------


def test_the_list_shows_public_matters_newest_first_and_filters(client, tree, categories, staff, english):
    first = raise_matter(None, categories["public_facilities"], title="第一件事")
    second = raise_matter(None, categories["environment"], title="第二件事", place_code=tree.grids[4].code)
    hidden = raise_matter(None, categories["public_facilities"], title="隐藏的事")
    Matter.objects.filter(pk=hidden.pk).update(is_hidden=True)
    merged = raise_matter(None, categories["public_facilities"], title="重复的事")
    services.matter_merge(by=staff[Role.COMMUNITY_STAFF], matter=merged, into=first)

    page = client.get("/matters/").content.decode()
    assert page.index("第二件事") < page.index("第一件事")
    assert "隐藏的事" not in page and "重复的事" not in page

    by_place = client.get("/matters/", {"place": tree.subdistricts[1].code}).content.decode()
    assert "第二件事" in by_place and "第一件事" not in by_place
    by_category = client.get("/matters/", {"category": "public_facilities"}).content.decode()
    assert "第一件事" in by_category and "第二件事" not in by_category
    services.matter_reject(
        by=staff[Role.COMMUNITY_STAFF], matter=first, reason_kind="insufficient", reason="看不清"
    )
    assert "第一件事" not in client.get("/matters/", {"status": "open"}).content.decode()
    assert "第一件事" in client.get("/matters/", {"status": "rejected"}).content.decode()
    assert second.pk


def test_the_list_has_twenty_a_page_and_refuses_a_bad_filter(client, tree, categories, english):
    for n in range(23):
        raise_matter(None, categories["public_facilities"], title=f"事项{n:02d}")
    first = client.get("/matters/")
    assert first.content.decode().count('class="matter-item"') == 20
    assert 'rel="next"' in first.content.decode()
    second = client.get("/matters/", {"page": 2}).content.decode()
    assert second.count('class="matter-item"') == 3
    bad = client.get("/matters/", {"category": "no-such-thing"})
    assert bad.status_code == 200
    assert "Correct the filters" in bad.content.decode()
    assert 'class="matter-item"' not in bad.content.decode()


# The public page ------------------------------------------------------------------------------------------


def test_the_page_shows_the_matter_its_units_result_and_public_timeline(
    client, tree, categories, staff, units, english
):
    matter = raise_matter(None, categories["public_facilities"], channel=Channel.PATROL)
    community = staff[Role.COMMUNITY_STAFF]
    services.matter_accept(by=community, matter=matter)
    (dispatch,) = services.matter_dispatch(by=community, matter=matter, units=[units.property_company])
    services.matter_update_post(by=community, matter=matter, text="内部备注：联系了物业经理", is_public=False)
    services.matter_update_post(by=community, matter=matter, text="物业明天来修")
    page = client.get(f"/matters/{matter.pk}/").content.decode()
    for text in ["3号楼门口路灯坏了", "晚上很黑", "Public facilities", "网格1-1-1", "社区1-1"]:
        assert text in page, text
    assert "Grid patrol" in page  # the channel
    assert "Jinshan Property" in page  # the handling unit
    assert "Expected to be resolved by" in page
    assert "The community accepted the matter." in page
    assert "Sent to <bdi>Jinshan Property</bdi> to be handled." in page
    assert "物业明天来修" in page
    assert "内部备注" not in page  # internal entries stay internal

    services.dispatch_sign(by=units.property_staff, dispatch=dispatch)
    services.dispatch_complete(by=units.property_staff, dispatch=dispatch, result="换了新灯泡")
    page = client.get(f"/matters/{matter.pk}/").content.decode()
    assert "Result" in page and "换了新灯泡" in page
    assert "signed for the matter" in page
    assert "Expected to be resolved by" not in page


def test_a_rejection_says_why_and_whom_to_turn_to(client, tree, categories, staff, english):
    matter = raise_matter(None, categories["public_facilities"])
    services.matter_reject(
        by=staff[Role.COMMUNITY_STAFF],
        matter=matter,
        reason_kind="not_ours",
        reason="这是供热公司的管道",
        referred_to="市供热公司 0906-1234567",
    )
    page = client.get(f"/matters/{matter.pk}/").content.decode()
    assert "The matter was not accepted: <bdi>Not the community&#x27;s responsibility</bdi>." in page
    assert "Turn to: <bdi>市供热公司 0906-1234567</bdi>" in page
    assert "这是供热公司的管道" in page


def test_hidden_is_missing_and_merged_redirects_to_the_original(client, tree, categories, staff):
    original = raise_matter(None, categories["public_facilities"])
    duplicate = raise_matter(None, categories["public_facilities"])
    services.matter_merge(by=staff[Role.COMMUNITY_STAFF], matter=duplicate, into=original)
    response = client.get(f"/matters/{duplicate.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/matters/{original.pk}/"
    Matter.objects.filter(pk=original.pk).update(is_hidden=True)
    assert client.get(f"/matters/{original.pk}/").status_code == 404
    assert client.get("/matters/999999/").status_code == 404


def test_no_personal_data_on_any_public_page_or_api_answer(
    client, tree, categories, staff, resident_user, registered, english
):
    """Neither for an anonymous matter nor for a named one: no account, registry record, name, phone or
    contact details, in HTML or JSON."""
    named = raise_matter(
        resident_user, categories["public_facilities"], title="路灯坏了甲", resident=registered
    )
    anonymous = raise_matter(
        resident_user,
        categories["public_facilities"],
        title="路灯坏了乙",
        is_anonymous=True,
        resident=registered,
    )
    visitor = services.matter_raise(
        by=None,
        title="路灯坏了丙",
        description="路过看到的",
        category=categories["public_facilities"],
        place_code=GRID,
        contact_name="过路人李先生",
        contact_phone="13800001111",
        contact_email="li.visitor@example.org",
    )
    secrets = [
        resident_user.username,
        "阿依古丽",
        "13912345678",
        "1391",
        "过路人",
        "13800001111",
        "li.visitor",
        "example.org",
        registered.id_number,
    ]
    bodies = [client.get("/matters/").content.decode()]
    for matter in (named, anonymous, visitor):
        bodies.append(client.get(f"/matters/{matter.pk}/").content.decode())
        bodies.append(client.get(f"/api/v1/matters/{matter.pk}/").content.decode())
    bodies.append(client.get("/api/v1/matters/").content.decode())
    bodies.append(client.get("/matters/similar/", {"text": "路灯坏了", "grid": GRID}).content.decode())
    bodies.append(client.get("/api/v1/matters/similar/", {"text": "路灯坏了", "grid": GRID}).content.decode())
    for body in bodies:
        for secret in secrets:
            assert secret not in body, secret
    for matter in (named, anonymous, visitor):
        data = json.loads(client.get(f"/api/v1/matters/{matter.pk}/").content)
        keys = set(data) | {key for entry in data["timeline"] for key in entry}
        assert not keys & {
            "resident",
            "raised_by",
            "contact_name",
            "contact_phone",
            "contact_email",
            "username",
        }
        assert not keys & {"latitude", "longitude", "lat", "lng", "address"}


# Photos ---------------------------------------------------------------------------------------------------


def test_photos_are_served_through_the_view_with_safe_headers(client, tree, categories, staff):
    matter = raise_matter(
        None, categories["public_facilities"], photos=[SimpleUploadedFile("a.jpg", jpeg_bytes())]
    )
    photo = matter.photos.get()
    response = client.get(f"/matters/photos/{photo.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == "inline"
    assert "max-age" in response["Cache-Control"]
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    page = client.get(f"/matters/{matter.pk}/").content.decode()
    assert f'src="/matters/photos/{photo.pk}/"' in page
    assert "/media/" not in page

    internal = services.matter_update_post(
        by=staff[Role.COMMUNITY_STAFF],
        matter=matter,
        text="内部照片",
        is_public=False,
        photos=[SimpleUploadedFile("b.jpg", jpeg_bytes())],
    )
    assert client.get(f"/matters/photos/{internal.photos.get().pk}/").status_code == 404
    Matter.objects.filter(pk=matter.pk).update(is_hidden=True)
    assert client.get(f"/matters/photos/{photo.pk}/").status_code == 404


def test_a_text_file_named_jpg_is_refused_and_nothing_is_raised(resident_client, tree, categories, english):
    fake = SimpleUploadedFile("photo.jpg", b"this is not a picture at all", content_type="image/jpeg")
    response = resident_client.post("/matters/new/", {**raise_form(confirmed="True"), "photos": [fake]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "This file is not a photo we can read." in page
    assert "choose them again" in page
    assert 'value="小区东门路灯不亮"' in page  # nothing typed is lost
    assert not Matter.objects.exists()


def test_exif_gps_is_stripped_from_a_raised_photo(resident_client, tree, categories):
    original = jpeg_bytes(gps=True)
    with Image.open(io.BytesIO(original)) as probe:
        assert probe.getexif().get_ifd(ExifTags.IFD.GPSInfo), "the test photo carries a GPS position"
    upload = SimpleUploadedFile("gps.jpg", original, content_type="image/jpeg")
    response = resident_client.post("/matters/new/", {**raise_form(confirmed="True"), "photos": [upload]})
    assert response.status_code == 302
    photo = MatterPhoto.objects.get()
    with photo.file.open("rb") as handle:
        stored = handle.read()
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert not image.getexif()
    assert b"Exif" not in stored and b"PhoneMaker" not in stored


# Raising --------------------------------------------------------------------------------------------------


def test_raising_needs_an_account(client, tree, categories):
    response = client.get("/matters/new/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.post("/matters/new/", raise_form()).status_code == 302
    assert not Matter.objects.exists()


def test_a_resident_raises_a_matter_by_location_and_follows_it(resident_client, tree, categories, english):
    form = resident_client.get("/matters/new/").content.decode()
    assert 'name="latitude"' in form and 'id="use-location"' in form and 'name="grid"' in form
    assert 'name="channel"' not in form  # only staff acting for a resident choose the channel
    response = resident_client.post("/matters/new/", raise_form())
    matter = Matter.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/matters/{matter.pk}/"
    assert matter.place_code == GRID and matter.channel == Channel.WEB and matter.address == "东门"
    assert Follow.objects.filter(matter=matter, user__username="t_resident").exists()
    page = resident_client.get(response["Location"]).content.decode()
    assert "has been raised" in page and "Stop following" in page


def test_the_map_turns_a_tap_into_the_coordinates_of_the_right_grid(resident_client, tree, categories):
    """The raise form's map carries its projection; a point of the first grid projects inside its outline."""
    page = resident_client.get("/matters/new/").content.decode()
    figure = re.search(r'<figure class="pin-map"([^>]*)>', page).group(1)
    values = {name: float(value) for name, value in re.findall(r'data-(\w+)="([-0-9.]+)"', figure)}
    lat, lng = INSIDE_FIRST_GRID
    x = (lng - values["west"]) * values["kx"] * values["scale"] + values["margin"]
    y = (values["north"] - lat) * values["scale"] + values["margin"]
    paths = re.findall(r'<path d="([^"]+)"><title>([^<]+)</title>', page)
    assert len(paths) == len(tree.grids)
    outline = {name: d for d, name in paths}["网格1-1-1"]
    xs = [float(point.split(",")[0]) for point in re.findall(r"[-0-9.]+,[-0-9.]+", outline)]
    ys = [float(point.split(",")[1]) for point in re.findall(r"[-0-9.]+,[-0-9.]+", outline)]
    assert min(xs) < x < max(xs) and min(ys) < y < max(ys)
    # And back: the inverse the script applies gives the point again (to the precision drawn).
    assert abs(values["west"] + (x - values["margin"]) / (values["kx"] * values["scale"]) - lng) < 1e-6
    assert abs(values["north"] - (y - values["margin"]) / values["scale"] - lat) < 1e-6


def test_a_grid_chosen_without_a_location(resident_client, tree, categories):
    response = resident_client.post(
        "/matters/new/", raise_form(latitude="", longitude="", grid=tree.grids[5].code, confirmed="True")
    )
    assert response.status_code == 302
    assert Matter.objects.get().place_code == tree.grids[5].code


def test_errors_are_shown_per_field_and_keep_what_was_typed(resident_client, tree, categories, english):
    response = resident_client.post(
        "/matters/new/", raise_form(title="", category="", description="仍然保留的描述")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Give the matter a short title." in page
    assert "Choose a category." in page
    assert "仍然保留的描述" in page
    assert 'value="东门"' in page

    nowhere = resident_client.post("/matters/new/", raise_form(latitude="", longitude="", confirmed="True"))
    assert nowhere.status_code == 400
    assert "Put a pin on the map, use your location, or choose the grid." in nowhere.content.decode()
    outside = resident_client.post(
        "/matters/new/", raise_form(latitude="40.0", longitude="116.4", confirmed="True")
    )
    assert outside.status_code == 400
    assert "This place is outside every grid we serve." in outside.content.decode()
    half = resident_client.post("/matters/new/", raise_form(longitude=""))
    assert "Give both the latitude and the longitude, or neither." in half.content.decode()
    assert not Matter.objects.exists()


def test_the_duplicate_step_offers_to_follow_instead(resident_client, tree, categories, english):
    existing = raise_matter(
        None, categories["public_facilities"], title="小区东门路灯不亮了", description="东门路灯坏了"
    )
    step = resident_client.post("/matters/new/", raise_form())
    assert step.status_code == 200
    page = step.content.decode()
    assert "Is it one of these?" in page
    assert f'action="/matters/{existing.pk}/follow/"' in page
    assert "Raise mine anyway" in page
    assert 'name="confirmed" value="True"' in page
    assert 'value="小区东门路灯不亮"' in page
    assert Matter.objects.count() == 1  # nothing raised yet

    follow = resident_client.post(f"/matters/{existing.pk}/follow/", {"next": f"/matters/{existing.pk}/"})
    assert follow.status_code == 302 and follow["Location"] == f"/matters/{existing.pk}/"
    assert Follow.objects.filter(matter=existing, user__username="t_resident").exists()

    anyway = resident_client.post("/matters/new/", raise_form(confirmed="True"))
    assert anyway.status_code == 302
    assert Matter.objects.count() == 2


def test_no_duplicate_step_without_similar_matters(resident_client, tree, categories):
    raise_matter(None, categories["public_facilities"], title="垃圾桶满了", description="三天没人清运")
    assert resident_client.post("/matters/new/", raise_form()).status_code == 302
    assert Matter.objects.count() == 2


def test_staff_in_assisted_mode_raise_for_the_resident(client, tree, categories, staff, registered, english):
    worker = staff[Role.GRID_LEADER]
    client.force_login(worker)
    assert client.post(f"/staff/registry/residents/{registered.pk}/assist/").status_code == 302
    form = client.get("/matters/new/").content.decode()
    assert 'name="channel"' in form and "You are raising this matter for" in form
    assert "阿**" in form and "阿依古丽" not in form
    response = client.post("/matters/new/", raise_form(channel=Channel.PHONE, confirmed="True"))
    assert response.status_code == 302
    matter = Matter.objects.get()
    assert matter.resident == registered and matter.raised_by == worker and matter.channel == Channel.PHONE
    assert client.post("/matters/new/", raise_form(channel=Channel.WEB, confirmed="True")).status_code == 400


def test_similar_json_for_apps(client, tree, categories):
    existing = raise_matter(
        None, categories["public_facilities"], title="东门路灯坏了", description="路灯不亮"
    )
    lat, lng = INSIDE_FIRST_GRID
    data = client.get("/matters/similar/", {"text": "路灯坏了", "lat": lat, "lng": lng}).json()
    assert [item["id"] for item in data["results"]] == [existing.pk]
    assert data["results"][0]["url"] == f"/matters/{existing.pk}/"
    assert client.get("/matters/similar/", {"text": ""}).json() == {"results": []}
    bad = client.get("/matters/similar/", {"text": "路灯", "lat": "north", "lng": "1"})
    assert bad.status_code == 400 and "lat" in bad.json()["error"]["fields"]


# Following and "my matters" ------------------------------------------------------------------------------


def test_follow_and_unfollow(resident_client, tree, categories, staff):
    matter = raise_matter(None, categories["public_facilities"])
    assert Client().post(f"/matters/{matter.pk}/follow/").status_code == 302
    assert Follow.objects.count() == 0  # the anonymous client went to the login page
    resident_client.post(f"/matters/{matter.pk}/follow/")
    assert Follow.objects.filter(matter=matter).count() == 1
    resident_client.post(f"/matters/{matter.pk}/unfollow/")
    assert Follow.objects.filter(matter=matter).count() == 0
    duplicate = raise_matter(None, categories["public_facilities"])
    services.matter_merge(by=staff[Role.COMMUNITY_STAFF], matter=duplicate, into=matter)
    response = resident_client.post(f"/matters/{duplicate.pk}/follow/", {"next": "https://evil.example/"})
    assert response["Location"] == f"/matters/{matter.pk}/"
    assert Follow.objects.filter(matter=matter).count() == 1


def test_my_matters_put_the_ones_to_evaluate_first(
    resident_client, tree, categories, staff, units, resident_user, english
):
    mine_done = raise_matter(resident_user, categories["public_facilities"], title="我的已办完")
    mine_open = raise_matter(resident_user, categories["public_facilities"], title="我的新事")
    followed = raise_matter(None, categories["environment"], title="我关注的事")
    services.matter_follow(by=resident_user, matter=followed)
    raise_matter(None, categories["environment"], title="别人的事")
    make_done(mine_done, staff, units)
    page = resident_client.get("/matters/mine/").content.decode()
    assert "别人的事" not in page
    # Waiting for an evaluation first, then newest first.
    assert page.index("我的已办完") < page.index("我关注的事") < page.index("我的新事")
    assert "Waiting for your evaluation" in page
    assert page.count("Waiting for your evaluation") == 1
    assert mine_open.pk


# Evaluation -----------------------------------------------------------------------------------------------


def test_the_raiser_evaluates_a_done_matter(
    resident_client, tree, categories, staff, units, resident_user, english
):
    matter = make_done(raise_matter(resident_user, categories["public_facilities"]), staff, units)
    page = resident_client.get(f"/matters/{matter.pk}/").content.decode()
    assert "Was it solved?" in page and f'action="/matters/{matter.pk}/evaluate/"' in page

    missing_comment = resident_client.post(
        f"/matters/{matter.pk}/evaluate/", {"solved": "no", "result": Evaluation.Result.NOT_SATISFIED}
    )
    assert missing_comment.status_code == 400
    assert "Tell us what is still wrong" in missing_comment.content.decode()
    assert not Evaluation.objects.exists()
    no_answer = resident_client.post(f"/matters/{matter.pk}/evaluate/", {"result": "great"})
    assert no_answer.status_code == 400
    assert "Say whether the matter was solved." in no_answer.content.decode()
    assert "Choose satisfied, basically satisfied or not satisfied." in no_answer.content.decode()

    done = resident_client.post(
        f"/matters/{matter.pk}/evaluate/",
        {"solved": "yes", "result": Evaluation.Result.SATISFIED, "comment": "谢谢"},
    )
    assert done.status_code == 302
    evaluation = Evaluation.objects.get()
    assert evaluation.solved is True and evaluation.result == "satisfied" and evaluation.by == resident_user
    matter.refresh_from_db()
    assert matter.status == Status.CLOSED
    page = resident_client.get(f"/matters/{matter.pk}/").content.decode()
    assert "The resident&#x27;s evaluation: <bdi>Satisfied</bdi>." in page
    assert "Was it solved?" not in page

    again = resident_client.post(f"/matters/{matter.pk}/evaluate/", {"solved": "yes", "result": "satisfied"})
    assert again.status_code == 400
    assert "This round of handling has already been evaluated." in again.content.decode()
    assert Evaluation.objects.count() == 1


def test_not_satisfied_sends_it_back(resident_client, tree, categories, staff, units, resident_user, english):
    matter = make_done(raise_matter(resident_user, categories["public_facilities"]), staff, units)
    response = resident_client.post(
        f"/matters/{matter.pk}/evaluate/", {"solved": "no", "result": "not_satisfied", "comment": "还是不亮"}
    )
    assert response.status_code == 302
    matter.refresh_from_db()
    assert matter.status == Status.IN_PROGRESS and matter.rehandle_count == 1
    again = resident_client.post(
        f"/matters/{matter.pk}/evaluate/", {"solved": "no", "result": "not_satisfied"}
    )
    assert "already been evaluated" in again.content.decode()
    page = resident_client.get(f"/matters/{matter.pk}/").content.decode()
    assert "sent back to be handled again" in page and "还是不亮" in page


def test_someone_else_cannot_evaluate(
    client, tree, categories, staff, units, resident_user, make_user, english
):
    matter = make_done(raise_matter(resident_user, categories["public_facilities"]), staff, units)
    neighbour = make_user("t_neighbour", Role.RESIDENT, GRID)
    client.force_login(neighbour)
    page = client.get(f"/matters/{matter.pk}/").content.decode()
    assert "Was it solved?" not in page
    response = client.post(f"/matters/{matter.pk}/evaluate/", {"solved": "yes", "result": "satisfied"})
    assert response.status_code == 403
    assert "Only the resident who raised this matter can evaluate it." in response.content.decode()
    assert not Evaluation.objects.exists()
    matter.refresh_from_db()
    assert matter.status == Status.DONE
    client.logout()
    anonymous = client.post(f"/matters/{matter.pk}/evaluate/", {"solved": "yes", "result": "satisfied"})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert not Evaluation.objects.exists()


# Query counts ---------------------------------------------------------------------------------------------


def _count(client, path: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


def _grow(tree, categories, staff, units, to: int, by=None) -> Matter:
    """Matters up to `to`, across grids and categories, each with a timeline, a unit and a photo."""
    community = staff[Role.COMMUNITY_STAFF]
    codes = [grid.code for grid in tree.grids[:2]]
    kinds = list(categories.values())
    latest = None
    while Matter.objects.count() < to:
        n = Matter.objects.count()
        latest = raise_matter(
            by,
            kinds[n % len(kinds)],
            title=f"事项{n}",
            place_code=codes[n % 2],
            photos=[SimpleUploadedFile("p.jpg", jpeg_bytes())] if n % 5 == 0 else [],
        )
        if by is not None:
            services.matter_follow(by=by, matter=latest)
        if n % 2 == 0:
            services.matter_accept(by=community, matter=latest)
            services.matter_dispatch(by=community, matter=latest, units=[units.community])
            services.matter_update_post(by=community, matter=latest, text=f"进展{n}")
    return latest


def test_list_pages_ask_the_same_number_of_queries_at_5_and_50_matters(
    client, tree, categories, staff, units, resident_user
):
    client.force_login(resident_user)
    _grow(tree, categories, staff, units, 5, by=resident_user)
    paths = ["/matters/", "/matters/?status=open", "/matters/mine/"]
    before = {path: _count(client, path) for path in paths}
    _grow(tree, categories, staff, units, 50, by=resident_user)
    assert {path: _count(client, path) for path in paths} == before


def test_the_public_page_asks_the_same_number_of_queries_at_5_and_50_matters(
    client, tree, categories, staff, units
):
    first = _grow(tree, categories, staff, units, 5)
    before = _count(client, f"/matters/{first.pk}/")
    _grow(tree, categories, staff, units, 50)
    community = staff[Role.COMMUNITY_STAFF]
    for n in range(10):  # a longer timeline, more photos
        services.matter_update_post(
            by=community,
            matter=first,
            text=f"更多进展{n}",
            photos=[SimpleUploadedFile("q.jpg", jpeg_bytes())],
        )
    assert _count(client, f"/matters/{first.pk}/") == before
