"""Importing households and residents from .xlsx: a check that reports every fault by row and column and
writes nothing, then an all-or-nothing commit run as a background job."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from huiketing.core.models import AuditEntry
from huiketing.people import imports
from huiketing.people.models import Household, RegistryImport, Resident, ResidentTag, Role
from huiketing.people.services import household_create, id_number_hash, phone_hash, resident_create
from huiketing.people.validators import id_check_character

HEADERS = [
    "网格编码",
    "楼栋",
    "单元",
    "房号",
    "户类型",
    "姓名",
    "公民身份号码",
    "与户主关系",
    "民族",
    "联系电话",
    "标签",
    "迁入日期",
]


def make_id(birth: str = "19800101", sequence: int = 1, region: str = "654301") -> str:
    first_17 = f"{region}{birth}{sequence:03d}"
    return first_17 + id_check_character(first_17)


def write_sheet(path, rows, headers=HEADERS, title_rows=()):
    workbook = Workbook()
    sheet = workbook.active
    for row in title_rows:
        sheet.append(row)
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def good_rows(grid_code: str, count: int = 5, start: int = 1) -> list[list]:
    """`count` residents, two to a household, ID numbers and phones as text."""
    rows = []
    for n in range(start, start + count):
        room = str(100 + (n + 1) // 2)
        rows.append(
            [
                grid_code,
                "3",
                "1",
                room,
                "自有",
                f"测试居民{'甲乙丙丁戊己庚辛壬癸'[n % 10]}",
                make_id(sequence=n),
                "户主" if n % 2 else "配偶",
                "汉族",
                f"1390000{n:04d}",
                "独居、低保" if n == 1 else "",
                "2020-01-31",
            ]
        )
    return rows


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English; the jobs write them in the uploader's language."""
    with translation.override("en"):
        yield


@pytest.fixture
def community(staff):
    return staff[Role.COMMUNITY_STAFF]


