import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from huiketing.core.models import AuditEntry
from huiketing.places import services
from huiketing.places.models import Place

GOOD_CSV = """统计用区划代码,名称,城乡分类代码,name_en
654301000000,阿勒泰市,,Altay
654301003000,新街道,,New subdistrict
654301003001,新社区,111,New community
654301003200,某村委会,220,
"""


def write(tmp_path, text: str, encoding: str = "utf-8", name: str = "places.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def rows(report):
    return [(row.line, row.code, row.status) for row in report.rows]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_dry_run_reads_every_encoding_and_writes_nothing(tree, tmp_path, encoding):
    path = write(tmp_path, GOOD_CSV, encoding)
    report = services.places_import_csv(by=None, file=path, dry_run=True)
    assert not report.has_errors, report
    assert rows(report) == [
        (2, "654301", "update"),  # adds the English name
        (3, "654301003", "create"),
        (4, "654301003001", "create"),
        (5, "654301003200", "create"),
    ]
    assert report.rows[1].name == "新街道"
    assert not report.applied
    assert not Place.objects.filter(code__startswith="654301003").exists()
    assert not AuditEntry.objects.filter(action__startswith="places.").exists()


def test_csv_commit_writes_and_audits(tree, tmp_path, staff):
    path = write(tmp_path, GOOD_CSV, "gb18030")
    report = services.places_import_csv(by=staff["admin"], file=path, dry_run=False)
    assert report.applied
    community = Place.objects.get(code="654301003001")
    assert community.parent.code == "654301003"
    assert community.names == {"zh-hans": "新社区", "en": "New community"}
    assert community.urban_rural_code == "111"
    assert Place.objects.get(code="654301003200").level == "community"
    assert AuditEntry.objects.filter(action="places.place.create", actor=staff["admin"]).count() == 3
    # The city row only added an English name: an update.
    assert Place.objects.get(code="654301").names["en"] == "Altay"
    again = services.places_import_csv(by=None, file=path, dry_run=True)
    assert {row.status for row in again.rows} == {"unchanged"}


def test_english_headers_parent_column_and_languages(tree, tmp_path):
    text = "code,name,parent,name_ug,name_kk\n654301001003,社区三,654301001,مەھەللە,ماحاللا\n"
    report = services.places_import_csv(by=None, file=write(tmp_path, text), dry_run=False)
    assert report.applied
    assert Place.objects.get(code="654301001003").names["ug"] == "مەھەللە"


def test_every_bad_row_is_reported_by_line_and_nothing_is_written(tree, tmp_path):
    text = (
        "code,name,urban_rural_code,parent\n"
        "654301003000,新街道,,\n"  # 2: fine
        "65430100300,短码,,\n"  # 3: bad length
        "６５４３０１００３００２,全角,,\n"  # 4: full-width digits
        "654301003001,社区A,,\n"  # 5: fine
        "654301003001,社区A重复,,\n"  # 6: duplicate within the file
        "654301009001,孤儿社区,,\n"  # 7: parent neither in file nor database
        "654301003002,社区A,,\n"  # 8: same name as line 5 under the same parent
        "654301003003,社区C,999,\n"  # 9: bad urban-rural code
        "654301003004,,,\n"  # 10: no name
        "654301003005,社区E,,654301002\n"  # 11: parent column disagrees
        "654301001003,社区1-1,,\n"  # 12: name taken by an existing community
        "654301003400,社区F,,\n"  # 13: community digits out of range
        "654300000000,阿勒泰地区,,\n"  # 14: prefecture, skipped
    )
    report = services.places_import_csv(by=None, file=write(tmp_path, text), dry_run=False)
    assert report.has_errors
    assert not report.applied
    errors = {row.line: " ".join(row.messages) for row in report.errors}
    assert sorted(errors) == [3, 4, 6, 7, 8, 9, 10, 11, 12, 13]
    assert "6 digits" in errors[3] or "11 digits" in errors[3]
    assert "full-width" in errors[4]
    assert "line 5" in errors[6]
    assert "654301009" in errors[7]
    assert "name" in errors[8] and "654301003001" in errors[8]
    assert "urban_rural_code" in errors[9]
    assert errors[10].startswith("name")
    assert errors[11].startswith("parent")
    assert "654301001001" in errors[12]
    assert "Digits 10-12" in errors[13]
    assert report.rows[-1].status == "skipped"
    assert not Place.objects.filter(code__startswith="654301003").exists()


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"foo,bar\n1,2\n", "first line must name the columns"),
        (b"", "first line must name the columns"),
        (b"\xff\xfe\x00\x00\x81", "neither UTF-8 nor GB18030"),
    ],
)
def test_unreadable_csv_files(tree, tmp_path, content, fragment):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    report = services.places_import_csv(by=None, file=path, dry_run=True)
    assert report.has_errors
    assert fragment in report.file_errors[0]


