"""A place's points accounts as a spreadsheet, for the staff who run a points shop or check the scores.

Names are shown as staff see them on the accounts page (never an ID number or a phone); every text cell goes
through people.xlsx.cell_safe. The export is audited before the first row is read, rows are read in chunks
and written to a write-only workbook in a temporary file, so memory does not grow with the accounts."""

import tempfile

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from huiketing.core.audit import audit_record
from huiketing.people.models import User
from huiketing.people.xlsx import xlsx_cells

from .selectors import HOLDER_KINDS

CHUNK = 1000


def accounts_export(*, by: User, accounts, place_code: str, filters: dict | None = None) -> str:
    """Write the accounts (a scoped queryset) to an .xlsx file and return its path; the caller removes it."""
    audit_record(
        actor=by,
        action="points.export",
        place_code=place_code,
        changes={"filters": [None, dict(filters or {})]},
    )
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Points accounts")[:31])
    headers = [
        _("Account"),
        _("Holder"),
        _("Name"),
        _("Place code"),
        _("Balance"),
        _("Earned in all"),
        _("Last entry"),
    ]
    for index, width in {1: 24, 2: 20, 3: 18, 6: 18}.items():
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.append(xlsx_cells(sheet, headers))
    rows = accounts.annotate(last_entry_at=Max("entries__created_at"))
    for account in rows.iterator(chunk_size=CHUNK):
        last = account.last_entry_at
        sheet.append(
            xlsx_cells(
                sheet,
                [
                    account.pk,
                    str(HOLDER_KINDS[account.holder_kind]),
                    account.holder_name,
                    account.holder_place_code,
                    account.balance,
                    account.earned,
                    timezone.localtime(last).replace(tzinfo=None) if last else None,
                ],
            )
        )
    handle = tempfile.NamedTemporaryFile(prefix="huiketing-", suffix=".xlsx", delete=False)  # noqa: SIM115
    handle.close()
    workbook.save(handle.name)
    return handle.name
