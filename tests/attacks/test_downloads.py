"""Files anyone with the link could fetch: the registry export, the import pages and template, the audit CSV
and the uploaded sheets. Each refuses anonymous users (to the login page) and staff outside its scope (403, or
404 where an object is involved), and no uploaded file is reachable under MEDIA_URL."""

import io
from urllib.parse import urlparse

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, resolve, reverse
from openpyxl import Workbook

from huiketing.core.audit import audit_record
from huiketing.people import imports
from huiketing.people import services as people_services
from huiketing.people.models import RegistryImport, Role
from huiketing.people.validators import id_check_character


def xlsx_bytes() -> bytes:
    workbook = Workbook()
    workbook.active.append(["网格编码", "楼栋", "房号", "姓名"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def two_communities(tree, make_user, media):
    """Community A (the first) and community B (of the second subdistrict), each with staff, a resident, an
    audit entry and an uploaded sheet."""
    result = {}
    for key, community, grid, n in (
        ("A", tree.communities[0], tree.grids[0], 1),
        ("B", tree.communities[2], tree.grids[4], 2),
    ):
        staff = make_user(f"t_dl_staff_{key}", Role.COMMUNITY_STAFF, community.code)
        household = people_services.household_create(by=None, grid=grid, building="1", room="101")
        first_17 = f"6543011980010100{n}"
        resident = people_services.resident_create(
            by=None,
            household=household,
            full_name=f"居民{'甲乙'[n - 1]}",
            id_number=first_17 + id_check_character(first_17),
        )
        audit_record(actor=None, action=f"tests.downloads.{key}", place_code=grid.code)
        job = imports.registry_import_upload(
            by=staff, upload=SimpleUploadedFile("sheet.xlsx", xlsx_bytes()), place_code=community.code
        )
        result[key] = {"staff": staff, "community": community, "grid": grid, "resident": resident, "job": job}
    result["leader"] = make_user("t_dl_leader", Role.GRID_LEADER, tree.grids[0].code)
    return result


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and urlparse(response["Location"]).path == reverse("login")


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def download_urls(job) -> list[tuple[str, str]]:
    return [
        ("get", reverse("people:registry-export")),
        ("post", reverse("people:registry-export")),
        ("get", reverse("people:registry-export-page")),
        ("get", reverse("people:registry-import")),
        ("get", reverse("people:registry-import-template")),
        ("get", reverse("people:registry-import-job", kwargs={"pk": job.pk})),
        ("post", reverse("people:registry-import-commit", kwargs={"pk": job.pk})),
        ("get", reverse("core:audit-export")),
        ("get", reverse("core:audit-list")),
    ]


def test_anonymous_users_get_the_login_page_for_every_download(client, two_communities):
    job = two_communities["A"]["job"]
    for method, url in download_urls(job):
        response = getattr(client, method)(url)
        assert is_login_redirect(response), (method, url, response.status_code)
    job.refresh_from_db()
    assert job.status == RegistryImport.Status.UPLOADED  # the commit did not run


def test_a_grid_leader_may_not_export_import_or_download_the_template(client, two_communities):
    client.force_login(two_communities["leader"])
    job = two_communities["A"]["job"]
    for method, url in download_urls(job)[:-1]:  # a grid leader reads the audit log of its grid, not the CSV
        response = getattr(client, method)(url)
        assert response.status_code in (403, 404), (method, url, response.status_code)
        assert b"PK\x03\x04" not in body_of(response)[:4]


def test_staff_of_another_community_get_404_for_its_jobs_and_exports(client, two_communities):
    a, b = two_communities["A"], two_communities["B"]
    client.force_login(b["staff"])
    assert client.get(reverse("people:registry-import-job", kwargs={"pk": a["job"].pk})).status_code == 404
    response = client.post(reverse("people:registry-import-commit", kwargs={"pk": a["job"].pk}))
    assert response.status_code == 404
    a["job"].refresh_from_db()
    assert a["job"].status == RegistryImport.Status.UPLOADED
    for code in (a["community"].code, a["grid"].code):
        response = client.get(reverse("people:registry-export"), {"grid": code})
        assert response.status_code == 404, code
    # Without a place: their own residents, never the other community's.
    response = client.get(reverse("people:registry-export"))
    assert response.status_code == 200
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(body_of(response)), read_only=True).worksheets[0].values)
    names = {cell for row in rows for cell in row}
    assert b["resident"].full_name in names
    assert a["resident"].full_name not in names
    # The audit CSV holds their scope only.
    csv = body_of(client.get(reverse("core:audit-export"))).decode("utf-8-sig")
    assert "tests.downloads.B" in csv
    assert "tests.downloads.A" not in csv
    assert a["grid"].code not in csv


def test_uploaded_sheets_are_not_served_under_media_url(client, two_communities, media, staff):
    job = two_communities["A"]["job"]
    stored = media / "imports" / job.file_path
    assert stored.exists()  # the file is there, so a 404 below means it is not served
    path = f"{django_settings.MEDIA_URL}imports/{job.file_path}"
    with pytest.raises(Resolver404):
        resolve(path)
    client.force_login(staff[Role.ADMIN])
    for url in (path, f"{django_settings.MEDIA_URL}{job.file_path}", django_settings.MEDIA_URL + "imports/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert xlsx_bytes()[:4] not in body_of(response)
    # The job's pages never link to the file.
    page = client.get(reverse("people:registry-import-job", kwargs={"pk": job.pk})).content.decode()
    assert job.file_path not in page
