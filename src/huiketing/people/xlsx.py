"""The registry's spreadsheet layout: the columns community staff keep (in Chinese, English accepted), reading
rows from an .xlsx without loading it whole, the blank template, and writing exports safely.

Reading uses openpyxl's read-only mode (rows stream from the zip); writing uses write-only workbooks saved to
a temporary file, so neither grows with the number of rows in memory.
"""

import datetime as dt
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from huiketing.people.models import Household, Relation, Tag

ZIP_SIGNATURE = b"PK\x03\x04"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
HEADER_SEARCH_ROWS = 5  # staff sheets often carry a title row or two above the header


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # as staff write it, and as the template and the exports write it
    label: object  # translated, for the error report when the file's own header is not known
    aliases: tuple[str, ...] = ()
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("grid_code", "网格编码", gettext_lazy("Grid code"), ("网格代码", "grid code", "grid"), True),
    Column("building", "楼栋", gettext_lazy("Building"), ("楼号", "楼栋号", "building"), True),
    Column("unit", "单元", gettext_lazy("Unit"), ("单元号", "unit")),
    Column("room", "房号", gettext_lazy("Room"), ("房间号", "门牌号", "room"), True),
    Column("household_type", "户类型", gettext_lazy("Household type"), ("户别", "household type", "type")),
    Column("full_name", "姓名", gettext_lazy("Full name"), ("full name", "name"), True),
    Column(
        "id_number",
        "公民身份号码",
        gettext_lazy("ID number"),
        ("身份证号", "身份证号码", "身份证", "id number", "id"),
        True,
    ),
    Column("relation", "与户主关系", gettext_lazy("Relation to the householder"), ("关系", "relation")),
    Column("ethnic_group", "民族", gettext_lazy("Ethnic group"), ("ethnic group", "ethnicity")),
    Column("phone", "联系电话", gettext_lazy("Phone"), ("电话", "手机", "手机号", "phone", "mobile")),
    Column("tags", "标签", gettext_lazy("Tags"), ("tags",)),
    Column("moved_in_on", "迁入日期", gettext_lazy("Moved in on"), ("入住日期", "moved in on", "moved in")),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}


def _key(text) -> str:
    return re.sub(r"[\s_*：:]+", " ", str(text or "")).strip().casefold()


_HEADER_INDEX = {_key(name): column.key for column in COLUMNS for name in (column.header, *column.aliases)}

# Values staff type, in Chinese or English, for the coded columns.
HOUSEHOLD_TYPES = {
    **{
        _key(v): Household.Type.OWNER
        for v in ("自有", "自住", "自有住房", "户主自住", "owner", "owner-occupied")
    },
    **{_key(v): Household.Type.TENANT for v in ("租住", "租赁", "租户", "出租", "tenant", "rented")},
    **{_key(v): Household.Type.COLLECTIVE for v in ("集体户", "集体", "collective")},
}
RELATIONS = {
    **{_key(v): Relation.HOUSEHOLDER for v in ("户主", "本人", "householder", "self")},
    **{_key(v): Relation.SPOUSE for v in ("配偶", "妻", "夫", "妻子", "丈夫", "spouse")},
    **{
        _key(v): Relation.CHILD
        for v in ("子", "女", "子女", "儿子", "女儿", "长子", "长女", "次子", "次女", "child")
    },
    **{_key(v): Relation.PARENT for v in ("父母", "父亲", "母亲", "父", "母", "parent")},
    **{_key(v): Relation.GRANDCHILD for v in ("孙子女", "孙子", "孙女", "外孙子", "外孙女", "grandchild")},
    **{_key(v): Relation.GRANDPARENT for v in ("祖父母", "祖父", "祖母", "外祖父", "外祖母", "grandparent")},
    **{_key(v): Relation.SIBLING for v in ("兄弟姐妹", "兄", "弟", "姐", "妹", "sibling")},
    **{_key(v): Relation.CHILD_IN_LAW for v in ("儿媳", "女婿", "child in law", "child_in_law")},
    **{_key(v): Relation.OTHER for v in ("其他", "其它", "other")},
}
TAGS = {
    **{_key(v): Tag.LIVING_ALONE for v in ("独居", "独居老人", "living alone", "living_alone")},
    **{_key(v): Tag.DISABLED for v in ("残疾", "残疾人", "disabled")},
    **{_key(v): Tag.LOW_INCOME for v in ("低保", "低保户", "low income", "low-income", "low_income")},
    **{_key(v): Tag.SPECIAL_CARE for v in ("优抚", "优抚对象", "special care", "special_care")},
    **{_key(v): Tag.VETERAN for v in ("退役军人", "veteran")},
    **{_key(v): Tag.PARTY_MEMBER for v in ("党员", "party member", "party_member")},
    **{_key(v): Tag.VOLUNTEER for v in ("志愿者", "volunteer")},
}
# Chinese labels written in exports and the template, so a sheet exported can be imported again.
HOUSEHOLD_TYPE_LABELS = {
    Household.Type.OWNER: "自有",
    Household.Type.TENANT: "租住",
    Household.Type.COLLECTIVE: "集体户",
}
RELATION_LABELS = {
    Relation.HOUSEHOLDER: "户主",
    Relation.SPOUSE: "配偶",
    Relation.CHILD: "子女",
    Relation.PARENT: "父母",
    Relation.GRANDCHILD: "孙子女",
    Relation.GRANDPARENT: "祖父母",
    Relation.SIBLING: "兄弟姐妹",
    Relation.CHILD_IN_LAW: "儿媳",
    Relation.OTHER: "其他",
}
TAG_LABELS = {
    Tag.LIVING_ALONE: "独居",
    Tag.DISABLED: "残疾",
    Tag.LOW_INCOME: "低保",
    Tag.SPECIAL_CARE: "优抚",
    Tag.VETERAN: "退役军人",
    Tag.PARTY_MEMBER: "党员",
    Tag.VOLUNTEER: "志愿者",
}
TAG_SEPARATORS = re.compile(r"[,，、;；/\s]+")


