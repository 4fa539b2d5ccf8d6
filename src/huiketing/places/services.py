"""Every write on places: create and update, service points, grid renumbering and the two imports.

Each function is keyword-only, atomic and audited; imports and renumbering return a report and write
nothing on a dry run or when any row has an error.
"""

import csv
import hashlib
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from shapely.errors import ShapelyError
from shapely.geometry import shape

from huiketing.core.audit import audit_record, diff, snapshot
from huiketing.places import codes, geo
from huiketing.places.models import GridType, Level, Place, PlaceCodeHistory, ServicePoint, ServicePointKind

# Tables that store a place code, as (model label, field name). A renumbering rewrites these columns;
# other apps append their own tables here (from their AppConfig.ready) so they follow renumbering too.
PLACE_CODE_REFERENCES: list[tuple[str, str]] = [
    ("places.ServicePoint", "place_code"),
    ("people.RoleAssignment", "place_code"),
    ("people.Organisation", "place_code"),
]


def place_code_reference_register(*, model_label: str, field_name: str) -> None:
    if (model_label, field_name) not in PLACE_CODE_REFERENCES:
        PLACE_CODE_REFERENCES.append((model_label, field_name))


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()
PLACE_FIELDS = [
    "code",
    "level",
    "parent_id",
    "names",
    "boundary",
    "centroid_lat",
    "centroid_lng",
    "leader_id",
    "grid_type",
    "households",
    "notes",
    "urban_rural_code",
]
LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def _place_snapshot(place: Place) -> dict[str, Any]:
    """The audited fields of a place; a boundary is summarised so that the audit log stays small."""
    values = snapshot(place, PLACE_FIELDS)
    if values["boundary"]:
        text = json.dumps(values["boundary"], sort_keys=True)
        digest = hashlib.sha256(text.encode()).hexdigest()[:12]
        values["boundary"] = f"{values['boundary'].get('type')} {digest}"
    return values


def _invalid(field_name: str, message: str) -> ValidationError:
    return ValidationError({field_name: [message]})


def names_clean(names: Any, *, field_name: str = "names") -> dict[str, str]:
    """A {language: name} mapping with a Chinese name, known languages and no blank values."""
    if not isinstance(names, dict):
        raise _invalid(field_name, _("Names must map a language code to a name."))
    cleaned = {}
    for language, name in names.items():
        if language not in LANGUAGE_CODES:
            raise _invalid(
                field_name, _("%(language)s is not a language of this site.") % {"language": language}
            )
        if not isinstance(name, str):
            raise _invalid(field_name, _("Every name must be text."))
        name = name.strip()
        if len(name) > 200:
            raise _invalid(field_name, _("A name may have at most 200 characters."))
        if name:
            cleaned[language] = name
    if not cleaned.get(settings.LANGUAGE_CODE):
        raise _invalid(field_name, _("Enter the name in Chinese."))
    return cleaned


def _check_sibling_name(*, parent: Place | None, level: str, name: str, code: str, field_name: str) -> None:
    clash = (
        Place.objects.filter(parent=parent, level=level, **{f"names__{settings.LANGUAGE_CODE}": name})
        .exclude(code=code)
        .values_list("code", flat=True)
        .first()
    )
    if clash:
        raise _invalid(
            field_name,
            _("%(code)s under the same parent already has the name %(name)s.")
            % {"code": clash, "name": name},
        )


def _check_grid_attributes(place: Place, values: dict[str, Any]) -> None:
    if place.level == Level.GRID:
        if values.get("grid_type") and values["grid_type"] not in GridType.values:
            raise _invalid("grid_type", _("Choose a grid type from the list."))
        households = values.get("households")
        if households is not None and (
            isinstance(households, bool) or not isinstance(households, int) or households < 0
        ):
            raise _invalid("households", _("Households must be a whole number, zero or more."))
        return
    for name in ("leader", "grid_type", "households"):
        if values.get(name) not in (None, "", UNSET):
            raise _invalid(name, _("Only grids have a grid leader, a grid type and households."))


def _apply_boundary(place: Place, boundary: Any) -> list[str]:
    if boundary is None:
        place.boundary = None
        place.centroid_lat = place.centroid_lng = None
        return []
    cleaned = geo.boundary_clean(boundary)
    place.boundary = cleaned.geojson
    place.centroid_lat, place.centroid_lng = cleaned.centroid_lat, cleaned.centroid_lng
    return cleaned.messages