def test_a_good_sheet_checks_clean_and_imports_every_household_and_resident(
    tree, community, tmp_path, django_capture_on_commit_callbacks
):
    grid = tree.grids[0].code
    path = write_sheet(tmp_path / "good.xlsx", good_rows(grid, 5), title_rows=[["某某社区居民花名册"]])

    report = imports.registry_import_check(by=community, path=path)
    assert report.ok, report.errors
    assert (report.rows, report.residents, report.households_new) == (5, 5, 3)
    assert not Resident.objects.exists()  # the check writes nothing

    with django_capture_on_commit_callbacks(execute=True):
        job = imports.registry_import_upload(
            by=community, upload=SimpleUploadedFile("名册.xlsx", path.read_bytes()), place_code=grid[:12]
        )
    job.refresh_from_db()
    assert job.status == RegistryImport.Status.CHECKED
    assert (job.rows_total, job.residents_new, job.error_count) == (5, 5, 0)
    with django_capture_on_commit_callbacks(execute=True):
        imports.registry_import_request_commit(by=community, job=job)
    job.refresh_from_db()
    assert job.status == RegistryImport.Status.DONE, job.errors
    assert not (imports.imports_dir() / job.file_path).exists()  # the clear-text sheet is removed

    assert Household.objects.filter(place_code=grid).count() == 3
    residents = list(Resident.objects.order_by("id"))
    assert len(residents) == 5
    first = residents[0]
    assert first.id_number == make_id(sequence=1)
    assert first.id_number_hash == id_number_hash(make_id(sequence=1))
    assert first.phone_hash == phone_hash("13900000001")
    assert (first.birth_date, first.sex, first.ethnic_group, first.relation) == (
        date(1980, 1, 1),
        "M",
        "01",
        "householder",
    )
    assert first.moved_in_on == date(2020, 1, 31)
    assert sorted(ResidentTag.objects.filter(resident=first).values_list("tag", flat=True)) == [
        "living_alone",
        "low_income",
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM people_resident")
        for stored_id, stored_phone in cursor.fetchall():
            assert stored_id.startswith("enc1:") and stored_phone.startswith("enc1:")
            assert "654301" not in stored_id and "1390000" not in stored_phone
    entry = AuditEntry.objects.get(action="people.registry.import")
    assert entry.changes["residents_created"] == [None, 5]
    assert entry.changes["households_created"] == [None, 3]
    assert entry.changes["resident_ids"] == [None, [[residents[0].pk, residents[-1].pk]]]


def ten_faults(grid: str, other_community_grid: str) -> tuple[list[list], set[tuple[int, str]]]:
    future = (date.today() + timedelta(days=400)).strftime("%Y%m%d")
    base = good_rows(grid, 12)
    # Rows 2-13 on the sheet (row 1 is the header); rows 2 and 3 stay good.
    base[2][6] = make_id(sequence=3)[:-1] + ("0" if make_id(sequence=3)[-1] != "0" else "1")  # check digit
    base[3][6] = make_id(birth=future, sequence=4)  # future birth date
    base[5][6] = make_id(sequence=1)  # duplicate of row 2
    base[6][0] = "654301009009009"  # unknown grid
    base[7][5] = ""  # empty name
    base[8][9] = "12345"  # bad phone
    base[9][8] = "火星族"  # unknown ethnic group
    base[10][7] = "朋友"  # unknown relation
    base[11][11] = (date.today() + timedelta(days=3)).isoformat()  # moved in in the future
    base[4][6] = int(make_id(sequence=5).replace("X", "0"))  # number-typed ID (an int cell)
    expected = {
        (4, "公民身份号码"),
        (5, "公民身份号码"),
        (6, "公民身份号码"),
        (7, "公民身份号码"),
        (8, "网格编码"),
        (9, "姓名"),
        (10, "联系电话"),
        (11, "民族"),
        (12, "与户主关系"),
        (13, "迁入日期"),
    }
    return base, expected


def test_a_sheet_with_ten_faults_reports_all_ten_by_row_and_column_and_imports_nothing(
    tree, community, tmp_path, django_capture_on_commit_callbacks
):
    rows, expected = ten_faults(tree.grids[0].code, tree.grids[4].code)
    path = write_sheet(tmp_path / "faults.xlsx", rows)

    report = imports.registry_import_check(by=community, path=path)
    assert {(e["row"], e["column"]) for e in report.errors} == expected
    assert report.error_count == 10
    by_row = {e["row"]: e for e in report.errors}
    assert "does not match" in by_row[4]["message"]
    assert "future" in by_row[5]["message"]
    assert "stored as a number" in by_row[6]["message"]
    assert "row 2" in by_row[7]["message"]
    assert by_row[6]["letter"] == "G"

    with django_capture_on_commit_callbacks(execute=True):
        job = imports.registry_import_upload(
            by=community, upload=SimpleUploadedFile("faults.xlsx", path.read_bytes())
        )
    job.refresh_from_db()
    assert job.status == RegistryImport.Status.CHECKED and job.error_count == 10
    with pytest.raises(imports.ValidationError):
        imports.registry_import_request_commit(by=community, job=job)
    job.refresh_from_db()
    assert job.status == RegistryImport.Status.CHECKED
    assert not Resident.objects.exists() and not Household.objects.exists()


def test_the_commit_checks_again_and_writes_nothing_if_the_registry_changed(
    tree, community, tmp_path, django_capture_on_commit_callbacks
):
    grid = tree.grids[0]
    path = write_sheet(tmp_path / "good.xlsx", good_rows(grid.code, 4))
    with django_capture_on_commit_callbacks(execute=True):
        job = imports.registry_import_upload(
            by=community, upload=SimpleUploadedFile("a.xlsx", path.read_bytes())
        )
    job.refresh_from_db()
    assert job.error_count == 0
    # Meanwhile, someone registers the person on row 4.
    household = household_create(by=None, grid=grid, building="9", room="901")
    resident_create(by=None, household=household, full_name="张三", id_number=make_id(sequence=3))
    with django_capture_on_commit_callbacks(execute=True):
        imports.registry_import_request_commit(by=community, job=job)
    job.refresh_from_db()
    assert job.status == RegistryImport.Status.FAILED
    assert [(e["row"], e["column"]) for e in job.errors] == [(4, "公民身份号码")]
    assert Resident.objects.count() == 1 and Household.objects.count() == 1


def test_duplicates_within_the_file_and_against_the_registry(tree, community, tmp_path):
    grid = tree.grids[0]
    household = household_create(by=None, grid=grid, building="9", room="901")
    resident_create(by=None, household=household, full_name="张三", id_number=make_id(sequence=7))
    rows = good_rows(grid.code, 3)
    rows.append([grid.code, "9", "", "901", "", "李四", make_id(sequence=7), "", "", "", "", ""])
    rows.append([grid.code, "9", "", "902", "", "王五", make_id(sequence=2).lower(), "", "", "", "", ""])
    report = imports.registry_import_check(by=community, path=write_sheet(tmp_path / "d.xlsx", rows))
    assert [(e["row"], e["column"], e["message"]) for e in report.errors] == [
        (5, "公民身份号码", "A resident with this ID number is already registered."),
        (6, "公民身份号码", "The same ID number is on row 3 of this file."),
    ]


@pytest.mark.parametrize(
    "cell", [654301198001010011, 6.54301198001010e17, "6.54301E+17", "654301198001010011.0"]
)
def test_an_id_number_typed_as_a_number_is_refused_with_the_precision_message(
    tree, community, tmp_path, cell
):
    rows = [[tree.grids[0].code, "1", "", "101", "", "张三", cell, "", "", "", "", ""]]
    report = imports.registry_import_check(by=community, path=write_sheet(tmp_path / "n.xlsx", rows))
    assert len(report.errors) == 1
    error = report.errors[0]
    assert (error["row"], error["column"]) == (2, "公民身份号码")
    assert "stored as a number, which loses digits" in error["message"]


def test_english_headers_are_accepted_and_a_missing_required_column_is_reported(tree, community, tmp_path):
    english = ["grid code", "building", "unit", "room", "type", "name", "ID number", "relation"]
    rows = [
        [tree.grids[0].code, "1", "", "101", "tenant", "Aliya Nurlan", make_id(sequence=9), "householder"]
    ]
    report = imports.registry_import_check(by=community, path=write_sheet(tmp_path / "e.xlsx", rows, english))
    assert report.ok, report.errors
    assert report.residents == 1
    missing = write_sheet(tmp_path / "m.xlsx", [r[:6] for r in rows], english[:6])
    report = imports.registry_import_check(by=community, path=missing)
    assert report.error_count == 1 and "公民身份号码" in report.errors[0]["message"]


def test_grids_outside_the_importers_scope_are_unknown(tree, community, tmp_path):
    rows = good_rows(tree.grids[4].code, 1)
    report = imports.registry_import_check(by=community, path=write_sheet(tmp_path / "o.xlsx", rows))
    assert [(e["row"], e["column"]) for e in report.errors] == [(2, "网格编码")]


# --- Upload, pages and permissions ------------------------------------------------------------------------


def test_upload_checks_the_content_not_the_name(tree, community, client, tmp_path):
    client.force_login(community)
    url = reverse("people:registry-import") + "?lang=en"
    fake = SimpleUploadedFile("names.xlsx", b"name,id\n" * 10)
    response = client.post(url, {"file": fake})
    assert response.status_code == 400
    assert "not an Excel workbook" in response.content.decode()
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    response = client.post(url, {"file": SimpleUploadedFile("zip.xlsx", buffer.getvalue())})
    assert response.status_code == 400
    assert not RegistryImport.objects.exists()


def test_an_upload_over_20_mb_is_refused(tree, community, tmp_path):
    upload = SimpleUploadedFile("big.xlsx", b"PK\x03\x04")
    upload.size = 20 * 1024 * 1024 + 1
    with pytest.raises(imports.ValidationError) as error:
        imports.registry_import_upload(by=community, upload=upload)
    assert "20 MB" in str(error.value)


def test_the_pages_upload_show_errors_and_offer_the_commit_only_when_clean(
    tree, community, client, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(community)
    rows, _expected = ten_faults(tree.grids[0].code, tree.grids[4].code)
    path = write_sheet(tmp_path / "f.xlsx", rows)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("people:registry-import"), {"file": SimpleUploadedFile("f.xlsx", path.read_bytes())}
        )
    job = RegistryImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "people:registry-import-job", args=[job.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert "迁入日期" in page and "<progress" not in page
    assert reverse("people:registry-import-commit", args=[job.pk]) not in page
    response = client.post(reverse("people:registry-import-commit", args=[job.pk]))
    assert response.status_code == 302
    assert not Resident.objects.exists()

    good = write_sheet(tmp_path / "g.xlsx", good_rows(tree.grids[0].code, 2))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("people:registry-import"), {"file": SimpleUploadedFile("g.xlsx", good.read_bytes())}
        )
    job = RegistryImport.objects.latest("id")
    page = client.get(response["Location"]).content.decode()
    assert reverse("people:registry-import-commit", args=[job.pk]) in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("people:registry-import-commit", args=[job.pk]))
    assert Resident.objects.count() == 2

    template = client.get(reverse("people:registry-import-template"))
    assert template.status_code == 200
    assert b"".join(template.streaming_content).startswith(b"PK\x03\x04")


