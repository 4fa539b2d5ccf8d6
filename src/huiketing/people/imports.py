"""Importing households and residents from a spreadsheet, and exporting the registry to one.

Import is two steps run by background jobs (people.tasks): a check that reads every row and reports every
fault by row and column without writing anything, then, when the check found none, a commit that checks the
rows again (the registry may have changed meanwhile) and writes them in batches inside one transaction: all
rows or none. The rules are the registry's own (people.services.resident_fields_clean); rows are bulk-created
for speed, and the import is audited as one entry listing the counts and the ranges of resident ids created.

An uploaded sheet holds ID numbers in clear, so it is deleted as soon as it is no longer needed: after a
check that found faults, and after the import (done or failed).

Export writes what the reader's role and scope allow, masked unless the reader asks for full values, may
reveal them over the whole exported scope, and gives a reason (audited).
"""

import logging
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from huiketing.core import scope
from huiketing.core.audit import audit_record
from huiketing.people import xlsx
from huiketing.people.models import (
    COMMUNITY_AND_ABOVE,
    Household,
    RegistryImport,
    Resident,
    ResidentTag,
    User,
)
from huiketing.people.services import MIN_REASON_LENGTH, resident_fields_clean
from huiketing.places.models import Level, Place

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
MAX_ERRORS_KEPT = 5000  # a sheet that is wrong throughout reports its first 5,000 faults and the total
PROGRESS_EVERY = 2000
RESIDENT_FIELDS = ("full_name", "id_number", "phone", "ethnic_group", "relation", "moved_in_on")
IMPORT_ROLES = COMMUNITY_AND_ABOVE


def imports_dir():
    path = settings.MEDIA_ROOT / "imports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _file(job: RegistryImport):
    return imports_dir() / os.path.basename(job.file_path)


# --- Reading and checking rows -----------------------------------------------------------------------------


@dataclass
class ImportRow:
    number: int
    grid_id: int
    grid_code: str
    address: tuple[int, str, str, str]  # grid id, building, unit, room
    household_type: str
    resident: dict
    tags: list[str]


@dataclass
class ImportReport:
    rows: int = 0
    households_new: int = 0
    households_existing: int = 0
    residents: int = 0
    error_count: int = 0
    errors: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add_errors(self, errors: list[dict]) -> None:
        self.error_count += len(errors)
        room = MAX_ERRORS_KEPT - len(self.errors)
        if room > 0:
            self.errors.extend(errors[:room])