@transaction.atomic
def place_create(
    *,
    by,
    code: str,
    names: dict[str, str],
    boundary: dict | None = None,
    leader=None,
    grid_type: str = "",
    households: int | None = None,
    notes: str = "",
    urban_rural_code: str = "",
    is_demo: bool = False,
) -> Place:
    """Create a place; its level and parent follow from its code (the parent must exist already)."""
    info = codes.code_parse(code)
    if Place.objects.filter(code=code).exists():
        raise _invalid("code", _("A place with the code %(code)s already exists.") % {"code": code})
    parent = None
    if info.parent_code:
        parent = Place.objects.filter(code=info.parent_code).first()
        if parent is None:
            raise _invalid(
                "code",
                _("The parent place %(parent)s of %(code)s does not exist yet.")
                % {"parent": info.parent_code, "code": code},
            )
    names = names_clean(names)
    _check_sibling_name(
        parent=parent, level=info.level, name=names[settings.LANGUAGE_CODE], code=code, field_name="names"
    )
    place = Place(
        code=code,
        level=info.level,
        parent=parent,
        names=names,
        notes=notes,
        urban_rural_code=codes.urban_rural_check(urban_rural_code),
        is_demo=is_demo,
    )
    _check_grid_attributes(place, {"leader": leader, "grid_type": grid_type, "households": households})
    if place.level == Level.GRID:
        place.leader, place.grid_type, place.households = leader, grid_type or GridType.INTEGRATED, households
    _apply_boundary(place, boundary)
    place.full_clean(exclude=["leader", "parent"])
    place.save()
    audit_record(actor=by, action="places.place.create", obj=place, changes=diff({}, _place_snapshot(place)))
    return place


@transaction.atomic
def place_update(
    *,
    by,
    place: Place,
    names: dict[str, str] = UNSET,
    boundary: dict | None = UNSET,
    leader=UNSET,
    grid_type: str = UNSET,
    households: int | None = UNSET,
    notes: str = UNSET,
    urban_rural_code: str = UNSET,
) -> Place:
    """Change a place's names, boundary, notes or grid attributes; arguments left out stay as they are."""
    before = _place_snapshot(place)
    values = {"leader": leader, "grid_type": grid_type, "households": households}
    _check_grid_attributes(place, {k: v for k, v in values.items() if v is not UNSET})
    if names is not UNSET:
        place.names = names_clean(names)
        _check_sibling_name(
            parent=place.parent,
            level=place.level,
            name=place.names[settings.LANGUAGE_CODE],
            code=place.code,
            field_name="names",
        )
    if boundary is not UNSET:
        _apply_boundary(place, boundary)
    if leader is not UNSET:
        place.leader = leader
    if grid_type is not UNSET:
        place.grid_type = grid_type
    if households is not UNSET:
        place.households = households
    if notes is not UNSET:
        place.notes = notes
    if urban_rural_code is not UNSET:
        place.urban_rural_code = codes.urban_rural_check(urban_rural_code)
    changes = diff(before, _place_snapshot(place))
    if not changes:
        return place
    place.full_clean(exclude=["leader", "parent"], validate_unique=False)
    place.save()
    audit_record(actor=by, action="places.place.update", obj=place, changes=changes)
    return place


# Service points -----------------------------------------------------------------------------------------

SERVICE_POINT_FIELDS = [
    "kind",
    "names",
    "place_id",
    "place_code",
    "lat",
    "lng",
    "address",
    "opening_hours",
    "phone",
]


def _check_position(lat: Any, lng: Any) -> tuple[float, float]:
    for name, value, limit in (("lat", lat, 90), ("lng", lng, 180)):
        if isinstance(value, bool) or not isinstance(value, int | float) or not -limit <= value <= limit:
            raise _invalid(name, _("Enter a number from -%(limit)d to %(limit)d.") % {"limit": limit})
    return float(lat), float(lng)


def _grid_for(lat: float, lng: float) -> Place:
    grid = geo.grid_at(lat=lat, lng=lng)
    if grid is None:
        raise _invalid("place", _("This point is not inside any grid; choose the place."))
    return grid


