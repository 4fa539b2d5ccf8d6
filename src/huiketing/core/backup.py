"""Backup and restore of an installation: database, uploaded media and a manifest (docs/operations.md).

An archive is one `.tar.gz` holding `manifest.json`, the database (`database/huiketing.pgdump`, a
`pg_dump --format=custom`, or `database/huiketing.sqlite3`, a copy made with SQLite's online backup API) and
`media/…`. It never holds the field keys, the secret key or the transient spreadsheet uploads under
MEDIA_ROOT/imports/ (they contain clear ID numbers): without the field keys, kept apart from the backups, the
encrypted columns of an archive cannot be read. The manifest records fingerprints of the field keys so that a
restore can tell that the configured keys are not the ones the backup was made with, without revealing them.

Per-table row counts and content checksums (`table_checksums`) are taken from the very snapshot that is dumped
and recomputed after a restore; the commands `huiketing backup` and `huiketing restore` are thin wrappers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import hashlib
import hmac
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import uuid
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = "huiketing-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PG_DUMP_NAME = "database/huiketing.pgdump"
SQLITE_NAME = "database/huiketing.sqlite3"
MEDIA_PREFIX = "media/"
# Transient uploads of the registry import: clear ID numbers, deleted by their own jobs; never archived.
MEDIA_EXCLUDED_DIRS = ("imports",)
# Never archived, wherever they are found: the archive must be useless without the keys kept elsewhere.
SECRET_FILE_NAMES = ("secret_key", "field_keys")
FINGERPRINT_MESSAGE = b"huiketing backup field key fingerprint v1"
CHUNK = 1 << 20

Progress = Callable[[str], None]


class BackupError(Exception):
    """A refused or failed backup or restore; the message is translated and meant for the operator."""


def _quiet(message: str) -> None:
    pass


# --- Content checksums ----------------------------------------------------------------------------------


def _encode(value) -> bytes:
    """A deterministic, type-tagged, length-prefixed encoding of one column value (the same database vendor
    returns the same Python types for the same stored value, so equal tables give equal bytes)."""
    if value is None:
        text = "N"
    elif isinstance(value, bool):
        text = "T" if value else "F"
    elif isinstance(value, int):
        text = f"i{value}"
    elif isinstance(value, float):
        text = f"f{value!r}"
    elif isinstance(value, decimal.Decimal):
        text = f"d{value}"
    elif isinstance(value, str):
        text = f"s{value}"
    elif isinstance(value, bytes | bytearray | memoryview):
        text = f"x{bytes(value).hex()}"
    elif isinstance(value, dt.datetime | dt.date | dt.time):
        text = f"t{value.isoformat()}"
    elif isinstance(value, dt.timedelta):
        text = f"D{value // dt.timedelta(microseconds=1)}"
    elif isinstance(value, uuid.UUID):
        text = f"u{value}"
    elif isinstance(value, dict | list):
        text = "j" + json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    else:
        text = f"o{type(value).__name__}:{value}"
    data = text.encode("utf-8", "surrogatepass")
    return f"{len(data)}:".encode() + data


def _row_bytes(row: Iterable) -> bytes:
    return b"".join(_encode(value) for value in row) + b"\n"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _digest(rows: Iterable, ordered: bool) -> tuple[int, str]:
    digest = hashlib.sha256()
    count = 0
    if ordered:
        for row in rows:
            digest.update(_row_bytes(row))
            count += 1
    else:
        # A table without a primary key: the encoded rows in byte order instead.
        encoded = sorted(_row_bytes(row) for row in rows)
        for data in encoded:
            digest.update(data)
        count = len(encoded)
    return count, digest.hexdigest()


def sqlite_table_checksums(path: Path) -> dict[str, dict]:
    """Row count and SHA-256 of every table of the SQLite file at `path`, rows in primary-key order.

    Read through a plain sqlite3 connection (no type converters), so the backup copy and a restored live
    database are read the same way.
    """
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        db.text_factory = lambda data: data.decode("utf-8", "surrogateescape")
        tables = [
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
            )
        ]
        result = {}
        for table in tables:
            info = db.execute(f"PRAGMA table_info({_quote(table)})").fetchall()
            columns = [row[1] for row in info]
            keys = [row[1] for row in sorted(info, key=lambda row: row[5]) if row[5] > 0]
            select = f"SELECT {', '.join(map(_quote, columns))} FROM {_quote(table)}"  # noqa: S608
            if keys:
                select += f" ORDER BY {', '.join(map(_quote, keys))}"
            count, checksum = _digest(db.execute(select), ordered=bool(keys))
            result[table] = {"rows": count, "sha256": checksum}
        return result
    finally:
        db.close()


def postgresql_table_checksums() -> dict[str, dict]:
    """Row count and SHA-256 of every table in the current schema, rows in primary-key order.

    Runs in the caller's transaction when there is one (the backup's exported snapshot), else in its own
    read-only repeatable-read transaction. Rows are streamed through a server-side cursor.
    """
    with transaction.atomic():
        raw = connection.connection
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
            )
            tables = [name for (name,) in cursor.fetchall()]
            plans = {}
            for table in tables:
                cursor.execute(
                    "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
                    "AND NOT attisdropped ORDER BY attnum",
                    [_quote(table)],
                )
                columns = [name for (name,) in cursor.fetchall()]
                cursor.execute(
                    "SELECT a.attname FROM pg_index i JOIN pg_attribute a "
                    "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                    "WHERE i.indrelid = %s::regclass AND i.indisprimary "
                    "ORDER BY array_position(i.indkey::int2[], a.attnum)",
                    [_quote(table)],
                )
                plans[table] = (columns, [name for (name,) in cursor.fetchall()])
        result = {}
        for number, (table, (columns, keys)) in enumerate(plans.items()):
            select = f"SELECT {', '.join(map(_quote, columns))} FROM {_quote(table)}"  # noqa: S608
            if keys:
                select += f" ORDER BY {', '.join(map(_quote, keys))}"
            with raw.cursor(name=f"huiketing_checksum_{number}") as stream:
                stream.itersize = 2000
                stream.execute(select)
                count, checksum = _digest(stream, ordered=bool(keys))
            result[table] = {"rows": count, "sha256": checksum}
        return result


def table_checksums() -> dict[str, dict]:
    """Row counts and content checksums of the configured database (the same figures a manifest holds)."""
    if connection.vendor == "sqlite":
        return sqlite_table_checksums(Path(settings.DATABASES["default"]["NAME"]))
    if connection.vendor == "postgresql":
        return postgresql_table_checksums()
    raise BackupError(
        _("Backups support PostgreSQL and SQLite, not %(vendor)s.") % {"vendor": connection.vendor}
    )


def compare_tables(expected: dict[str, dict], actual: dict[str, dict]) -> list[str]:
    """The differences between two checksum maps, one line each (empty when they are identical)."""
    problems = []
    for table in sorted(set(expected) | set(actual)):
        want, got = expected.get(table), actual.get(table)
        if want is None:
            problems.append(_("%(table)s: not in the backup") % {"table": table})
        elif got is None:
            problems.append(_("%(table)s: missing after the restore") % {"table": table})
        elif want["rows"] != got["rows"]:
            problems.append(
                _("%(table)s: %(got)s rows, the backup has %(want)s")
                % {"table": table, "got": got["rows"], "want": want["rows"]}
            )
        elif want["sha256"] != got["sha256"]:
            problems.append(_("%(table)s: the content differs from the backup") % {"table": table})
    return problems


# --- Field key fingerprints -----------------------------------------------------------------------------


def key_fingerprint(key: str) -> str:
    """An HMAC of a constant under a key derived from `key` for this purpose only: it identifies the key
    without revealing it or anything derived for encryption or search."""
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"huiketing", info=b"backup-fingerprint"
    ).derive(key.encode())
    return hmac.new(derived, FINGERPRINT_MESSAGE, hashlib.sha256).hexdigest()


def field_key_fingerprints(keys: str | None = None) -> list[str]:
    """Fingerprints of HUIKETING_FIELD_KEYS, newest first (the last one also keys the search hashes)."""
    keys = settings.FIELD_KEYS if keys is None else keys
    return [key_fingerprint(key.strip()) for key in keys.split(",") if key.strip()]


def field_keys_problem(backup: list[str], current: list[str]) -> str:
    """Why the configured field keys cannot read the backup, or "" when they can."""
    if not backup:
        return ""
    if not current:
        return _("HUIKETING_FIELD_KEYS is not set here, so the encrypted personal fields could not be read.")
    missing = [position for position, fp in enumerate(backup, 1) if fp not in current]
    if missing:
        return _(
            "These field keys are not the ones this backup was made with: key %(positions)s of the backup "
            "(newest first) is missing from HUIKETING_FIELD_KEYS, so encrypted personal fields would be "
            "unreadable."
        ) % {"positions": ", ".join(map(str, missing))}
    if backup[-1] != current[-1]:
        return _(
            "The last key in HUIKETING_FIELD_KEYS differs from the backup's, so the search hashes of ID "
            "numbers and phones would not match; restore, then run `huiketing fields_reencrypt --rehash`."
        )
    return ""


# --- Migration state -------------------------------------------------------------------------------------


def _migration_state(rows: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    state: dict[str, list[str]] = {}
    for app, name in rows:
        state.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(state.items())}


def migrations_unknown_to_code(state: dict[str, list[str]]) -> list[str]:
    """Migrations applied in the backup that this code does not have: the backup is ahead of the code."""
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [f"{app}.{name}" for app, names in state.items() for name in names if (app, name) not in known]


# --- Files -----------------------------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _is_secret(path: Path) -> bool:
    if path.name in SECRET_FILE_NAMES:
        return True
    data_dir = Path(settings.DATA_DIR).resolve()
    return any(path.resolve() == data_dir / name for name in SECRET_FILE_NAMES)


def media_files(root: Path, skip: Iterable[Path] = ()) -> tuple[list[Path], list[str]]:
    """The files under MEDIA_ROOT to archive (relative paths) and what was left out, with why."""
    files: list[Path] = []
    left_out: list[str] = []
    if not root.is_dir():
        return files, left_out
    skip = [Path(p).resolve() for p in skip]
    for directory, dirnames, filenames in os.walk(root):
        here = Path(directory)
        for name in sorted(dirnames):
            relative = (here / name).relative_to(root)
            if here == root and name in MEDIA_EXCLUDED_DIRS:
                dirnames.remove(name)
                left_out.append(f"{relative}/ (transient uploads with clear ID numbers)")
            elif (here / name).resolve() in skip or (here / name).is_symlink():
                dirnames.remove(name)
                left_out.append(f"{relative}/")
        dirnames.sort()
        for name in sorted(filenames):
            path = here / name
            if _is_secret(path):
                left_out.append(f"{path.relative_to(root)} (a key file)")
            elif path.is_symlink() or not path.is_file():
                left_out.append(f"{path.relative_to(root)} (not a regular file)")
            else:
                files.append(path.relative_to(root))
    return files, left_out


def _private_dir(parent: Path, prefix: str) -> Path:
    parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=prefix, dir=parent))


# --- PostgreSQL client programs --------------------------------------------------------------------------


def _pg_env() -> dict[str, str]:
    """libpq environment for pg_dump/pg_restore: the password travels here, never on the command line."""
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    for variable, value in (
        ("PGHOST", db.get("HOST")),
        ("PGPORT", db.get("PORT")),
        ("PGUSER", db.get("USER")),
        ("PGPASSWORD", db.get("PASSWORD")),
        ("PGDATABASE", db.get("NAME")),
    ):
        if value:
            env[variable] = str(value)
    options = db.get("OPTIONS") or {}
    for option, variable in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
    ):
        if options.get(option):
            env[variable] = str(options[option])
    return env


def _run_pg(program: str, arguments: list[str]) -> None:
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(
            _(
                "%(program)s was not found: install the PostgreSQL client programs "
                "(Debian: postgresql-client)."
            )
            % {"program": program}
        )
    completed = subprocess.run(  # noqa: S603 — fixed program, arguments built here, no shell
        [executable, "--no-password", *arguments],
        env=_pg_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": program, "error": completed.stderr.strip()[-2000:]}
        )


# --- Backup ----------------------------------------------------------------------------------------------


@dataclass
class BackupResult:
    path: Path
    manifest: dict
    size: int


def _archive_name(directory: Path) -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    candidate = directory / f"huiketing-backup-{stamp}.tar.gz"
    number = 1
    while candidate.exists():
        number += 1
        candidate = directory / f"huiketing-backup-{stamp}-{number}.tar.gz"
    return candidate


def _dump_sqlite(target: Path) -> tuple[dict, dict]:
    source = sqlite3.connect(f"file:{settings.DATABASES['default']['NAME']}?mode=ro", uri=True, timeout=30)
    copy = sqlite3.connect(target)
    try:
        # The online backup API copies a consistent snapshot, WAL content included, while the server writes.
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")
        migrations = copy.execute("SELECT app, name FROM django_migrations").fetchall()
    finally:
        copy.close()
        source.close()
    return sqlite_table_checksums(target), _migration_state(migrations)


def _dump_postgresql(target: Path) -> tuple[dict, dict]:
    # One snapshot for everything: pg_dump reads the snapshot this transaction exports, and the checksums and
    # the migration state are read in the same transaction, so the manifest describes exactly the dump.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
        _run_pg("pg_dump", ["--format=custom", f"--snapshot={snapshot}", f"--file={target}"])
        cursor.execute("SELECT app, name FROM django_migrations")
        migrations = _migration_state(cursor.fetchall())
        return postgresql_table_checksums(), migrations


def backup_create(*, output_dir: Path | None = None, progress: Progress = _quiet) -> BackupResult:
    """Write one archive of the database and the media into `output_dir` (default DATA_DIR/backups), 0600."""
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(_("Backups support PostgreSQL and SQLite, not %(vendor)s.") % {"vendor": vendor})
    output_dir = Path(output_dir or Path(settings.DATA_DIR) / "backups").resolve()
    try:
        work = _private_dir(output_dir, ".huiketing-backup-")
    except OSError as error:
        raise BackupError(
            _("Cannot write to %(dir)s: %(error)s") % {"dir": output_dir, "error": error.strerror}
        ) from error
    try:
        database_name = SQLITE_NAME if vendor == "sqlite" else PG_DUMP_NAME
        database_file = work / Path(database_name).name
        progress(_("Copying the database (%(vendor)s)…") % {"vendor": vendor})
        if vendor == "sqlite":
            tables, migrations = _dump_sqlite(database_file)
        else:
            tables, migrations = _dump_postgresql(database_file)
        media_root = Path(settings.MEDIA_ROOT)
        files, left_out = media_files(media_root, skip=[output_dir])
        progress(_("Collecting %(n)s media files…") % {"n": len(files)})
        media = {
            str(p): {"size": (media_root / p).stat().st_size, "sha256": file_sha256(media_root / p)}
            for p in files
        }
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "huiketing_version": _version(),
            "database": {
                "vendor": vendor,
                "file": database_name,
                "sha256": file_sha256(database_file),
                "size": database_file.stat().st_size,
            },
            "migrations": migrations,
            "tables": tables,
            "media": media,
            "left_out": [
                "field keys (HUIKETING_FIELD_KEYS and the data directory's field_keys file)",
                "the secret key (HUIKETING_SECRET_KEY and the data directory's secret_key file)",
                *left_out,
            ],
            "field_keys": field_key_fingerprints(),
        }
        archive = _archive_name(output_dir)
        partial = archive.with_name(archive.name + ".partial")
        progress(_("Writing %(path)s…") % {"path": archive})
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
                data = json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode, info.mtime = len(data), 0o600, int(timezone.now().timestamp())
                tar.addfile(info, io.BytesIO(data))
                tar.add(database_file, arcname=database_name, recursive=False, filter=_private_member)
                for relative in files:
                    tar.add(
                        media_root / relative,
                        arcname=MEDIA_PREFIX + str(relative),
                        recursive=False,
                        filter=_private_member,
                    )
            os.replace(partial, archive)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                partial.unlink()
            raise
        return BackupResult(path=archive, manifest=manifest, size=archive.stat().st_size)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _private_member(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o600
    return info


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("huiketing")
    except PackageNotFoundError:
        return ""


# --- Restore ---------------------------------------------------------------------------------------------


@dataclass
class RestoreResult:
    manifest: dict
    tables: dict
    problems: list[str] = field(default_factory=list)
    extra_tables: list[str] = field(default_factory=list)
    media_files: int = 0


def _corrupt(archive: Path, error: Exception) -> BackupError:
    return BackupError(
        _("%(path)s is not a readable huiketing backup (damaged or truncated?): %(error)s")
        % {"path": archive, "error": error}
    )


READ_ERRORS = (tarfile.TarError, OSError, EOFError, zlib.error, UnicodeDecodeError, ValueError)


def archive_manifest(archive: Path) -> dict:
    """The manifest of `archive`, read without extracting anything else."""
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            member = tar.next()
            if member is None or member.name != MANIFEST or not member.isfile():
                raise BackupError(_("%(path)s has no huiketing manifest.") % {"path": archive})
            manifest = json.loads(tar.extractfile(member).read())
    except BackupError:
        raise
    except READ_ERRORS as error:
        raise _corrupt(archive, error) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("%(path)s has no huiketing manifest.") % {"path": archive})
    return manifest


def restore_check(manifest: dict, *, force: bool = False) -> list[str]:
    """Refuse what cannot be restored here; returns warnings that --force let through."""
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BackupError(
            _(
                "This backup has format version %(version)s; this huiketing reads up to %(ours)s. "
                "Upgrade first."
            )
            % {"version": version, "ours": FORMAT_VERSION}
        )
    vendor = manifest.get("database", {}).get("vendor")
    if vendor != connection.vendor:
        raise BackupError(
            _("This is a %(theirs)s backup; the configured database is %(ours)s.")
            % {"theirs": vendor, "ours": connection.vendor}
        )
    ahead = migrations_unknown_to_code(manifest.get("migrations", {}))
    if ahead:
        raise BackupError(
            _(
                "The backup's database is ahead of this code (migrations it does not have: %(names)s). "
                "Install the huiketing version the backup was made with, or a newer one."
            )
            % {"names": ", ".join(ahead[:10])}
        )
    problem = field_keys_problem(manifest.get("field_keys", []), field_key_fingerprints())
    if problem and not force:
        raise BackupError(problem + " " + _("Refusing to restore (use --force to restore anyway)."))
    return [problem] if problem else []


def _extract(archive: Path, manifest: dict, into: Path) -> None:
    expected = {manifest["database"]["file"], *(MEDIA_PREFIX + name for name in manifest.get("media", {}))}
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for member in tar:
                if member.name == MANIFEST:
                    continue
                if member.name not in expected or not member.isfile():
                    raise BackupError(
                        _("%(path)s holds an unexpected entry %(name)s.")
                        % {"path": archive, "name": member.name}
                    )
                tar.extract(member, into, filter="data")
    except BackupError:
        raise
    except READ_ERRORS as error:
        raise _corrupt(archive, error) from error
    database = into / manifest["database"]["file"]
    if not database.is_file() or file_sha256(database) != manifest["database"]["sha256"]:
        raise _corrupt(archive, ValueError(_("the database copy does not match its checksum")))
    for name, meta in manifest.get("media", {}).items():
        path = into / (MEDIA_PREFIX + name)
        if not path.is_file() or file_sha256(path) != meta["sha256"]:
            raise _corrupt(
                archive, ValueError(_("media file %(name)s does not match its checksum") % {"name": name})
            )


def _restore_sqlite(source: Path) -> None:
    target = Path(settings.DATABASES["default"]["NAME"])
    target.parent.mkdir(parents=True, exist_ok=True)
    connection.close()
    # The backup API in reverse: the live file's pages are replaced under SQLite's own locking (WAL-aware),
    # so there is no window where the file is half-copied and no stale -wal file can be replayed over it.
    backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    live = sqlite3.connect(target, timeout=30)
    try:
        backup.backup(live)
    except sqlite3.Error as error:
        raise BackupError(
            _("The SQLite database could not be replaced: %(error)s") % {"error": error}
        ) from error
    finally:
        live.close()
        backup.close()


def _restore_postgresql(source: Path) -> None:
    name = settings.DATABASES["default"].get("NAME")
    if not name:
        # Without --dbname, pg_restore would print SQL instead of restoring anything.
        raise BackupError(_("DATABASE_URL names no database to restore into."))
    connection.close()
    # --clean drops every object of the dump before recreating it: the append-only audit table is dropped
    # (DROP TABLE fires no row trigger) and recreated with its triggers, so nothing has to be lifted.
    _run_pg(
        "pg_restore",
        [
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={name}",
            str(source),
        ],
    )


def _restore_media(source: Path) -> int:
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    # Current media are replaced, except the transient uploads (never in a backup; their jobs clean them).
    for child in root.iterdir():
        if child.name in MEDIA_EXCLUDED_DIRS:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    count = 0
    if source.is_dir():
        for path in sorted(source.rglob("*")):
            if path.is_file():
                target = root / path.relative_to(source)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
                count += 1
    return count


def backup_restore(*, archive: Path, force: bool = False, progress: Progress = _quiet) -> RestoreResult:
    """Restore `archive` into the configured database and MEDIA_ROOT, then verify it against the manifest."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(_("%(path)s does not exist.") % {"path": archive})
    manifest = archive_manifest(archive)
    warnings = restore_check(manifest, force=force)
    for warning in warnings:
        progress(_("Warning: %(text)s") % {"text": warning})
    work = _private_dir(Path(settings.DATA_DIR), ".huiketing-restore-")
    try:
        progress(_("Reading and checking %(path)s…") % {"path": archive})
        _extract(archive, manifest, work)
        progress(_("Restoring the database (%(vendor)s)…") % {"vendor": connection.vendor})
        database = work / manifest["database"]["file"]
        if connection.vendor == "sqlite":
            _restore_sqlite(database)
        else:
            _restore_postgresql(database)
        progress(_("Restoring the media files…"))
        count = _restore_media(work / MEDIA_PREFIX.rstrip("/"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    progress(_("Verifying row counts and checksums…"))
    tables = table_checksums()
    expected = manifest["tables"]
    extra = sorted(set(tables) - set(expected))
    problems = compare_tables(expected, {name: tables[name] for name in tables if name in expected})
    return RestoreResult(
        manifest=manifest, tables=tables, problems=problems, extra_tables=extra, media_files=count
    )