class _Scanner:
    """Reads a sheet batch by batch, cleaning rows and finding duplicates in the file and in the registry."""

    def __init__(self, *, by: User, path, place_code: str):
        self.path = path
        prefixes = scope.role_codes(by, IMPORT_ROLES)
        grids = Place.objects.filter(level=Level.GRID, code__startswith=place_code)
        if scope.EVERYTHING not in prefixes:
            grids = grids.filter(scope.scope_q(by, field="code", roles=IMPORT_ROLES))
        self.grids = dict(grids.values_list("code", "id"))
        self.seen_ids: dict[str, int] = {}  # id-number hash → first row holding it
        self.types: dict[tuple, str] = {}  # address → household type given by its first row
        self.households: dict[tuple, int | None] = {}  # address → existing household id, or None if new
        self.sheet: xlsx.Sheet | None = None

    def error(self, number: int, key: str, message) -> dict:
        return {
            "row": number,
            "column": self.sheet.column_name(key),
            "letter": self.sheet.column_letter(key),
            "message": str(message),
        }

    def batches(self) -> Iterator[tuple[list[ImportRow], list[dict], int]]:
        """(valid rows, errors sorted by row and column, rows read so far) per batch of rows."""
        batch: list[tuple[int, dict]] = []
        read = 0
        for sheet, number, cells in xlsx.sheet_rows(self.path):
            self.sheet = sheet
            batch.append((number, cells))
            read += 1
            if len(batch) == BATCH_SIZE:
                yield (*self._batch(batch), read)
                batch = []
        if batch:
            yield (*self._batch(batch), read)

    @property
    def estimated_rows(self) -> int:
        return self.sheet.estimated_rows if self.sheet else 0

    def _batch(self, batch) -> tuple[list[ImportRow], list[dict]]:
        errors: list[dict] = []
        rows: list[ImportRow] = []
        for number, cells in batch:
            row, row_errors = self._row(number, cells)
            errors.extend(row_errors)
            if row is not None:
                rows.append(row)
        # Duplicates: first within the file (in row order), then against the registry (one query a batch).
        unique: list[ImportRow] = []
        for row in rows:
            digest = row.resident["id_number_hash"]
            if digest in self.seen_ids:
                errors.append(
                    self.error(
                        row.number,
                        "id_number",
                        _("The same ID number is on row %(row)d of this file.")
                        % {"row": self.seen_ids[digest]},
                    )
                )
            else:
                self.seen_ids[digest] = row.number
                unique.append(row)
        registered = set(
            Resident.objects.filter(
                id_number_hash__in=[row.resident["id_number_hash"] for row in unique]
            ).values_list("id_number_hash", flat=True)
        )
        rows = []
        for row in unique:
            if row.resident["id_number_hash"] in registered:
                errors.append(
                    self.error(
                        row.number, "id_number", _("A resident with this ID number is already registered.")
                    )
                )
            else:
                rows.append(row)
        self._households(rows)
        order = {column.key: index for index, column in enumerate(xlsx.COLUMNS)}
        keys = {self.sheet.column_name(key): order[key] for key in order}
        errors.sort(key=lambda e: (e["row"], keys.get(e["column"], 99)))
        return rows, errors

    def _households(self, rows: list[ImportRow]) -> None:
        """Find which addresses already hold a household in the registry (one query a batch)."""
        unknown = {row.address for row in rows if row.address not in self.households}
        if not unknown:
            return
        existing = Household.objects.filter(
            place_id__in={address[0] for address in unknown},
            building__in={address[1] for address in unknown},
            room__in={address[3] for address in unknown},
        ).values_list("id", "place_id", "building", "unit", "room")
        found = {(place, building, unit, room): pk for pk, place, building, unit, room in existing}
        for address in unknown:
            self.households[address] = found.get(address)

    def _row(self, number: int, cells: dict) -> tuple[ImportRow | None, list[dict]]:
        errors: list[dict] = []

        def fail(key, message):
            errors.append(self.error(number, key, message))

        grid_code = xlsx.text(cells.get("grid_code"))
        grid_id = None
        if not grid_code:
            fail("grid_code", _("Enter the grid's 15-digit code."))
        elif not (grid_code.isascii() and grid_code.isdigit() and len(grid_code) == 15):
            fail("grid_code", _("A grid code has 15 digits."))
        elif (grid_id := self.grids.get(grid_code)) is None:
            fail("grid_code", _("There is no grid with this code in the places you may import into."))

        address = {}
        for key, limit in (("building", 30), ("unit", 10), ("room", 10)):
            value = xlsx.text(cells.get(key))
            if not value and xlsx.COLUMN_BY_KEY[key].required:
                fail(key, _("This column is required."))
            elif len(value) > limit:
                fail(key, _("At most %(count)d characters.") % {"count": limit})
            address[key] = value

        household_type = Household.Type.OWNER
        if raw_type := xlsx.text(cells.get("household_type")):
            household_type = xlsx.HOUSEHOLD_TYPES.get(xlsx._key(raw_type))
            if household_type is None:
                fail("household_type", _("Write one of: 自有, 租住, 集体户 (owner, tenant, collective)."))

        relation = ""
        if raw_relation := xlsx.text(cells.get("relation")):
            relation = xlsx.RELATIONS.get(xlsx._key(raw_relation))
            if relation is None:
                fail(
                    "relation",
                    _("Write one of: %(values)s.") % {"values": "、".join(xlsx.RELATION_LABELS.values())},
                )
                relation = ""

        tags = []
        for word in xlsx.TAG_SEPARATORS.split(xlsx.text(cells.get("tags"))):
            if not word:
                continue
            tag = xlsx.TAGS.get(xlsx._key(word))
            if tag is None:
                fail(
                    "tags",
                    _("Unknown tag %(tag)s: write any of %(values)s.")
                    % {"tag": word, "values": "、".join(xlsx.TAG_LABELS.values())},
                )
            elif tag not in tags:
                tags.append(tag)

        moved_in_on = None
        try:
            moved_in_on = xlsx.date_value(cells.get("moved_in_on"))
        except (ValueError, OverflowError):
            fail("moved_in_on", _("Write a date such as 2020-01-31."))
        else:
            if moved_in_on and moved_in_on > timezone.localdate():
                fail("moved_in_on", _("The date cannot be in the future."))

        values = {
            "full_name": cells.get("full_name"),
            "phone": "" if cells.get("phone") is None else cells["phone"],
            "ethnic_group": xlsx.text(cells.get("ethnic_group")),
            "relation": relation,
            "moved_in_on": moved_in_on,
        }
        id_number = cells.get("id_number")
        if id_number is None or (isinstance(id_number, str) and not id_number.strip()):
            fail("id_number", _("Enter an ID number."))
        else:
            values["id_number"] = id_number
        resident = None
        try:
            resident = resident_fields_clean(values)
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                for message in messages:
                    fail(key if key in xlsx.COLUMN_BY_KEY else "full_name", message)

        key = (grid_id, address["building"], address["unit"], address["room"])
        if grid_id is not None and raw_type:
            first = self.types.setdefault(key, household_type)
            if household_type is not None and first != household_type:
                fail("household_type", _("Another row of this household gives a different household type."))
        if errors:
            return None, errors
        return (
            ImportRow(
                number=number,
                grid_id=grid_id,
                grid_code=grid_code,
                address=key,
                household_type=self.types.get(key, household_type),
                resident=resident,
                tags=tags,
            ),
            [],
        )


