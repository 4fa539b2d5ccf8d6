"""`huiketing backup` and `huiketing restore`: a real round trip on the configured database, in subprocesses.

The demo is loaded into a fresh data directory and a fresh database (a new SQLite file, or a new PostgreSQL
database created for the test when DATABASE_URL points to PostgreSQL), backed up, changed, restored, and
compared table by table with the figures taken before the change. The test database of pytest-django is not
used: the restore replaces a whole database.
"""

import io
import json
import os
import secrets
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.utils import translation

from huiketing.core import backup

HUIKETING = str(Path(sys.executable).with_name("huiketing"))
CHECKSUMS = (
    "import json; from huiketing.core.backup import table_checksums; print(json.dumps(table_checksums()))"
)
CHANGE = """
from huiketing.core.audit import audit_record
from huiketing.people.models import Resident
# Residents who took part in no meeting, vote, project or booking: those records protect the people counted.
doomed = list(
    Resident.objects.filter(
        meeting_participations__isnull=True,
        ballots__isnull=True,
        project_participations__isnull=True,
        bookings__isnull=True,
    )
    .order_by("pk")
    .values_list("pk", flat=True)[:5]
)
Resident.objects.filter(pk__in=doomed).delete()
audit_record(actor=None, action="tests.backup.after_backup")
print(len(doomed))
"""
POSTGRES = (os.environ.get("DATABASE_URL") or "").startswith(("postgres://", "postgresql://"))


def _pg(program: str, url, *arguments: str) -> None:
    env = {**os.environ, "PGPASSWORD": url.password or ""}
    server = [
        "-h",
        url.hostname or "127.0.0.1",
        "-p",
        str(url.port or 5432),
        "-U",
        url.username or "postgres",
    ]
    subprocess.run([program, *server, *arguments], env=env, check=True, capture_output=True, timeout=60)