@transaction.atomic
def service_point_create(
    *,
    by,
    kind: str,
    names: dict[str, str],
    lat: float,
    lng: float,
    place: Place | None = None,
    address: dict | None = None,
    opening_hours: list | None = None,
    phone: str = "",
    is_demo: bool = False,
) -> ServicePoint:
    """Create a service point at a WGS-84 position; without a place, the grid containing it is used."""
    if kind not in ServicePointKind.values:
        raise _invalid("kind", _("Choose a kind of service point from the list."))
    lat, lng = _check_position(lat, lng)
    place = place or _grid_for(lat, lng)
    point = ServicePoint(
        kind=kind,
        names=names_clean(names),
        place=place,
        place_code=place.code,
        lat=lat,
        lng=lng,
        address=address or {},
        opening_hours=opening_hours or [],
        phone=phone,
        is_demo=is_demo,
    )
    point.full_clean(exclude=["place"])
    point.save()
    audit_record(
        actor=by,
        action="places.service_point.create",
        obj=point,
        changes=diff({}, snapshot(point, SERVICE_POINT_FIELDS)),
    )
    return point


@transaction.atomic
def service_point_update(
    *,
    by,
    service_point: ServicePoint,
    kind: str = UNSET,
    names: dict[str, str] = UNSET,
    lat: float = UNSET,
    lng: float = UNSET,
    place: Place | None = UNSET,
    address: dict = UNSET,
    opening_hours: list = UNSET,
    phone: str = UNSET,
) -> ServicePoint:
    """Change a service point; moving it without naming a place finds its grid again."""
    point = service_point
    before = snapshot(point, SERVICE_POINT_FIELDS)
    if kind is not UNSET:
        if kind not in ServicePointKind.values:
            raise _invalid("kind", _("Choose a kind of service point from the list."))
        point.kind = kind
    if names is not UNSET:
        point.names = names_clean(names)
    moved = lat is not UNSET or lng is not UNSET
    if moved:
        point.lat, point.lng = _check_position(
            point.lat if lat is UNSET else lat, point.lng if lng is UNSET else lng
        )
    if place is not UNSET and place is not None:
        point.place = place
    elif moved and (point.lat, point.lng) != (before["lat"], before["lng"]):
        point.place = _grid_for(point.lat, point.lng)
    point.place_code = point.place.code
    for name, value in (("address", address), ("opening_hours", opening_hours), ("phone", phone)):
        if value is not UNSET:
            setattr(point, name, value)
    changes = diff(before, snapshot(point, SERVICE_POINT_FIELDS))
    if not changes:
        return point
    point.full_clean(exclude=["place"])
    point.save()
    audit_record(actor=by, action="places.service_point.update", obj=point, changes=changes)
    return point


# Renumbering --------------------------------------------------------------------------------------------

# Band height when no grid of the community has a boundary to measure: about 550 m of latitude.
DEFAULT_BAND_DEGREES = 0.005


@dataclass
class RenumberRow:
    place: Place
    old_code: str
    new_code: str

    @property
    def changed(self) -> bool:
        return self.old_code != self.new_code


@dataclass
class RenumberReport:
    community: Place
    rows: list[RenumberRow]
    dry_run: bool
    applied: bool = False

    @property
    def changes(self) -> list[RenumberRow]:
        return [row for row in self.rows if row.changed]


def _extent(place: Place) -> tuple[float, float] | None:
    if not place.boundary:
        return None
    try:
        min_x, min_y, max_x, max_y = shape(place.boundary).bounds
    except (ValueError, TypeError, AttributeError, ShapelyError):
        return None  # a broken stored boundary only loses its say in the band height
    return max_y - min_y, max_x - min_x


def grids_in_reading_order(grids: Iterable[Place]) -> list[Place]:
    """Grids west→east, then north→south, in rows of latitude bands.

    Banding rule: the band height is the median north-south extent of the grids' boundaries. Walking the
    grids from north to south by centroid latitude, a grid joins the current row while its centroid lies
    less than half a band below the row's first (northernmost) centroid; otherwise it starts a new row.
    Each row is read west to east by centroid longitude. Grids without a centroid come last, by old code.
    """
    grids = list(grids)
    located = [g for g in grids if g.centroid_lat is not None and g.centroid_lng is not None]
    unlocated = sorted((g for g in grids if g not in located), key=lambda g: g.code)
    heights = [extent[0] for g in located if (extent := _extent(g))]
    band = median(heights) if heights else DEFAULT_BAND_DEGREES
    rows: list[list[Place]] = []
    for grid in sorted(located, key=lambda g: (-g.centroid_lat, g.centroid_lng, g.code)):
        if rows and rows[-1][0].centroid_lat - grid.centroid_lat < band / 2:
            rows[-1].append(grid)
        else:
            rows.append([grid])
    ordered = [grid for row in rows for grid in sorted(row, key=lambda g: (g.centroid_lng, g.code))]
    return ordered + unlocated