class SheetError(Exception):
    """The file as a whole cannot be read (not an .xlsx, no header row, a required column missing)."""


def looks_like_xlsx(handle) -> bool:
    """Whether an uploaded file is an .xlsx by its content: a zip with a workbook that openpyxl opens."""
    handle.seek(0)
    if handle.read(4) != ZIP_SIGNATURE:
        return False
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                return False
        handle.seek(0)
        workbook = load_workbook(handle, read_only=True, data_only=True)
        try:
            return bool(workbook.worksheets)
        finally:
            workbook.close()
    except Exception:  # any parsing failure means "not a workbook we can read"
        return False
    finally:
        handle.seek(0)


@dataclass
class Sheet:
    """An open sheet: where its header is, which column holds what, and a size estimate for progress."""

    header_row: int
    columns: dict[str, int]  # key → 0-based column index
    headers: dict[str, str]  # key → the header as written in the file
    estimated_rows: int

    def column_name(self, key: str) -> str:
        return self.headers.get(key) or COLUMN_BY_KEY[key].header

    def column_letter(self, key: str) -> str:
        return get_column_letter(self.columns[key] + 1) if key in self.columns else ""


def _find_header(rows: list[tuple]) -> tuple[int, dict[str, int], dict[str, str]] | None:
    for offset, values in enumerate(rows):
        columns, headers = {}, {}
        for index, value in enumerate(values):
            key = _HEADER_INDEX.get(_key(value))
            if key and key not in columns:
                columns[key], headers[key] = index, str(value).strip()
        if len(columns) >= 3:
            return offset + 1, columns, headers
    return None


def sheet_rows(path) -> Iterator[tuple[Sheet, int, dict]]:
    """(sheet, row number as Excel shows it, {column key: raw cell value}) for every non-empty data row.

    Raises SheetError when the file has no recognisable header or lacks a required column.
    """
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:
        raise SheetError(_("The file is not an Excel workbook (.xlsx) that can be read.")) from error
    try:
        worksheet = workbook.worksheets[0]
        rows = worksheet.iter_rows(values_only=True)
        head = []
        for values in rows:
            head.append(values)
            if len(head) == HEADER_SEARCH_ROWS:
                break
        found = _find_header(head)
        if found is None:
            raise SheetError(
                _(
                    "No header row found in the first %(count)d rows: the first sheet needs columns "
                    "such as %(names)s."
                )
                % {"count": HEADER_SEARCH_ROWS, "names": "、".join(c.header for c in COLUMNS[:6])}
            )
        header_row, columns, headers = found
        missing = [COLUMN_BY_KEY[c.key].header for c in COLUMNS if c.required and c.key not in columns]
        if missing:
            raise SheetError(_("Required columns are missing: %(names)s.") % {"names": "、".join(missing)})
        max_row = worksheet.max_row or 0
        sheet = Sheet(header_row, columns, headers, max(max_row - header_row, 0))

        def numbered():
            yield from enumerate(head, start=1)
            yield from enumerate(rows, start=len(head) + 1)

        for number, values in numbered():
            if number <= header_row or values is None:
                continue
            cells = {key: (values[index] if index < len(values) else None) for key, index in columns.items()}
            if all(
                value is None or (isinstance(value, str) and not value.strip()) for value in cells.values()
            ):
                continue
            yield sheet, number, cells
    finally:
        workbook.close()