def _prefix(by: User, place_code: str | None) -> str:
    """The place an import covers: the one asked for if the user may import there, else refused."""
    prefixes = scope.role_codes(by, IMPORT_ROLES)
    if not prefixes:
        raise PermissionDenied
    if place_code is None:
        return prefixes[0]
    if not scope.covers(by, place_code, IMPORT_ROLES):
        raise PermissionDenied
    return place_code


def registry_import_check(
    *, by: User, path, place_code: str | None = None, progress: Callable[[int, int], None] | None = None
) -> ImportReport:
    """Read every row of the sheet at `path` and report every fault; writes nothing."""
    scanner = _Scanner(by=by, path=path, place_code=_prefix(by, place_code))
    report = ImportReport()
    new_households: set[tuple] = set()
    existing_households: set[int] = set()
    try:
        for rows, errors, read in scanner.batches():
            report.rows = read
            report.add_errors(errors)
            report.residents += len(rows)
            for row in rows:
                if (pk := scanner.households.get(row.address)) is None:
                    new_households.add(row.address)
                else:
                    existing_households.add(pk)
            if progress:
                progress(read, max(scanner.estimated_rows, read))
    except xlsx.SheetError as error:
        report.add_errors([{"row": None, "column": "", "letter": "", "message": str(error)}])
    report.households_new = len(new_households)
    report.households_existing = len(existing_households)
    return report


# --- Jobs --------------------------------------------------------------------------------------------------


def import_jobs_for_user(*, user: User):
    """Imports the user started, and those in places they may import into."""
    if not getattr(user, "is_authenticated", False):
        return RegistryImport.objects.none()
    jobs = RegistryImport.objects.select_related("created_by")
    if scope.EVERYTHING in scope.role_codes(user, IMPORT_ROLES):
        return jobs  # (an empty Q() would vanish from the OR below and leave only the user's own)
    return jobs.filter(scope.scope_q(user, roles=IMPORT_ROLES) | Q(created_by=user))


def import_job_get_for_user(*, user: User, import_id: int) -> RegistryImport:
    job = import_jobs_for_user(user=user).filter(pk=import_id).first()
    if job is None:
        raise Http404
    return job