def feature(code, geometry):
    return {"type": "Feature", "properties": {"code": code}, "geometry": geometry}


def square(lng, lat, size=0.01):
    ring = [[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def geojson_file(tmp_path, features, name="b.geojson"):
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False))
    return path


def test_geojson_repairs_a_self_intersecting_polygon(tree, tmp_path, staff):
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[88.1, 47.8], [88.2, 47.9], [88.2, 47.8], [88.1, 47.9], [88.1, 47.8]]],
    }
    path = geojson_file(
        tmp_path,
        [feature("654301001000", bowtie), feature("654301001001001", square(88.10, 47.84))],
    )
    report = services.boundaries_import_geojson(by=staff["admin"], file=path, dry_run=False)
    assert report.applied, report
    assert [(row.line, row.code, row.status) for row in report.rows] == [
        (1, "654301001", "update"),
        (2, "654301001001001", "unchanged"),
    ]
    assert "repaired" in report.rows[0].messages[0]
    subdistrict = Place.objects.get(code="654301001")
    assert subdistrict.boundary["type"] == "MultiPolygon"
    assert subdistrict.centroid_lat is not None
    assert AuditEntry.objects.filter(action="places.place.update", actor=staff["admin"]).count() == 1


def test_geojson_errors_are_reported_by_feature_and_nothing_written(tree, tmp_path):
    path = geojson_file(
        tmp_path,
        [
            feature("654301001", square(88.0, 47.0)),  # 1: fine
            feature("654301001", square(88.0, 47.0)),  # 2: duplicate
            feature("654301001001001", {"type": "Point", "coordinates": [88.1, 47.8]}),  # 3: not a polygon
            feature("654301001009", square(88.0, 47.0)),  # 4: unknown code
            feature("65430100", square(88.0, 47.0)),  # 5: bad code
            {"type": "Feature", "properties": {}, "geometry": square(88.0, 47.0)},  # 6: no code
            "nonsense",  # 7
        ],
    )
    report = services.boundaries_import_geojson(by=None, file=path, dry_run=False)
    assert not report.applied
    errors = {row.line: " ".join(row.messages) for row in report.errors}
    assert sorted(errors) == [2, 3, 4, 5, 6, 7]
    assert "feature 1" in errors[2]
    assert "Point" in errors[3] and errors[3].startswith("geometry")
    assert "no place has the code 654301001009" in errors[4]
    assert "8 digits" in errors[5]
    assert "no code" in errors[6]
    assert Place.objects.get(code="654301001").boundary is None


def test_geojson_must_be_a_feature_collection(tree, tmp_path):
    path = tmp_path / "x.geojson"
    path.write_text(json.dumps(square(88.0, 47.0)))
    report = services.boundaries_import_geojson(by=None, file=path, dry_run=True)
    assert "FeatureCollection" in report.file_errors[0]
    path.write_text("{")
    report = services.boundaries_import_geojson(by=None, file=path, dry_run=True)
    assert report.file_errors


def test_commands_print_reports(tree, tmp_path, capsys):
    path = write(tmp_path, GOOD_CSV)
    call_command("places_import", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "654301003001" in out
    assert not Place.objects.filter(code="654301003001").exists()
    call_command("places_import", str(path))
    assert Place.objects.filter(code="654301003001").exists()

    bad = write(tmp_path, "code,name\n12,坏\n", name="bad.csv")
    with pytest.raises(CommandError):
        call_command("places_import", str(bad))

    boundaries = geojson_file(tmp_path, [feature("654301003001", square(88.3, 47.9))])
    call_command("places_import_boundaries", str(boundaries))
    assert Place.objects.get(code="654301003001").boundary is not None

    call_command("places_renumber", "654301001001", "--dry-run")
    assert "654301001001001" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("places_renumber", "654301009001")