def test_a_running_job_shows_a_progress_bar_and_refreshes(tree, community, client):
    job = RegistryImport.objects.create(
        file_path="x.xlsx", place_code=tree.communities[0].code, created_by=community, status="checking"
    )
    client.force_login(community)
    page = client.get(reverse("people:registry-import-job", args=[job.pk])).content.decode()
    assert "<progress" in page and 'http-equiv="refresh"' in page


def test_jobs_are_visible_to_their_creator_and_to_staff_covering_their_place_only(
    tree, staff, make_user, client
):
    job = RegistryImport.objects.create(
        file_path="x.xlsx", place_code=tree.communities[0].code, created_by=staff[Role.COMMUNITY_STAFF]
    )
    url = reverse("people:registry-import-job", args=[job.pk])
    other_community = make_user("other_c", Role.COMMUNITY_STAFF, tree.communities[2].code)
    for user, status in [
        (staff[Role.COMMUNITY_STAFF], 200),
        (staff[Role.SUBDISTRICT_OFFICER], 200),
        (other_community, 404),
        (staff[Role.GRID_LEADER], 404),
    ]:
        client.force_login(user)
        assert client.get(url).status_code == status, user
        assert client.post(reverse("people:registry-import-commit", args=[job.pk])).status_code in (
            {302} if status == 200 else {404}
        )