def text(value) -> str:
    """A cell as text: numbers without a trailing .0, everything trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def date_value(value) -> dt.date | None:
    """A date cell: a real date, an Excel serial number, or text (2020-01-31, 2020/1/31, 2020年1月31日)."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return from_excel(value).date()
        raise ValueError
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", str(value).strip())
    if not match:
        raise ValueError
    return dt.date(*(int(part) for part in match.groups()))


# --- Writing ------------------------------------------------------------------------------------------------

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")


def cell_safe(value):
    """A value that spreadsheet programs will not run as a formula: text starting = + - @ tab CR gets a
    leading apostrophe, and every text is written as a text cell (never a formula cell)."""
    if value is None:
        return ""
    if isinstance(value, dt.date | int | float) and not isinstance(value, bool):
        return value
    text_value = str(value)
    if text_value.startswith(FORMULA_PREFIXES):
        text_value = "'" + text_value
    return text_value


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_download(path: str, filename: str) -> FileResponse:
    """A file response that leaves nothing on disk: the open handle keeps the data readable."""
    handle = open(path, "rb")  # noqa: SIM115 (FileResponse closes it)
    os.unlink(path)
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
    response["Cache-Control"] = "no-store"
    return response


def local_naive(value):
    """Datetimes as local wall time without a zone (spreadsheets have no time zones)."""
    if value is None:
        return None
    return timezone.localtime(value).replace(tzinfo=None)


def xlsx_cells(worksheet, values: Iterable) -> list:
    """A row of write-only cells: text never becomes a formula (cell_safe, and a text cell), date-times are
    shown to the minute. Datetimes should come through `local_naive` first."""
    cells = []
    for value in values:
        safe = value if hasattr(value, "hour") else cell_safe(value)
        cell = WriteOnlyCell(worksheet, value=safe)
        if isinstance(safe, str):
            cell.data_type = "s"  # never a formula cell, whatever the text starts with
        elif hasattr(safe, "hour"):
            cell.number_format = "yyyy-mm-dd hh:mm"
        cells.append(cell)
    return cells


def xlsx_sheet(workbook, title: str, headers: list[str], widths: dict[int, int]):
    """A new sheet of a write-only workbook with its column widths and its header row."""
    worksheet = workbook.create_sheet(title=title[:31])
    for index in range(len(headers)):
        worksheet.column_dimensions[get_column_letter(index + 1)].width = widths.get(index, 14)
    worksheet.append(xlsx_cells(worksheet, headers))
    return worksheet


def _row(worksheet, values: Iterable) -> list:
    cells = []
    for value in values:
        safe = cell_safe(value)
        cell = WriteOnlyCell(worksheet, value=safe)
        if isinstance(safe, str):
            cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
        elif isinstance(safe, dt.date):
            cell.number_format = "yyyy-mm-dd"
        cells.append(cell)
    return cells


def workbook_write(*, title: str, headers: list[str], rows: Iterable[Iterable], text_columns=()) -> str:
    """Write rows to a write-only workbook in a temporary file and return its path (the caller removes it)."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=title[:31])
    for index in range(len(headers)):
        width = 22 if index in text_columns else 12
        worksheet.column_dimensions[get_column_letter(index + 1)].width = width
    worksheet.append(_row(worksheet, headers))
    for values in rows:
        worksheet.append(_row(worksheet, values))
    handle = tempfile.NamedTemporaryFile(prefix="huiketing-", suffix=".xlsx", delete=False)  # noqa: SIM115
    handle.close()
    workbook.save(handle.name)
    return handle.name


def template_write() -> str:
    """The blank import form: the header row; ID, phone, code and address columns formatted as text."""
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = "居民"
    worksheet.append([column.header for column in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        worksheet.column_dimensions[letter].width = 20 if column.key in ("id_number", "grid_code") else 12
        # Text format for whole columns, so Excel never turns an ID number or a grid code into a number.
        if column.key in ("grid_code", "id_number", "phone", "building", "unit", "room"):
            for row in range(2, 2001):
                worksheet.cell(row=row, column=index).number_format = "@"
    handle = tempfile.NamedTemporaryFile(prefix="huiketing-", suffix=".xlsx", delete=False)  # noqa: SIM115
    handle.close()
    workbook.save(handle.name)
    return handle.name