def registry_import_upload(*, by: User, upload, place_code: str | None = None) -> RegistryImport:
    """Store an uploaded sheet privately and queue its check. The file must be an .xlsx by content."""
    from huiketing.people import tasks

    place_code = _prefix(by, place_code)
    if upload.size > xlsx.MAX_UPLOAD_BYTES:
        raise ValidationError(
            {"file": [_("The file is larger than %(size)d MB.") % {"size": xlsx.MAX_UPLOAD_BYTES // 2**20}]}
        )
    if not xlsx.looks_like_xlsx(upload):
        raise ValidationError({"file": [_("The file is not an Excel workbook (.xlsx).")]})
    name = f"{uuid.uuid4().hex}.xlsx"
    target = imports_dir() / name
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        upload.seek(0)
        for chunk in upload.chunks():
            handle.write(chunk)
    with transaction.atomic():
        job = RegistryImport.objects.create(
            file_path=name,
            original_name=os.path.basename(getattr(upload, "name", "") or "")[:200],
            place_code=place_code,
            created_by=by,
            language=translation.get_language() or "",
        )
        audit_record(actor=by, action="people.registry.import.upload", obj=job, place_code=place_code)
        transaction.on_commit(lambda: tasks.registry_import_check_task.enqueue(job.pk))
    return job


def _progress_path(job: RegistryImport):
    return imports_dir() / f"{os.path.basename(job.file_path)}.progress"


def _progress_write(job: RegistryImport, done: int, total: int, *, save: bool) -> None:
    """Progress goes to a small file next to the upload: the commit runs inside one long transaction, whose
    writes nobody else sees until it ends. The check also saves it on the job."""
    path = _progress_path(job)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(f"{done} {total}")
    os.replace(temporary, path)
    if save:
        RegistryImport.objects.filter(pk=job.pk).update(progress=done, rows_total=total)


def registry_import_live_progress(job: RegistryImport) -> tuple[int, int]:
    """(rows done, rows in all) as the running job last wrote them."""
    if job.status in (RegistryImport.Status.CHECKING, RegistryImport.Status.IMPORTING):
        try:
            done, total = (int(part) for part in _progress_path(job).read_text().split())
            return done, max(total, done)
        except (OSError, ValueError):
            pass
    return job.progress, max(job.rows_total, job.progress)


def _status_locked(job: RegistryImport) -> str | None:
    """The job's status as stored, its row locked until the transaction around ends."""
    locked = RegistryImport.objects.select_for_update().filter(pk=job.pk)
    return locked.values_list("status", flat=True).first()


def _failure(message) -> list[dict]:
    return [{"row": None, "column": "", "letter": "", "message": str(message)}]


def registry_import_run_check(*, job: RegistryImport) -> RegistryImport:
    """The check job: read the stored sheet, keep the report on the job.

    Safe to run again (a worker that died is replaced and its job re-run, core.liveness): it runs only on an
    upload not checked yet, and keeps its report only if the job is still being checked when it ends.
    """
    started = RegistryImport.objects.filter(
        pk=job.pk, status__in=[RegistryImport.Status.UPLOADED, RegistryImport.Status.CHECKING]
    ).update(status=RegistryImport.Status.CHECKING, progress=0, updated_at=timezone.now())
    if not started:
        job.refresh_from_db()
        logger.info("Registry import %s is %s already: not checked again", job.pk, job.status)
        return job
    job.status, job.progress = RegistryImport.Status.CHECKING, 0
    try:
        by = job.created_by
        if by is None:
            raise PermissionDenied
        report = registry_import_check(
            by=by,
            path=_file(job),
            place_code=job.place_code,
            progress=lambda done, total: (
                _progress_write(job, done, total, save=True) if done % PROGRESS_EVERY == 0 else None
            ),
        )
    except PermissionDenied:
        job.status, job.errors, job.error_count = (
            RegistryImport.Status.FAILED,
            _failure(_("The uploader may no longer import into this place.")),
            1,
        )
    except Exception:
        logger.exception("Registry import %s: the check failed", job.pk)
        job.status, job.errors, job.error_count = (
            RegistryImport.Status.FAILED,
            _failure(_("The file could not be checked.")),
            1,
        )
    else:
        job.status = RegistryImport.Status.CHECKED
        job.rows_total = job.progress = report.rows
        job.households_new, job.households_existing = report.households_new, report.households_existing
        job.residents_new = report.residents
        job.errors, job.error_count = report.errors, report.error_count
    job.checked_at = timezone.now()
    with transaction.atomic():
        if _status_locked(job) != RegistryImport.Status.CHECKING:
            # Another run of this check finished first (this one ran on after its worker was thought dead).
            job.refresh_from_db()
            logger.info(
                "Registry import %s was %s before this check ended: its report is dropped", job.pk, job.status
            )
            return job
        job.save()
    _progress_path(job).unlink(missing_ok=True)
    if job.error_count:
        _file(job).unlink(missing_ok=True)  # it holds ID numbers in clear: keep it no longer than needed
    return job


def registry_import_request_commit(*, by: User, job: RegistryImport) -> RegistryImport:
    """Queue the import of a checked sheet; refused while the check found faults or has not finished."""
    from huiketing.people import tasks

    with transaction.atomic():
        job = RegistryImport.objects.select_for_update().get(pk=job.pk)
        if job.status != RegistryImport.Status.CHECKED:
            raise ValidationError({"status": [_("Only a checked file can be imported.")]})
        if job.error_count:
            raise ValidationError({"status": [_("Correct every error in the file and upload it again.")]})
        job.status, job.committed_by, job.progress = RegistryImport.Status.IMPORTING, by, 0
        job.save(update_fields=["status", "committed_by", "progress", "updated_at"])
        transaction.on_commit(lambda: tasks.registry_import_commit_task.enqueue(job.pk))
    return job


class _RollBack(Exception):
    pass


def _ranges(ids: list[int]) -> list[list[int]]:
    result: list[list[int]] = []
    for pk in sorted(ids):
        if result and pk == result[-1][1] + 1:
            result[-1][1] = pk
        else:
            result.append([pk, pk])
    return result


class _AlreadyOver(Exception):
    pass


def registry_import_commit(*, by: User, job: RegistryImport) -> RegistryImport:
    """Check the sheet again and write every row in one transaction, or none if any row is now at fault.

    The rows and the job's DONE state are written in that one transaction, under a lock on the job's row
    taken first: a second run of the same job (its worker was thought dead, core.liveness) waits for the
    first to end, then finds the job over and writes nothing.
    """
    if job.status != RegistryImport.Status.IMPORTING:
        raise ValidationError({"status": [_("Only a checked file can be imported.")]})
    if by is None:
        raise PermissionDenied
    scanner = _Scanner(by=by, path=_file(job), place_code=_prefix(by, job.place_code))
    report = ImportReport()
    created_ids: list[int] = []
    created_households = 0
    used_households: set[int] = set()
    now = timezone.now()
    try:
        with transaction.atomic():
            if _status_locked(job) != RegistryImport.Status.IMPORTING:
                raise _AlreadyOver
            for rows, errors, read in scanner.batches():
                report.rows = read
                report.add_errors(errors)
                if not report.ok:
                    continue  # keep reading, to report every fault; nothing will be kept
                new = {}
                for row in rows:
                    if scanner.households.get(row.address) is None and row.address not in new:
                        grid_id, building, unit, room = row.address
                        new[row.address] = Household(
                            place_id=grid_id,
                            place_code=row.grid_code,
                            building=building,
                            unit=unit,
                            room=room,
                            type=row.household_type,
                        )
                Household.objects.bulk_create(list(new.values()), batch_size=500)
                for address, household in new.items():
                    scanner.households[address] = household.pk
                created_households += len(new)
                residents = []
                for row in rows:
                    household_id = scanner.households[row.address]
                    used_households.add(household_id)
                    residents.append(
                        Resident(
                            household_id=household_id,
                            place_code=row.grid_code,
                            created_at=now,
                            updated_at=now,
                            **row.resident,
                        )
                    )
                Resident.objects.bulk_create(residents, batch_size=500)
                created_ids.extend(resident.pk for resident in residents)
                ResidentTag.objects.bulk_create(
                    [
                        ResidentTag(resident_id=resident.pk, tag=tag)
                        for resident, row in zip(residents, rows, strict=True)
                        for tag in row.tags
                    ],
                    batch_size=1000,
                )
                if read % PROGRESS_EVERY < BATCH_SIZE:
                    _progress_write(job, read, max(job.rows_total, read), save=False)
            if not report.ok:
                raise _RollBack
            job.status = RegistryImport.Status.DONE
            job.progress = job.rows_total = report.rows
            job.residents_new = len(created_ids)
            job.households_new = created_households
            job.households_existing = len(used_households) - created_households
            job.created_ids = _ranges(created_ids)
            job.errors, job.error_count = [], 0
            job.finished_at = timezone.now()
            job.save()
            audit_record(
                actor=by,
                action="people.registry.import",
                obj=job,
                place_code=job.place_code,
                changes={
                    "rows": [None, report.rows],
                    "households_created": [None, created_households],
                    "residents_created": [None, len(created_ids)],
                    "resident_ids": [None, job.created_ids],
                },
            )
    except _AlreadyOver:
        job.refresh_from_db()
        logger.info("Registry import %s is %s already: not imported again", job.pk, job.status)
    except _RollBack:
        job.status = RegistryImport.Status.FAILED
        job.errors, job.error_count = report.errors, report.error_count
        job.created_ids, job.residents_new, job.households_new = [], 0, 0
        job.save()
    except xlsx.SheetError as error:
        job.status, job.errors, job.error_count = RegistryImport.Status.FAILED, _failure(error), 1
        job.save()
    except IntegrityError:
        # Someone registered one of these people (or an address) between our check and our write.
        job.status, job.error_count = RegistryImport.Status.FAILED, 1
        job.errors = _failure(
            _("The registry changed while importing; nothing was imported. Upload the file again.")
        )
        job.save()
    finally:
        _progress_path(job).unlink(missing_ok=True)
        if job.status in (RegistryImport.Status.DONE, RegistryImport.Status.FAILED):
            _file(job).unlink(missing_ok=True)  # ID numbers in clear: gone once the import is over
    return job


def registry_import_run_commit(*, job: RegistryImport) -> RegistryImport:
    """The commit job: runs the import and turns any failure into a failed job rather than a lost one.

    Run again on a job already over (imported, or failed), it changes nothing: a job re-run after its worker
    died must not import twice, nor turn a finished import into a failed one.
    """
    if job.status != RegistryImport.Status.IMPORTING:
        logger.info("Registry import %s is %s already: not imported again", job.pk, job.status)
        return job
    try:
        return registry_import_commit(by=job.committed_by, job=job)
    except PermissionDenied:
        message = _("The person who started the import may no longer import into this place.")
    except Exception:
        logger.exception("Registry import %s: the commit failed", job.pk)
        message = _("The import failed; nothing was imported.")
    # Only an import still under way fails: one that another run of this job finished stays as it is.
    RegistryImport.objects.filter(pk=job.pk, status=RegistryImport.Status.IMPORTING).update(
        status=RegistryImport.Status.FAILED,
        errors=_failure(message),
        error_count=1,
        updated_at=timezone.now(),
    )
    job.refresh_from_db()
    return job


# --- Export -------------------------------------------------------------------------------------------------

EXPORT_HEADERS = [column.header for column in xlsx.COLUMNS] + ["状态"]


def export_may_reveal(*, user: User, place_code: str) -> bool:
    """Full values only for readers who may reveal personal data over everything the export can hold."""
    if place_code:
        return user.has_perm("people.reveal_personal", Place(code=place_code))
    return scope.EVERYTHING in scope.role_codes(user)


def registry_export(
    *, by: User, residents, place_code: str, full_values: bool = False, reason: str = ""
) -> str:
    """Write residents (a scoped queryset) to an .xlsx file and return its path; the caller removes it.

    Masked by default. Full values need reveal permission over `place_code` (the whole exported scope) and a
    reason; either way the export is audited before the first row is read.
    """
    reason = (reason or "").strip()
    if full_values:
        if not export_may_reveal(user=by, place_code=place_code):
            raise PermissionDenied
        if len(reason) < MIN_REASON_LENGTH:
            raise ValidationError(
                {
                    "reason": [
                        _("Say why you need the full values (at least %(count)d characters).")
                        % {"count": MIN_REASON_LENGTH}
                    ]
                }
            )
    audit_record(
        actor=by,
        action="people.registry.export.full" if full_values else "people.registry.export",
        place_code=place_code,
        changes={"full_values": [None, full_values]},
        reason=reason,
    )

    def rows():
        tags: dict[int, list[str]] = {}
        chunk: list[Resident] = []

        def flush():
            ids = [resident.pk for resident in chunk]
            tags.clear()
            for resident_id, tag in ResidentTag.objects.filter(resident_id__in=ids).values_list(
                "resident_id", "tag"
            ):
                tags.setdefault(resident_id, []).append(xlsx.TAG_LABELS.get(tag, tag))
            for resident in chunk:
                household = resident.household
                yield [
                    resident.place_code,
                    household.building if household else "",
                    household.unit if household else "",
                    household.room if household else "",
                    xlsx.HOUSEHOLD_TYPE_LABELS.get(household.type, household.type) if household else "",
                    resident.full_name,
                    resident.id_number if full_values else resident.id_number_masked,
                    xlsx.RELATION_LABELS.get(resident.relation, resident.relation),
                    _ethnic_name(resident.ethnic_group),
                    resident.phone if full_values else resident.phone_masked,
                    "、".join(tags.get(resident.pk, [])),
                    resident.moved_in_on,
                    resident.get_status_display(),
                ]

        queryset = residents.select_related("household").prefetch_related(None).order_by("place_code", "id")
        for resident in queryset.iterator(chunk_size=2000):
            chunk.append(resident)
            if len(chunk) == 2000:
                yield from flush()
                chunk = []
        if chunk:
            yield from flush()

    return xlsx.workbook_write(title="居民", headers=EXPORT_HEADERS, rows=rows(), text_columns=(0, 6, 9))


def _ethnic_name(code: str) -> str:
    from huiketing.people.ethnic_groups import ethnic_group_name

    return ethnic_group_name(code, "zh-hans") if code else ""


# An uploaded sheet holds ID numbers in clear: one that was checked but never imported must not stay on disk.
UPLOAD_KEEP = timedelta(days=2)


def registry_import_uploads_expire(*, now=None) -> int:
    """Delete the files of uploads left unimported for longer than UPLOAD_KEEP; returns how many expired."""
    cutoff = (now or timezone.now()) - UPLOAD_KEEP
    stale = RegistryImport.objects.filter(
        status__in=[RegistryImport.Status.UPLOADED, RegistryImport.Status.CHECKED], created_at__lt=cutoff
    )
    expired = 0
    for pk in list(stale.values_list("pk", flat=True)):
        # One job at a time, locked and looked at again: an import requested meanwhile is left alone, and the
        # state and its audit entry are written together (a re-run of this job finds nothing more to do).
        with transaction.atomic():
            job = stale.select_for_update().filter(pk=pk).first()
            if job is None:
                continue
            with translation.override(job.language or settings.LANGUAGE_CODE):
                job.errors = _failure(_("This upload was not imported within two days and has been deleted."))
            job.status, job.error_count = RegistryImport.Status.FAILED, 1
            job.save(update_fields=["status", "errors", "error_count", "updated_at"])
            audit_record(
                actor=None, action="people.registry.import.expired", obj=job, place_code=job.place_code
            )
        _file(job).unlink(missing_ok=True)
        _progress_path(job).unlink(missing_ok=True)
        expired += 1
    return expired
