"""What it must show (issue 3): the database file and the PostgreSQL dump hold no ID number or phone number in
clear text, and the audit log never holds a full ID number.

The scans look for every value as ASCII/UTF-8 and as UTF-16 (both byte orders), and check themselves against a
value that is stored in clear (a name), so that a scan which reads nothing cannot pass.
"""

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.db import connection

from huiketing.core.models import AuditEntry
from huiketing.people.models import Resident
from huiketing.people.services import household_create, resident_create, resident_reveal, resident_update
from huiketing.people.validators import id_check_character

FIELD_KEYS = "scan-field-key-0123456789abcdefghijklmnopqrstuvwxyz"


def _id(first_17: str) -> str:
    return first_17 + id_check_character(first_17)


# name, ID number, phone, the phone it is changed to afterwards
PEOPLE = [
    ("扫描甲", _id("65430119800101001"), "13912345678", "13987654321"),
    ("扫描乙", _id("65430119451231002"), "18099990000", "0906-2123456"),
    ("扫描丙", _id("65430120120229003"), "15500001111", ""),
]


def encodings(value: str) -> list[bytes]:
    return [value.encode("ascii"), value.encode("utf-16-le"), value.encode("utf-16-be")]


def needles(values) -> dict[bytes, str]:
    found = {}
    for value in values:
        if not value:
            continue
        forms = {value, value.replace("-", "")}
        for form in forms:
            for encoded in encodings(form):
                found[encoded] = value
    return found


def leaks(data: bytes, values) -> list[str]:
    return sorted({value for needle, value in needles(values).items() if needle in data})


def all_personal_values(people=PEOPLE) -> list[str]:
    return [value for _name, number, phone, new_phone in people for value in (number, phone, new_phone)]


def _register(by, grid):
    household = household_create(by=by, grid=grid, building="扫描楼", room="101")
    residents = []
    for name, number, phone, new_phone in PEOPLE:
        resident = resident_create(
            by=by, household=household, full_name=name, id_number=number, phone=phone, tags=["veteran"]
        )
        resident_reveal(by=by, resident=resident, field="id_number", reason="核对身份信息")
        resident_reveal(by=by, resident=resident, field="phone", reason="电话联系本人")
        resident_update(by=by, resident=resident, phone=new_phone)
        residents.append(resident)
    return residents


def test_the_audit_log_never_holds_a_full_id_number_or_phone(staff, tree):
    admin = staff["admin"]
    residents = _register(admin, tree.grids[0])
    assert AuditEntry.objects.filter(action="people.resident.reveal.id_number").count() == len(residents)
    rows = list(AuditEntry.objects.values_list("changes", "reason", "object_repr", "actor_label"))
    assert len(rows) > 3 * len(residents)
    text = json.dumps(rows, ensure_ascii=False)
    assert "扫描甲" in text  # the scan reads what the rows hold
    for value in all_personal_values():
        if value:
            assert value not in text
            assert value.replace("-", "") not in text
    # The ID numbers' middle digits (birth date and sequence) do not appear either.
    for _name, number, _phone, _new in PEOPLE:
        assert number[6:14] not in text


LOAD_SCRIPT = textwrap.dedent(
    """
    import functools, json, sys

    import django

    django.setup()

    from huiketing.demo import loader, registry
    from huiketing.people.models import Resident, User
    from huiketing.people.services import household_create, resident_create, resident_reveal, resident_update
    from huiketing.places.models import Level, Place

    people = json.load(open(sys.argv[1]))
    loader.SCALED_GENERATORS[:] = [functools.partial(registry.registry_generate, households_per_grid=3)]
    loader.demo_load()
    admin = User.objects.get(username="admin")
    grid = Place.objects.filter(level=Level.GRID).order_by("code").first()
    household = household_create(by=admin, grid=grid, building="扫描楼", room="101")
    for name, number, phone, new_phone in people:
        resident = resident_create(
            by=admin, household=household, full_name=name, id_number=number, phone=phone, tags=["veteran"]
        )
        resident_reveal(by=admin, resident=resident, field="id_number", reason="核对身份信息")
        resident_update(by=admin, resident=resident, phone=new_phone)
    stored = [[r.full_name, r.id_number, r.phone] for r in Resident.objects.all()]
    json.dump(stored, open(sys.argv[2], "w"), ensure_ascii=False)
    """
)


def test_the_sqlite_database_file_holds_no_id_number_or_phone(tmp_path):
    """A file database made the way an installation makes it: `huiketing migrate`, then the demo's registry
    (through bulk_create) and residents registered, revealed and changed through the services."""
    data_dir = tmp_path / "data"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "HUIKETING_DATA_DIR", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        HUIKETING_DATA_DIR=str(data_dir),
        HUIKETING_FIELD_KEYS=FIELD_KEYS,
        DJANGO_SETTINGS_MODULE="huiketing.settings",
    )
    huiketing = str(Path(sys.executable).with_name("huiketing"))
    subprocess.run([huiketing, "migrate", "-v", "0"], env=env, check=True, capture_output=True, timeout=300)
    script, given, stored_file = tmp_path / "load.py", tmp_path / "people.json", tmp_path / "stored.json"
    script.write_text(LOAD_SCRIPT)
    given.write_text(json.dumps(PEOPLE, ensure_ascii=False))
    result = subprocess.run(
        [sys.executable, str(script), str(given), str(stored_file)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    stored = json.loads(stored_file.read_text())
    assert len(stored) > 89 * 3 + len(PEOPLE)

    files = [data_dir / "huiketing.sqlite3", data_dir / "huiketing.sqlite3-wal"]
    data = b"".join(path.read_bytes() for path in files if path.exists())
    assert len(data) > 100_000
    # The scan sees what is stored in clear: names, in UTF-8.
    assert "扫描甲".encode() in data and stored[0][0].encode() in data

    assert leaks(data, all_personal_values()) == []
    assert leaks(data, [value for _name, number, phone in stored for value in (number, phone)]) == []


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed")
def test_the_postgresql_dump_holds_no_id_number_or_phone(audit_log_flushable, tree, make_user):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (DATABASE_URL=postgres://…)")
    admin = make_user("scan_admin", "admin")
    _register(admin, tree.grids[0])
    assert Resident.objects.count() == len(PEOPLE)

    settings_dict = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": settings_dict.get("PASSWORD") or ""}
    command = ["pg_dump", "--no-owner", "--dbname", settings_dict["NAME"]]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            command += [option, str(settings_dict[key])]
    dump = subprocess.run(command, env=env, capture_output=True, check=True, timeout=120).stdout
    assert b"people_resident" in dump
    assert "扫描甲".encode() in dump

    assert leaks(dump, all_personal_values()) == []


def test_the_scan_finds_a_value_in_each_encoding():
    number, phone = PEOPLE[0][1], PEOPLE[1][3]
    for data in (b"..." + number.encode() + b"...", number.encode("utf-16-le"), number.encode("utf-16-be")):
        assert leaks(data, [number]) == [number]
    assert leaks(b"tel 09062123456", [phone]) == [phone]
    assert leaks(b"nothing here", [number, phone]) == []
