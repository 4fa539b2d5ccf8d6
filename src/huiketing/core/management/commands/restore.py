"""`huiketing restore ARCHIVE`: put a backup back into the configured database and media, then verify it."""

import getpass
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import gettext as _

from huiketing.core.audit import audit_record
from huiketing.core.backup import BackupError, archive_manifest, backup_restore


def _database_label() -> str:
    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        return str(db["NAME"])
    return f"{db.get('NAME')} @ {db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}"


class Command(BaseCommand):
    help = (
        "Restore a backup archive into the configured database and media directory (everything there is "
        "replaced), then verify row counts and checksums against the archive's manifest. Stop the web and "
        "worker processes first."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        parser.add_argument(
            "--force",
            action="store_true",
            help="restore although the configured field keys are not the ones the backup was made with",
        )

    def handle(self, *args, archive: Path, yes: bool, force: bool, **options):
        progress = self.stdout.write if options["verbosity"] > 0 else (lambda message: None)
        try:
            manifest = archive_manifest(archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError(_("Restoring replaces the database; confirm with --yes."))
            self.stdout.write(
                _("This replaces the database %(db)s and the media files with the backup of %(created)s.")
                % {"db": _database_label(), "created": manifest.get("created_at")}
            )
            if input(_("Type yes to continue: ")).strip().lower() not in {"yes", _("yes")}:
                raise CommandError(_("Restore cancelled."))
        try:
            result = backup_restore(archive=archive, force=force, progress=progress)
        except BackupError as error:
            raise CommandError(str(error)) from error
        tables = result.tables
        self.stdout.write(
            _(
                "Restored %(tables)s tables, %(rows)s rows and %(files)s media files "
                "from the backup of %(created)s."
            )
            % {
                "tables": len(result.manifest["tables"]),
                "rows": sum(t["rows"] for t in result.manifest["tables"].values()),
                "files": result.media_files,
                "created": result.manifest.get("created_at"),
            }
        )
        if result.extra_tables:
            self.stdout.write(
                self.style.WARNING(
                    _("Tables that are not in the backup were left as they were: %(names)s")
                    % {"names": ", ".join(result.extra_tables)}
                )
            )
        if result.problems:
            raise CommandError(
                _("The restored database does not match the backup:\n%(problems)s")
                % {"problems": "\n".join(result.problems)}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("Verified: row counts and checksums of all %(n)s tables match the backup.")
                % {"n": len(result.manifest["tables"])}
            )
        )
        # After the verification, so that it compares the backup alone; the restore itself is then on record.
        audit_record(
            actor=None,
            action="core.backup.restore",
            changes={
                "archive": [None, Path(archive).name],
                "backup_created_at": [None, result.manifest.get("created_at")],
                "by_system_user": [None, getpass.getuser()],
                "rows": [None, sum(t["rows"] for t in tables.values())],
            },
        )
        self.stdout.write(_("Run `huiketing migrate` if this code is newer than the backup."))