# --- The background job through the real database queue --------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_check_and_commit_run_through_the_database_queue_worker(
    settings, tree, make_user, tmp_path, audit_log_flushable
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    user = make_user("q_community", Role.COMMUNITY_STAFF, tree.communities[0].code)
    path = write_sheet(tmp_path / "q.xlsx", good_rows(tree.grids[0].code, 6))
    job = imports.registry_import_upload(by=user, upload=SimpleUploadedFile("q.xlsx", path.read_bytes()))
    job.refresh_from_db()
    assert job.status == RegistryImport.Status.UPLOADED  # queued, not run inside the request
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    call_command("worker", "--batch", "--no-startup-delay", "--no-clock", verbosity=0)
    job.refresh_from_db()
    assert job.status == RegistryImport.Status.CHECKED
    assert (job.progress, job.rows_total, job.error_count) == (6, 6, 0)

    imports.registry_import_request_commit(by=user, job=job)
    assert not Resident.objects.exists()
    call_command("worker", "--batch", "--no-startup-delay", "--no-clock", verbosity=0)
    job.refresh_from_db()
    assert job.status == RegistryImport.Status.DONE
    assert job.progress == 6 and Resident.objects.count() == 6
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_an_upload_left_unimported_is_deleted_after_two_days(
    tree, community, tmp_path, django_capture_on_commit_callbacks
):
    grid = tree.grids[0].code
    path = write_sheet(tmp_path / "left.xlsx", good_rows(grid, 2))
    with django_capture_on_commit_callbacks(execute=True):
        job = imports.registry_import_upload(
            by=community, upload=SimpleUploadedFile("left.xlsx", path.read_bytes()), place_code=grid[:12]
        )
    job.refresh_from_db()
    stored = imports.imports_dir() / job.file_path
    assert job.status == RegistryImport.Status.CHECKED and stored.exists()

    assert imports.registry_import_uploads_expire(now=job.created_at + timedelta(days=1)) == 0
    assert stored.exists()

    assert imports.registry_import_uploads_expire(now=job.created_at + timedelta(days=3)) == 1
    job.refresh_from_db()
    assert not stored.exists()
    assert job.status == RegistryImport.Status.FAILED
    assert "two days" in job.errors[0]["message"]
    assert AuditEntry.objects.filter(action="people.registry.import.expired", object_id=str(job.pk)).exists()
    assert imports.registry_import_uploads_expire(now=job.created_at + timedelta(days=4)) == 0