def _rewrite_references(mapping: dict[str, str]) -> None:
    """Rewrite every registered place-code column from old to new codes in one statement per table."""
    if not mapping:
        return
    for label, field_name in PLACE_CODE_REFERENCES:
        model = apps.get_model(label)
        whens = [When(**{field_name: old}, then=Value(new)) for old, new in mapping.items()]
        model._default_manager.filter(**{f"{field_name}__in": list(mapping)}).update(
            **{field_name: Case(*whens, default=field_name)}
        )


def grids_renumber(*, by, community: Place, dry_run: bool = False) -> RenumberReport:
    """Renumber a community's grids 001, 002, … in reading order (see grids_in_reading_order)."""
    if community.level != Level.COMMUNITY:
        raise _invalid("community", _("Only the grids of a community can be renumbered."))
    with transaction.atomic():
        grids = list(
            Place.objects.select_for_update().filter(parent=community, level=Level.GRID).order_by("code")
        )
        if len(grids) > 999:
            raise _invalid("community", _("A community can have at most 999 grids."))
        ordered = grids_in_reading_order(grids)
        rows = [
            RenumberRow(grid, grid.code, f"{community.code}{number:03d}")
            for number, grid in enumerate(ordered, start=1)
        ]
        report = RenumberReport(community=community, rows=rows, dry_run=dry_run)
        changes = report.changes
        if dry_run or not changes:
            return report
        # Codes are unique and checked row by row, so a swap (A→B, B→A) first moves every changing grid to a
        # free temporary code of the same community, then to its new code.
        used = {grid.code for grid in grids} | {row.new_code for row in rows}
        free = (
            f"{community.code}{n:03d}" for n in range(999, 0, -1) if f"{community.code}{n:03d}" not in used
        )
        temporary = {row.old_code: next(free) for row in changes}
        for row in changes:
            Place.objects.filter(pk=row.place.pk).update(code=temporary[row.old_code])
        _rewrite_references(temporary)
        reason = _("Grids of %(community)s renumbered west to east, north to south.") % {
            "community": community.code
        }
        for row in changes:
            row.place.code = row.new_code
            row.place.save(update_fields=["code", "updated_at"])
            PlaceCodeHistory.objects.create(
                place=row.place, old_code=row.old_code, new_code=row.new_code, reason=reason[:200]
            )
            audit_record(
                actor=by,
                action="places.grid.renumber",
                obj=row.place,
                changes={"code": [row.old_code, row.new_code]},
                reason=reason,
            )
        _rewrite_references({temporary[row.old_code]: row.new_code for row in changes})
        report.applied = True
        return report


# Imports ------------------------------------------------------------------------------------------------


class Status:
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    ERROR = "error"


STATUS_LABELS = {
    Status.CREATE: gettext_lazy("new"),
    Status.UPDATE: gettext_lazy("changed"),
    Status.UNCHANGED: gettext_lazy("unchanged"),
    Status.SKIPPED: gettext_lazy("skipped"),
    Status.ERROR: gettext_lazy("error"),
}


@dataclass
class ImportRow:
    """One row of an import report; `line` is the CSV line number or the 1-based feature number."""

    line: int
    code: str
    status: str
    messages: list[str] = field(default_factory=list)
    name: str = ""
    values: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    def fail(self, message: str) -> None:
        self.status = Status.ERROR
        self.messages.append(message)


@dataclass
class ImportReport:
    rows: list[ImportRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    dry_run: bool = True
    applied: bool = False

    @property
    def errors(self) -> list[ImportRow]:
        return [row for row in self.rows if row.status == Status.ERROR]

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors or self.errors)

    @property
    def summary(self) -> list[tuple[str, int]]:
        """(translated status, number of rows) in a fixed order, for reports."""
        counts = self.counts()
        return [(str(label), counts[status]) for status, label in STATUS_LABELS.items() if status in counts]

    def counts(self) -> dict[str, int]:
        result: dict[str, int] = {}
        for row in self.rows:
            result[row.status] = result.get(row.status, 0) + 1
        return result


def _read_bytes(file) -> bytes:
    if isinstance(file, bytes):
        return file
    if isinstance(file, str | Path):
        return Path(file).read_bytes()
    if hasattr(file, "chunks"):
        return b"".join(file.chunks())
    data = file.read()
    return data.encode() if isinstance(data, str) else data


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030, the two encodings the national code lists come in."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