@pytest.fixture
def installation(tmp_path):
    """A fresh data directory and an empty database of the configured kind; yields their environment."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DATABASE_URL",
            "HUIKETING_TESTING",
            "HUIKETING_DATA_DIR",
            "DJANGO_SETTINGS_MODULE",
            "HUIKETING_FIELD_KEYS",
            "HUIKETING_SECRET_KEY",
        }
    }
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    # The demo setting makes the installation generate its own field_keys and secret_key files, which the
    # archive must leave out.
    env.update(
        {
            "HUIKETING_DATA_DIR": str(data_dir),
            "HUIKETING_DEMO": "1",
            "HUIKETING_LOG_LEVEL": "WARNING",
            # The commands speak the installation's language; the assertions read English.
            "HUIKETING_LANGUAGE_CODE": "en",
        }
    )
    database = None
    if POSTGRES:
        url = urlsplit(os.environ["DATABASE_URL"])
        database = f"huiketing_bk_{secrets.token_hex(4)}"
        _pg("createdb", url, database)
        env["DATABASE_URL"] = urlunsplit(url._replace(path=f"/{database}"))
    try:
        yield env, data_dir
    finally:
        if database:
            _pg("dropdb", url, "--force", database)


def _run(env, *args, check=True):
    completed = subprocess.run(
        [HUIKETING, *args],
        env=env,
        cwd=env["HUIKETING_DATA_DIR"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check and completed.returncode != 0:
        pytest.fail(
            f"huiketing {' '.join(args)} failed:\n{completed.stdout[-2000:]}\n{completed.stderr[-3000:]}"
        )
    return completed


def _checksums(env) -> dict:
    return json.loads(_run(env, "shell", "-c", CHECKSUMS).stdout.strip().splitlines()[-1])


def _members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        return {member.name: tar.extractfile(member).read() for member in tar if member.isfile()}


def _with_manifest(source: Path, target: Path, change) -> Path:
    """A copy of `source` holding only its manifest, changed by `change` (restore reads it first)."""
    manifest = json.loads(_members(source)[backup.MANIFEST])
    change(manifest)
    data = json.dumps(manifest).encode()
    with tarfile.open(target, "w:gz") as tar:
        info = tarfile.TarInfo(backup.MANIFEST)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return target


@pytest.mark.slow
def test_backup_and_restore_round_trip(installation, tmp_path):
    env, data_dir = installation
    started = time.monotonic()
    _run(env, "migrate", "--noinput", "--verbosity", "0")
    _run(env, "demo_seed")
    media = data_dir / "media"
    (media / "photos").mkdir(parents=True)
    (media / "photos" / "hall.jpg").write_bytes(b"\xff\xd8 a photo")
    (media / "imports").mkdir()
    (media / "imports" / "upload.xlsx").write_bytes(b"650000199001011234")
    field_key = (data_dir / "field_keys").read_text().strip()
    secret_key = (data_dir / "secret_key").read_text().strip()
    assert len(field_key) >= 32 and len(secret_key) >= 32

    out = tmp_path / "backups"
    made = _run(env, "backup", "--output", str(out))
    before = _checksums(env)
    (archive,) = out.glob("huiketing-backup-*.tar.gz")
    assert "Backup written to" in made.stdout
    assert archive.stat().st_mode & 0o777 == 0o600

    # What the archive holds, and what it must not.
    members = _members(archive)
    manifest = json.loads(members[backup.MANIFEST])
    vendor = "postgresql" if POSTGRES else "sqlite"
    assert manifest["database"]["vendor"] == vendor
    assert manifest["tables"] == before  # the manifest describes the database as it was backed up
    assert before["people_resident"]["rows"] > 7000
    assert before["core_auditentry"]["rows"] > 0
    assert "0003_audit_append_only_triggers" in manifest["migrations"]["core"]
    assert "media/photos/hall.jpg" in members
    assert not [name for name in members if "imports" in name or Path(name).name in backup.SECRET_FILE_NAMES]
    for name, content in members.items():
        assert field_key.encode() not in content, name
        assert secret_key.encode() not in content, name
    assert manifest["field_keys"] == backup.field_key_fingerprints(field_key)
    assert field_key not in json.dumps(manifest)

    # Change the data after the backup: delete residents (and their tags, …), add an audit entry and a file.
    assert _run(env, "shell", "-c", CHANGE).stdout.strip().splitlines()[-1] == "5"
    (media / "photos" / "later.jpg").write_bytes(b"added after the backup")
    changed = _checksums(env)
    assert changed["people_resident"]["rows"] == before["people_resident"]["rows"] - 5
    assert changed["core_auditentry"]["rows"] > before["core_auditentry"]["rows"]

    # Refused: other field keys, a damaged archive, a newer format, a database ahead of the code.
    other_keys = {**env, "HUIKETING_FIELD_KEYS": secrets.token_urlsafe(48)}
    refused = _run(other_keys, "restore", str(archive), "--yes", check=False)
    assert refused.returncode != 0
    assert "not the ones this backup was made with" in refused.stderr
    damaged = tmp_path / "damaged.tar.gz"
    data = bytearray(archive.read_bytes())
    for offset in range(len(data) // 2, len(data) // 2 + 64):
        data[offset] ^= 0xFF
    damaged.write_bytes(bytes(data))
    refused = _run(env, "restore", str(damaged), "--yes", check=False)
    assert refused.returncode != 0
    assert "not a readable huiketing backup" in refused.stderr
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 3])
    refused = _run(env, "restore", str(truncated), "--yes", check=False)
    assert refused.returncode != 0 and "not a readable huiketing backup" in refused.stderr
    newer = _with_manifest(archive, tmp_path / "newer.tar.gz", lambda m: m.update(format_version=99))
    refused = _run(env, "restore", str(newer), "--yes", check=False)
    assert refused.returncode != 0 and "format version 99" in refused.stderr
    ahead = _with_manifest(
        archive, tmp_path / "ahead.tar.gz", lambda m: m["migrations"]["core"].append("9999_from_the_future")
    )
    refused = _run(env, "restore", str(ahead), "--yes", check=False)
    assert refused.returncode != 0 and "core.9999_from_the_future" in refused.stderr
    unconfirmed = _run(env, "restore", str(archive), check=False)
    assert unconfirmed.returncode != 0 and "--yes" in unconfirmed.stderr
    assert _checksums(env) == changed  # nothing refused touched the database

    # The restore puts back exactly what was backed up.
    restored = _run(env, "restore", str(archive), "--yes")
    assert "Verified: row counts and checksums of all" in restored.stdout
    after = _checksums(env)
    audit = after.pop("core_auditentry")
    expected = dict(before)
    expected_audit = expected.pop("core_auditentry")
    assert after == expected
    # The audit log is as backed up, plus the restore's own entry, written after the verification.
    assert audit["rows"] == expected_audit["rows"] + 1
    last = _run(
        env,
        "shell",
        "-c",
        "from huiketing.core.models import AuditEntry; "
        "print(AuditEntry.objects.order_by('pk').last().action)",
    )
    assert last.stdout.strip().splitlines()[-1] == "core.backup.restore"
    assert (media / "photos" / "hall.jpg").read_bytes() == b"\xff\xd8 a photo"
    assert not (media / "photos" / "later.jpg").exists()
    assert (media / "imports" / "upload.xlsx").exists()  # transient uploads are neither saved nor removed
    print(f"backup round trip on {vendor}: {time.monotonic() - started:.1f} s")  # noqa: T201


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_field_key_check_names_the_problem(english):
    first, second, third = (secrets.token_urlsafe(48) for _ in range(3))
    made_with = backup.field_key_fingerprints(f"{second},{first}")
    assert backup.field_keys_problem(made_with, backup.field_key_fingerprints(f"{second},{first}")) == ""
    # After a rotation that kept the old last key, the backup is still readable.
    assert (
        backup.field_keys_problem(made_with, backup.field_key_fingerprints(f"{third},{second},{first}")) == ""
    )
    assert "not the ones" in backup.field_keys_problem(made_with, backup.field_key_fingerprints(third))
    assert "not the ones" in backup.field_keys_problem(made_with, backup.field_key_fingerprints(second))
    assert "search hashes" in backup.field_keys_problem(
        backup.field_key_fingerprints(second), backup.field_key_fingerprints(f"{second},{first}")
    )
    assert "not set" in backup.field_keys_problem(made_with, [])
    assert first not in "".join(made_with) and len(set(made_with)) == 2


def test_checksum_encoding_is_unambiguous():
    assert backup._row_bytes(["ab", "c"]) != backup._row_bytes(["a", "bc"])
    assert backup._row_bytes([1]) != backup._row_bytes(["1"]) != backup._row_bytes([True])
    assert backup._row_bytes([None]) != backup._row_bytes([""])
    assert backup._row_bytes([{"b": 1, "a": 2}]) == backup._row_bytes([{"a": 2, "b": 1}])
