"""Printing import reports in the management commands."""

from django.utils.translation import gettext as _


def write_import_report(command, report) -> None:
    for message in report.file_errors:
        command.stderr.write(message)
    for row in report.rows:
        line = f"{row.line:>6}  {row.code:<15}  {row.status_label:<10}  {row.name}"
        if row.messages:
            line += "  " + " ".join(row.messages)
        command.stdout.write(line)
    summary = ", ".join(f"{label}: {count}" for label, count in report.summary)
    command.stdout.write(summary)
    if report.applied:
        command.stdout.write(command.style.SUCCESS(_("Imported.")))
    elif report.dry_run and not report.has_errors:
        command.stdout.write(_("Dry run: nothing has been written."))


def fail_if_errors(report) -> None:
    from django.core.management.base import CommandError

    if report.has_errors:
        raise CommandError(_("The file has errors; nothing has been written."))