HEADER_ALIASES = {
    "code": {"code", "统计用区划代码", "区划代码", "代码"},
    "name": {"name", "名称", "name_zh", "name_zh-hans"},
    "urban_rural_code": {"urban_rural_code", "urban_rural", "城乡分类代码", "城乡分类"},
    "parent": {"parent", "parent_code", "上级代码", "上级区划代码"},
    "name_ug": {"name_ug"},
    "name_kk": {"name_kk"},
    "name_en": {"name_en"},
}


def _header_map(header: list[str]) -> dict[str, int]:
    columns = {}
    for index, title in enumerate(header):
        key = title.strip().lower()
        for column, aliases in HEADER_ALIASES.items():
            if key in aliases and column not in columns:
                columns[column] = index
    return columns


def _chunks(values: list[str], size: int = 500):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def places_import_csv(*, by, file, dry_run: bool = True) -> ImportReport:
    """Import places from the national statistical code list (CSV); all-or-nothing, never on a dry run."""
    report = ImportReport(dry_run=dry_run)
    try:
        text = _decode(_read_bytes(file))
    except UnicodeDecodeError:
        report.file_errors.append(_("The file is neither UTF-8 nor GB18030 text."))
        return report
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as error:
        report.file_errors.append(_("The file is not a readable CSV file: %(error)s") % {"error": error})
        return report
    columns = _header_map(header or [])
    if "code" not in columns or "name" not in columns:
        report.file_errors.append(
            _("The first line must name the columns: code and name (or 统计用区划代码 and 名称).")
        )
        return report

    def cell(row: list[str], column: str) -> str:
        index = columns.get(column)
        return row[index].strip() if index is not None and index < len(row) else ""

    try:
        for raw in reader:
            if not any(value.strip() for value in raw):
                continue
            raw_code = cell(raw, "code")
            row = ImportRow(line=reader.line_num, code=raw_code, status=Status.CREATE, name=cell(raw, "name"))
            report.rows.append(row)
            code = codes.code_normalise_statistical(raw_code)
            row.code = code
            if codes.is_above_county(code):
                row.status = Status.SKIPPED
                row.messages.append(_("Province and prefecture rows are not places here; skipped."))
                continue
            try:
                info = codes.code_parse(code, field="code")
                row.values["level"] = info.level
                parent = codes.code_normalise_statistical(cell(raw, "parent"))
                if parent and info.level != Level.CITY:
                    codes.code_check_parent(code, parent, field="parent")
            except ValidationError as error:
                row.fail(_messages(error))
            names = {
                settings.LANGUAGE_CODE: row.name,
                "ug": cell(raw, "name_ug"),
                "kk": cell(raw, "name_kk"),
                "en": cell(raw, "name_en"),
            }
            if not row.name:
                row.fail(_("name: enter the place's name."))
            row.values["names"] = {k: v for k, v in names.items() if v}
            try:
                row.values["urban_rural_code"] = codes.urban_rural_check(cell(raw, "urban_rural_code"))
            except ValidationError as error:
                row.fail(_messages(error))
    except csv.Error as error:
        report.file_errors.append(
            _("Line %(line)d is not readable CSV: %(error)s") % {"line": reader.line_num, "error": error}
        )
        return report

    _check_import_rows(report)
    if not dry_run and not report.has_errors:
        _apply_place_rows(by, report)
    return report


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(
            f"{name}: {message}" for name, messages in error.message_dict.items() for message in messages
        )
    return " ".join(error.messages)


