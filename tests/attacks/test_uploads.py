"""Oversize and wrong-type uploads to the places import and the registry import: a clear, translated error
next to the file field, never a 500 and never a stored job."""

import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from huiketing.people.models import RegistryImport, Role

MB = 1024 * 1024


def png_bytes() -> bytes:
    """A real 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


CSV = "网格编码,楼栋,房号,姓名\n654301001001001,1,101,测试居民\n".encode()
HUGE = b"0" * (25 * MB)


@pytest.fixture
def importer(client, staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(staff[Role.CITY_OFFICER])
    return client


REGISTRY_CASES = {
    "25 MB": ("big.xlsx", HUGE, {"en": "larger than 20 MB", "zh-hans": "20"}),
    "a PNG renamed .xlsx": ("photo.xlsx", png_bytes(), {"en": "not an Excel workbook"}),
    "a CSV renamed .xlsx": ("residents.xlsx", CSV, {"en": "not an Excel workbook"}),
    "an empty file": ("empty.xlsx", b"", {}),
}


@pytest.mark.parametrize("case", sorted(REGISTRY_CASES))
def test_registry_import_refuses_bad_files_with_a_translated_message(importer, case):
    name, content, expected = REGISTRY_CASES[case]
    texts = {}
    for language in ("en", "zh-hans"):
        response = importer.post(
            reverse("people:registry-import") + f"?lang={language}",
            {"file": SimpleUploadedFile(name, content)},
        )
        assert response.status_code == 400, (case, response.status_code)
        form = response.context["form"]
        assert form.errors.get("file"), form.errors
        texts[language] = " ".join(form.errors["file"])
        if language in expected:
            assert expected[language] in texts[language], texts
    assert texts["en"] != texts["zh-hans"], f"the message is not translated: {texts}"
    assert not RegistryImport.objects.exists()


PLACES_CASES = {
    "25 MB code list": ("places", "codes.csv", HUGE, "larger than 10 MB"),
    "a PNG renamed .csv": ("places", "codes.csv", png_bytes(), None),
    "a PNG as boundaries": ("boundaries", "areas.geojson", png_bytes(), None),
    "a CSV as boundaries": ("boundaries", "areas.geojson", CSV, None),
    "an xlsx as a code list": ("places", "codes.csv", b"PK\x03\x04" + b"\x00" * 100, None),
}


@pytest.mark.parametrize("case", sorted(PLACES_CASES))
def test_places_import_refuses_bad_files_without_a_server_error(importer, tree, case):
    kind, name, content, expected = PLACES_CASES[case]
    before = sorted(tree.city.__class__.objects.values_list("code", flat=True))
    texts = {}
    for language in ("en", "zh-hans"):
        response = importer.post(
            reverse("places:import") + f"?lang={language}",
            {"kind": kind, "mode": "commit", "file": SimpleUploadedFile(name, content)},
        )
        assert response.status_code in (200, 400), (case, response.status_code)
        context = response.context
        errors = list(context["form"].errors.get("file", []))
        report = context.get("report")
        if report is not None:
            assert not report.applied
            errors += [str(message) for message in report.file_errors]
            errors += [str(getattr(row, "message", row)) for row in report.errors]
            # The page shows them.
            html = response.content.decode()
            assert all(str(message) in html for message in report.file_errors) or not report.file_errors
        assert errors, f"{case}: no error is shown"
        texts[language] = " ".join(map(str, errors))
    if expected:
        assert expected in texts["en"]
    assert texts["en"] != texts["zh-hans"], f"the message is not translated: {texts}"
    assert sorted(tree.city.__class__.objects.values_list("code", flat=True)) == before
