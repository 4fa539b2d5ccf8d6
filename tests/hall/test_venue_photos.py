"""A venue's photos: uploaded on the staff page with their captions (stripped of their location data, refused
when not a photo or too big), put in order, removed; shown on the public page in that order with their
captions as their text, in a fixed number of queries; the page is for community staff and above covering
the venue."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from PIL import Image

from huiketing.core.models import AuditEntry
from huiketing.hall import venue_services as services
from huiketing.hall.models import VenuePhoto
from huiketing.matters.services import MAX_PHOTO_BYTES
from huiketing.people.models import Role
from tests.hall.test_venue_pages import _venue


def jpeg(*, with_gps: bool = False, size=(64, 48), name: str = "photo.jpg") -> SimpleUploadedFile:
    """A JPEG; with the GPS position a phone writes in its EXIF data when asked."""
    image = Image.new("RGB", size, (40, 120, 200))
    out = io.BytesIO()
    if with_gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"
        gps = exif.get_ifd(0x8825)
        gps[1], gps[2], gps[3], gps[4] = "N", (47.0, 50.0, 42.0), "E", (88.0, 8.0, 24.0)
        image.save(out, format="JPEG", exif=exif)
    else:
        image.save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def venue(tree):
    return _venue(tree.grids[0])


@pytest.fixture
def far_venue(tree):
    return _venue(tree.grids[4], name="远处会客厅")


@pytest.fixture
def manager(tree, make_user):
    return make_user("p_community", Role.COMMUNITY_STAFF, tree.communities[0].code)


def add(venue, by=None, caption="大厅", **captions):
    return services.venue_photo_add(
        by=by, venue=venue, upload=jpeg(), captions={"zh-hans": caption, **captions}
    )


# Services ---------------------------------------------------------------------------------------------------


def test_a_photo_is_stored_without_its_location_and_audited(venue, manager):
    upload = jpeg(with_gps=True)
    with Image.open(upload) as original:
        assert original.getexif().get_ifd(0x8825)
    upload.seek(0)
    photo = services.venue_photo_add(
        by=manager,
        venue=venue,
        upload=upload,
        captions={"zh-hans": " 阅览室 ", "en": "Reading room", "ug": ""},
    )
    with photo.image.open("rb") as handle, Image.open(handle) as stored:
        assert stored.format == "JPEG"
        assert not stored.getexif()
        assert "exif" not in stored.info
    assert photo.captions == {"zh-hans": "阅览室", "en": "Reading room"}
    assert photo.position == 1
    assert add(venue).position == 2
    entry = AuditEntry.objects.get(action="hall.venue.photo_added", actor=manager)
    assert entry.place_code == venue.place_code


def test_not_a_photo_too_big_or_without_a_chinese_caption_is_refused(venue):
    with translation.override("en"):
        with pytest.raises(ValidationError) as fake:
            services.venue_photo_add(
                by=None,
                venue=venue,
                upload=SimpleUploadedFile("x.jpg", b"GIF89a but not really", content_type="image/jpeg"),
                captions={"zh-hans": "大厅"},
            )
        assert fake.value.message_dict == {"image": ["This file is not a photo we can read."]}

        big = SimpleUploadedFile("big.jpg", b"\xff" * (MAX_PHOTO_BYTES + 1), content_type="image/jpeg")
        with pytest.raises(ValidationError) as too_big:
            services.venue_photo_add(by=None, venue=venue, upload=big, captions={"zh-hans": "大厅"})
        assert too_big.value.message_dict == {"image": ["A photo may be at most 8 MB."]}

        with pytest.raises(ValidationError) as no_caption:
            services.venue_photo_add(by=None, venue=venue, upload=jpeg(), captions={"en": "Hall"})
        assert no_caption.value.message_dict == {"captions": ["Give the photo a caption in Chinese."]}

        with pytest.raises(ValidationError) as other_language:
            services.venue_photo_add(
                by=None, venue=venue, upload=jpeg(), captions={"zh-hans": "大厅", "fr": "x"}
            )
        assert "captions" in other_language.value.message_dict
    assert not VenuePhoto.objects.exists()


def test_a_venue_holds_a_limited_number_of_photos(venue, monkeypatch):
    monkeypatch.setattr(services, "MAX_VENUE_PHOTOS", 2)
    add(venue)
    add(venue)
    with pytest.raises(ValidationError) as full:
        add(venue)
    assert "image" in full.value.message_dict
    assert VenuePhoto.objects.filter(venue=venue).count() == 2


def test_photos_are_put_in_order_by_their_numbers(venue, far_venue, manager):
    first, second, third = add(venue, caption="一"), add(venue, caption="二"), add(venue, caption="三")
    ordered = services.venue_photos_order(
        by=manager, venue=venue, positions={first.pk: 5, second.pk: 1, third.pk: 5}
    )
    assert [photo.pk for photo in ordered] == [second.pk, first.pk, third.pk]
    assert list(VenuePhoto.objects.filter(venue=venue).values_list("pk", "position")) == [
        (second.pk, 1),
        (first.pk, 2),
        (third.pk, 3),
    ]
    entry = AuditEntry.objects.get(action="hall.venue.photos_ordered")
    assert entry.changes == {"order": [[first.pk, second.pk, third.pk], [second.pk, first.pk, third.pk]]}

    other = add(far_venue)
    for positions in (
        {first.pk: 1, second.pk: 2},  # one missing
        {first.pk: 1, second.pk: 2, third.pk: 3, other.pk: 4},  # another venue's
        {first.pk: 1, second.pk: 0, third.pk: 3},  # not a position
    ):
        with pytest.raises(ValidationError) as refused:
            services.venue_photos_order(by=manager, venue=venue, positions=positions)
        assert "positions" in refused.value.message_dict
    assert list(VenuePhoto.objects.filter(venue=venue).values_list("pk", flat=True)) == [
        second.pk,
        first.pk,
        third.pk,
    ]


def test_a_removed_photo_takes_its_file_with_it(venue, manager, django_capture_on_commit_callbacks):
    photo = add(venue)
    storage, name = photo.image.storage, photo.image.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        services.venue_photo_remove(by=manager, photo=photo)
    assert not VenuePhoto.objects.exists()
    assert not storage.exists(name)
    assert AuditEntry.objects.filter(action="hall.venue.photo_removed", actor=manager).count() == 1


# The staff page ---------------------------------------------------------------------------------------------


def test_the_photos_page_is_for_those_who_manage_the_venue(
    client, tree, venue, far_venue, manager, make_user
):
    url = reverse("hall:staff-venue-photos", args=[venue.pk])
    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(manager)
    assert client.get(url).status_code == 200
    assert client.get(reverse("hall:staff-venue-photos", args=[far_venue.pk])).status_code == 404
    assert client.get(reverse("hall:staff-venue-photos", args=[999999])).status_code == 404
    detail = client.get(reverse("hall:staff-venue-detail", args=[venue.pk])).content.decode()
    assert f'href="{url}"' in detail

    leader = make_user("p_leader", Role.GRID_LEADER, tree.grids[0].code)
    client.force_login(leader)
    assert client.get(url).status_code == 404
    assert client.post(url, {"upload": "1", "caption_zh_hans": "大厅", "image": jpeg()}).status_code == 404
    assert (
        f'href="{url}"'
        not in client.get(reverse("hall:staff-venue-detail", args=[venue.pk])).content.decode()
    )
    client.force_login(make_user("p_resident", Role.RESIDENT, tree.grids[0].code))
    assert client.get(url).status_code == 404
    assert not VenuePhoto.objects.exists()


def test_upload_order_and_remove_on_the_page(client, venue, far_venue, manager):
    client.force_login(manager)
    url = reverse("hall:staff-venue-photos", args=[venue.pk])
    response = client.post(
        url,
        {"upload": "1", "image": jpeg(with_gps=True), "caption_zh_hans": "大厅", "caption_en": "The hall"},
    )
    assert response.status_code == 302 and response["Location"] == url
    client.post(url, {"upload": "1", "image": jpeg(), "caption_zh_hans": "阅览室"})
    hall, reading = VenuePhoto.objects.filter(venue=venue).order_by("position")
    assert hall.captions == {"zh-hans": "大厅", "en": "The hall"}
    with hall.image.open("rb") as handle, Image.open(handle) as stored:
        assert not stored.getexif()

    response = client.post(url, {"order": "1", f"position-{hall.pk}": "2", f"position-{reading.pk}": "1"})
    assert response.status_code == 302
    assert list(VenuePhoto.objects.filter(venue=venue).values_list("pk", flat=True)) == [reading.pk, hall.pk]

    with translation.override("en"):
        response = client.post(
            url + "?lang=en",
            {"upload": "1", "image": SimpleUploadedFile("a.jpg", b"not a photo"), "caption_zh_hans": "x"},
        )
    assert response.status_code == 400
    assert "This file is not a photo we can read." in response.content.decode()
    with translation.override("en"):
        response = client.post(url + "?lang=en", {"upload": "1", "image": jpeg(), "caption_en": "Hall"})
    assert response.status_code == 400
    assert "Give the photo a caption in Chinese." in response.content.decode()
    response = client.post(url, {"order": "1", f"position-{hall.pk}": "0", f"position-{reading.pk}": "1"})
    assert response.status_code == 400
    assert VenuePhoto.objects.filter(venue=venue).count() == 2

    other = services.venue_photo_add(by=None, venue=far_venue, upload=jpeg(), captions={"zh-hans": "别处"})
    assert client.post(url, {"remove": str(other.pk)}).status_code == 404
    assert client.post(url, {"remove": str(hall.pk)}).status_code == 302
    assert list(VenuePhoto.objects.values_list("pk", flat=True).order_by("pk")) == [reading.pk, other.pk]


# The public page --------------------------------------------------------------------------------------------


def _count(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_public_page_shows_the_photos_in_order_with_their_captions(client, venue, manager):
    url = reverse("hall:venue-detail", args=[venue.pk])
    first = add(venue, caption="大厅", en="The hall")
    _count(client, url)
    small, _html = _count(client, url)
    second = add(venue, caption="阅览室")
    for n in range(4):
        add(venue, caption=f"照片{n}")
    services.venue_photos_order(
        by=None,
        venue=venue,
        positions={photo.pk: 1 if photo.pk == second.pk else 2 for photo in VenuePhoto.objects.all()},
    )
    large, html = _count(client, url)
    assert small == large
    images = re.findall(r"<img [^>]*>", html)
    assert len(images) == 6
    assert 'alt="阅览室"' in images[0] and 'alt="大厅"' in images[1]
    for tag in images:
        assert 'loading="lazy"' in tag and 'width="' in tag and 'height="' in tag
    english = client.get(url + "?lang=en").content.decode()
    assert 'alt="The hall"' in english
    assert first.image.url in english

    client.force_login(manager)
    staff_url = reverse("hall:staff-venue-photos", args=[venue.pk])
    _count(client, staff_url)
    before, _html = _count(client, staff_url)
    for n in range(3):
        add(venue, caption=f"更多{n}")
    after, _html = _count(client, staff_url)
    assert before == after