def _check_import_rows(report: ImportReport) -> None:
    """Checks across rows and against the database: duplicates, parents, names, existing places."""
    rows = [row for row in report.rows if row.status != Status.SKIPPED]
    first_line: dict[str, int] = {}
    for row in rows:
        if row.code in first_line:
            row.fail(
                _("code: %(code)s already appears on line %(line)d.")
                % {"code": row.code, "line": first_line[row.code]}
            )
        else:
            first_line[row.code] = row.line
    valid = [row for row in rows if "level" in row.values]
    file_codes = {row.code for row in rows}
    wanted = sorted(file_codes | {row.code[:-3] for row in valid if len(row.code) > 6})
    existing: dict[str, Place] = {}
    for chunk in _chunks(wanted):
        existing.update({place.code: place for place in Place.objects.filter(code__in=chunk)})
    # Names already taken under each parent, for the name-level conflict check.
    taken: dict[tuple[str, str], str] = {}
    parent_codes = sorted({row.code[:-3] for row in valid if len(row.code) > 6})
    for chunk in _chunks(parent_codes):
        for code, names in Place.objects.filter(parent__code__in=chunk).values_list("code", "names"):
            if name := names.get(settings.LANGUAGE_CODE):
                taken[(code[:-3], name)] = code
    for row in valid:
        if len(row.code) == 6:
            row.values["parent"] = ""
        else:
            parent = row.code[:-3]
            row.values["parent"] = parent
            if parent not in file_codes and parent not in existing:
                row.fail(
                    _("code: the parent place %(parent)s is neither in the file nor set up already.")
                    % {"parent": parent}
                )
        if row.name:
            key = (row.values["parent"], row.name)
            holder = taken.get(key)
            if holder and holder != row.code:
                row.fail(
                    _("name: %(code)s under the same parent already has the name %(name)s.")
                    % {"code": holder, "name": row.name}
                )
            else:
                taken[key] = row.code
        if row.status == Status.ERROR:
            continue
        place = existing.get(row.code)
        if place is None:
            row.status = Status.CREATE
            continue
        merged = {**place.names, **row.values["names"]}
        urban_rural = row.values["urban_rural_code"] or place.urban_rural_code
        if merged == place.names and urban_rural == place.urban_rural_code:
            row.status = Status.UNCHANGED
        else:
            row.status = Status.UPDATE
            row.values["names"], row.values["urban_rural_code"] = merged, urban_rural


def _apply_place_rows(by, report: ImportReport) -> None:
    # Parents before children: a shorter code is a higher level.
    todo = sorted(
        (row for row in report.rows if row.status in (Status.CREATE, Status.UPDATE)),
        key=lambda row: (len(row.code), row.code),
    )
    with transaction.atomic():
        for row in todo:
            if row.status == Status.CREATE:
                place_create(
                    by=by,
                    code=row.code,
                    names=row.values["names"],
                    urban_rural_code=row.values["urban_rural_code"],
                )
            else:
                place_update(
                    by=by,
                    place=Place.objects.get(code=row.code),
                    names=row.values["names"],
                    urban_rural_code=row.values["urban_rural_code"],
                )
    report.applied = True


def boundaries_import_geojson(*, by, file, dry_run: bool = True) -> ImportReport:
    """Set boundaries from a GeoJSON FeatureCollection whose features carry a `code` property."""
    report = ImportReport(dry_run=dry_run)
    try:
        data = json.loads(_decode(_read_bytes(file)))
    except (UnicodeDecodeError, ValueError):
        report.file_errors.append(_("The file is not valid GeoJSON (JSON text)."))
        return report
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        report.file_errors.append(_("The file must be a GeoJSON FeatureCollection."))
        return report
    seen: dict[str, int] = {}
    for number, feature in enumerate(data["features"], start=1):
        row = ImportRow(line=number, code="", status=Status.UPDATE)
        report.rows.append(row)
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            row.fail(_("This entry is not a GeoJSON Feature."))
            continue
        properties = feature.get("properties") or {}
        raw_code = str(properties.get("code", "")).strip() if isinstance(properties, dict) else ""
        row.code = codes.code_normalise_statistical(raw_code)
        if not row.code:
            row.fail(_("code: the feature has no code property."))
        else:
            try:
                codes.code_parse(row.code)
            except ValidationError as error:
                row.fail(_messages(error))
        if row.code in seen:
            row.fail(
                _("code: %(code)s already appears in feature %(number)d.")
                % {"code": row.code, "number": seen[row.code]}
            )
        elif row.status != Status.ERROR:
            seen[row.code] = number
        try:
            boundary = geo.boundary_clean(feature.get("geometry"), field_name="geometry")
        except ValidationError as error:
            row.fail(_messages(error))
        else:
            row.values["boundary"] = boundary.geojson
            row.messages.extend(boundary.messages)
    existing: dict[str, Place] = {}
    for chunk in _chunks(sorted(seen)):
        existing.update({place.code: place for place in Place.objects.filter(code__in=chunk)})
    for row in report.rows:
        place = existing.get(row.code)
        if place is None and seen.get(row.code) == row.line:
            row.fail(_("code: no place has the code %(code)s; import the places first.") % {"code": row.code})
        if row.status == Status.ERROR:
            continue
        row.name = place.name
        if place.boundary == row.values["boundary"]:
            row.status = Status.UNCHANGED
    if not dry_run and not report.has_errors:
        with transaction.atomic():
            for row in report.rows:
                if row.status == Status.UPDATE:
                    place_update(by=by, place=existing[row.code], boundary=row.values["boundary"])
        report.applied = True
    return report
