"""`huiketing backup`: one archive of the database and the media, without the keys (core/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from huiketing.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write a backup archive (database, media, manifest with row counts and checksums) into --output, "
        "default HUIKETING_DATA_DIR/backups. The field keys and the secret key are never included."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=None, help="directory for the archive")

    def handle(self, *args, output: Path | None, **options):
        progress = self.stdout.write if options["verbosity"] > 0 else (lambda message: None)
        try:
            result = backup_create(output_dir=output, progress=progress)
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = result.manifest
        tables = manifest["tables"]
        if options["verbosity"] > 1:
            for name, table in tables.items():
                self.stdout.write(f"  {name}: {table['rows']}  {table['sha256'][:16]}")
        self.stdout.write(
            _("%(tables)s tables, %(rows)s rows, %(files)s media files (%(size).1f MB).")
            % {
                "tables": len(tables),
                "rows": sum(t["rows"] for t in tables.values()),
                "files": len(manifest["media"]),
                "size": result.size / 1e6,
            }
        )
        self.stdout.write(_("Left out: %(items)s.") % {"items": "; ".join(manifest["left_out"])})
        self.stdout.write(
            _(
                "Keep HUIKETING_FIELD_KEYS in a different place from this archive: "
                "without them it cannot be read."
            )
        )
        self.stdout.write(self.style.SUCCESS(_("Backup written to %(path)s") % {"path": result.path}))
