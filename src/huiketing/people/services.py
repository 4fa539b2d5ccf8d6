"""Writes on accounts, role assignments and the residents registry (households, residents, visits)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from huiketing.core import crypto, scope
from huiketing.core.audit import audit_record, diff
from huiketing.people import validators
from huiketing.people.ethnic_groups import ethnic_group_clean
from huiketing.people.models import (
    Consent,
    Household,
    Move,
    Organisation,
    Relation,
    Resident,
    ResidentStatus,
    ResidentTag,
    Role,
    RoleAssignment,
    Tag,
    User,
    Visit,
)
from huiketing.places.models import Level, Place


@transaction.atomic
def user_set_display(*, user: User, large_text: bool | None = None, language: str | None = None) -> User:
    before = {"large_text": user.large_text, "preferred_language": user.preferred_language}
    if large_text is not None:
        user.large_text = large_text
    if language is not None:
        user.preferred_language = language
    user.save(update_fields=["large_text", "preferred_language"])
    after = {"large_text": user.large_text, "preferred_language": user.preferred_language}
    if changes := diff(before, after):
        audit_record(actor=user, action="people.user.display_changed", obj=user, changes=changes)
    return user


@transaction.atomic
def role_assign(
    *,
    by: User | None,
    user: User,
    role: str,
    place_code: str = "",
    organisation: Organisation | None = None,
) -> RoleAssignment:
    assignment = RoleAssignment(
        user=user, role=Role(role), place_code=place_code, organisation=organisation, granted_by=by
    )
    # Uniqueness is get_or_create's business below; clean() states the scope rules the constraints enforce.
    assignment.full_clean(validate_unique=False, validate_constraints=False)
    assignment, _created = RoleAssignment.objects.get_or_create(
        user=user, role=role, place_code=place_code, organisation=organisation, defaults={"granted_by": by}
    )
    audit_record(
        actor=by,
        action="people.role.assigned",
        obj=assignment,
        place_code=place_code,
        changes={"role": [None, role], "place_code": [None, place_code]},
    )
    scope.forget(user)
    return assignment


# The residents registry: households, residents, moves, tags, consents, visits, reveals, retention.
# Personal values reach the audit log masked (core.audit.mask_value); a reveal records its reason.

ID_HASH_KIND = "id"
PHONE_HASH_KIND = "phone"
REVEALABLE = {"id_number", "phone"}
MIN_REASON_LENGTH = 4


def id_number_hash(number: str) -> str:
    return crypto.search_hash(ID_HASH_KIND, number)


def phone_hash(number: str) -> str:
    return crypto.search_hash(PHONE_HASH_KIND, number)


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _grid(place: Place, field: str = "grid") -> Place:
    if place is None or place.level != Level.GRID:
        raise _invalid(field, _("Choose a grid."))
    return place


def _resident_snapshot(resident: Resident) -> dict:
    return {
        "full_name": resident.full_name,
        "id_number": resident.id_number,
        "phone": resident.phone,
        "ethnic_group": resident.ethnic_group,
        "relation": resident.relation,
        "preferred_language": resident.preferred_language,
        "household_id": resident.household_id,
        "place_code": resident.place_code,
        "status": resident.status,
        "moved_in_on": resident.moved_in_on,
        "moved_out_on": resident.moved_out_on,
        "deceased_on": resident.deceased_on,
    }


# Households ---------------------------------------------------------------------------------------------


@transaction.atomic
def household_create(
    *,
    by: User | None,
    grid: Place,
    building: str,
    room: str,
    unit: str = "",
    type: str = Household.Type.OWNER,
    address_note: str = "",
) -> Household:
    grid = _grid(grid)
    household = Household(
        place=grid,
        place_code=grid.code,
        building=(building or "").strip(),
        unit=(unit or "").strip(),
        room=(room or "").strip(),
        type=type,
        address_note=(address_note or "").strip(),
    )
    household.full_clean(exclude=["place"], validate_unique=False)
    if Household.objects.filter(
        place=grid, building=household.building, unit=household.unit, room=household.room
    ).exists():
        raise _invalid("room", _("This grid already has a household at this address."))
    household.save()
    audit_record(
        actor=by,
        action="people.household.create",
        obj=household,
        changes=diff(
            {}, {"place_code": household.place_code, "address": household.address, "type": household.type}
        ),
    )
    return household


@transaction.atomic
def household_move(
    *, by: User | None, household: Household, grid: Place, moved_on: date, reason: str = ""
) -> Household:
    """Move a household (and everyone registered in it) to another grid, keeping the old grid in history."""
    grid = _grid(grid)
    if grid.pk == household.place_id:
        raise _invalid("grid", _("The household is already in this grid."))
    old_code = household.place_code
    household.place, household.place_code = grid, grid.code
    household.save(update_fields=["place", "place_code", "updated_at"])
    household.residents.update(place_code=grid.code)
    Visit.objects.filter(household=household).update(place_code=grid.code)
    Move.objects.create(
        household=household,
        from_place_code=old_code,
        to_place_code=grid.code,
        moved_on=moved_on,
        reason=reason[:200],
        recorded_by=by,
    )
    audit_record(
        actor=by,
        action="people.household.move",
        obj=household,
        changes={"place_code": [old_code, grid.code]},
        reason=reason,
    )
    return household


# Residents ----------------------------------------------------------------------------------------------


def resident_fields_clean(values: dict) -> dict:
    """Validate and normalise resident input; collects every field's error before raising.

    Shared by the forms, the API and the spreadsheet import (people.imports), so the rules live once.
    """
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}

    def attempt(field, func):
        try:
            return func()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(name, []).extend(messages)
            return None

    if "full_name" in values:
        cleaned["full_name"] = attempt("full_name", lambda: validators.name_clean(values["full_name"]))
    if "id_number" in values:
        raw = values["id_number"]
        if raw in (None, ""):
            cleaned.update(id_number="", id_number_hash=None, birth_date=None, sex="")
        else:
            parsed = attempt("id_number", lambda: validators.id_number_normalise(raw))
            if parsed is not None:
                cleaned.update(
                    id_number=parsed.number,
                    id_number_hash=id_number_hash(parsed.number),
                    birth_date=parsed.birth_date,
                    sex=parsed.sex,
                )
    if "phone" in values:
        raw = values["phone"]
        if raw in (None, ""):
            cleaned.update(phone="", phone_hash="")
        else:
            parsed = attempt("phone", lambda: validators.phone_normalise(raw))
            if parsed is not None:
                cleaned.update(phone=parsed.number, phone_hash=phone_hash(parsed.number))
    if values.get("ethnic_group") not in (None, ""):
        cleaned["ethnic_group"] = attempt("ethnic_group", lambda: ethnic_group_clean(values["ethnic_group"]))
    elif "ethnic_group" in values:
        cleaned["ethnic_group"] = ""
    if "relation" in values:
        relation = values["relation"] or ""
        if relation and relation not in Relation.values:
            errors.setdefault("relation", []).append(_("Choose a relation from the list."))
        cleaned["relation"] = relation
    for field in ("preferred_language", "moved_in_on"):
        if field in values:
            cleaned[field] = values[field] or ("" if field == "preferred_language" else None)
    if errors:
        raise ValidationError(errors)
    return cleaned


_clean_resident_fields = resident_fields_clean  # the name other modules may still use


def _tags_clean(tags) -> list[str]:
    tags = list(dict.fromkeys(tags or []))
    unknown = [tag for tag in tags if tag not in Tag.values]
    if unknown:
        raise _invalid("tags", _("Unknown tag: %(tag)s.") % {"tag": ", ".join(unknown)})
    return tags


def _save_unique_id(resident: Resident, **save_kwargs) -> None:
    try:
        with transaction.atomic():
            resident.save(**save_kwargs)
    except IntegrityError as error:
        if (
            resident.id_number_hash
            and Resident.objects.filter(id_number_hash=resident.id_number_hash)
            .exclude(pk=resident.pk)
            .exists()
        ):
            raise _invalid("id_number", _("A resident with this ID number is already registered.")) from error
        raise


@transaction.atomic
def resident_create(
    *,
    by: User | None,
    household: Household,
    full_name: str,
    id_number: str = "",
    phone: str = "",
    ethnic_group: str = "",
    relation: str = "",
    preferred_language: str = "",
    moved_in_on: date | None = None,
    tags: list[str] | None = None,
) -> Resident:
    cleaned = resident_fields_clean(
        {
            "full_name": full_name,
            "id_number": id_number,
            "phone": phone,
            "ethnic_group": ethnic_group,
            "relation": relation,
            "preferred_language": preferred_language,
            "moved_in_on": moved_in_on,
        }
    )
    tags = _tags_clean(tags)
    resident = Resident(household=household, place_code=household.place_code, **cleaned)
    _save_unique_id(resident)
    ResidentTag.objects.bulk_create([ResidentTag(resident=resident, tag=tag) for tag in tags])
    audit_record(
        actor=by,
        action="people.resident.create",
        obj=resident,
        changes=diff({}, {**_resident_snapshot(resident), "tags": tags}),
    )
    return resident


@transaction.atomic
def resident_update(*, by: User | None, resident: Resident, **values) -> Resident:
    allowed = {
        "full_name",
        "id_number",
        "phone",
        "ethnic_group",
        "relation",
        "preferred_language",
        "moved_in_on",
    }
    unknown = set(values) - allowed
    if unknown:
        raise TypeError(f"resident_update() got unexpected fields: {sorted(unknown)}")
    before = _resident_snapshot(resident)
    for field, value in resident_fields_clean(values).items():
        setattr(resident, field, value)
    _save_unique_id(resident)
    if changes := diff(before, _resident_snapshot(resident)):
        audit_record(actor=by, action="people.resident.update", obj=resident, changes=changes)
    return resident


@transaction.atomic
def resident_tags_set(*, by: User | None, resident: Resident, tags: list[str]) -> Resident:
    tags = _tags_clean(tags)
    before = sorted(resident.tags.values_list("tag", flat=True))
    resident.tags.exclude(tag__in=tags).delete()
    ResidentTag.objects.bulk_create(
        [ResidentTag(resident=resident, tag=tag) for tag in tags if tag not in before], ignore_conflicts=True
    )
    if sorted(tags) != before:
        audit_record(
            actor=by, action="people.resident.tags", obj=resident, changes={"tags": [before, sorted(tags)]}
        )
    return resident


@transaction.atomic
def resident_move(
    *, by: User | None, resident: Resident, household: Household, moved_on: date, reason: str = ""
) -> Resident:
    """Register a resident in another household (in any grid), keeping the old one in history."""
    if resident.household_id == household.pk:
        raise _invalid("household", _("The resident is already registered in this household."))
    old_household, old_code = resident.household, resident.place_code
    resident.household, resident.place_code = household, household.place_code
    resident.save(update_fields=["household", "place_code", "updated_at"])
    Move.objects.create(
        resident=resident,
        from_household=old_household,
        to_household=household,
        from_place_code=old_code,
        to_place_code=household.place_code,
        moved_on=moved_on,
        reason=reason[:200],
        recorded_by=by,
    )
    audit_record(
        actor=by,
        action="people.resident.move",
        obj=resident,
        changes={
            "household_id": [old_household.pk if old_household else None, household.pk],
            "place_code": [old_code, household.place_code],
        },
        reason=reason,
    )
    return resident


@transaction.atomic
def resident_set_status(*, by: User | None, resident: Resident, status: str, on: date) -> Resident:
    """Record that a resident moved out or died (or lives here again), with the date."""
    if status not in ResidentStatus.values:
        raise _invalid("status", _("Choose a status from the list."))
    if on > timezone.localdate():
        raise _invalid("on", _("The date cannot be in the future."))
    before = _resident_snapshot(resident)
    resident.status = status
    if status == ResidentStatus.MOVED_OUT:
        resident.moved_out_on = on
    elif status == ResidentStatus.DECEASED:
        resident.deceased_on = on
    else:
        resident.moved_out_on = resident.deceased_on = None
    resident.save()
    audit_record(
        actor=by,
        action="people.resident.status",
        obj=resident,
        changes=diff(before, _resident_snapshot(resident)),
    )
    return resident


@transaction.atomic
def resident_reveal(*, by: User, resident: Resident, field: str, reason: str) -> str:
    """The full value of a personal field, for a stated reason; the read itself is an audit entry."""
    if field not in REVEALABLE:
        raise _invalid("field", _("Only the ID number and the phone can be revealed."))
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise _invalid(
            "reason",
            _("Say why you need the full value (at least %(count)d characters).")
            % {"count": MIN_REASON_LENGTH},
        )
    audit_record(actor=by, action=f"people.resident.reveal.{field}", obj=resident, reason=reason)
    return getattr(resident, field)


# Consents and visits ------------------------------------------------------------------------------------


@transaction.atomic
def consent_record(
    *, by: User | None, resident: Resident, kind: str, given_by: str, given_on: date, note: str = ""
) -> Consent:
    if kind not in Consent.Kind.values:
        raise _invalid("kind", _("Choose a kind of consent from the list."))
    if given_on > timezone.localdate():
        raise _invalid("given_on", _("The date cannot be in the future."))
    consent = Consent(
        resident=resident,
        kind=kind,
        given_by=validators.name_clean(given_by, field_name="given_by"),
        given_on=given_on,
        note=(note or "").strip(),
        recorded_by=by,
    )
    consent.full_clean(exclude=["resident", "recorded_by"])
    consent.save()
    audit_record(
        actor=by,
        action="people.consent.record",
        obj=consent,
        place_code=resident.place_code,
        changes={"kind": [None, kind]},
    )
    return consent


@transaction.atomic
def visit_record(
    *, by: User, household: Household, visited_on: date, findings: str, follow_up: str = ""
) -> Visit:
    if visited_on > timezone.localdate():
        raise _invalid("visited_on", _("The date cannot be in the future."))
    if not (findings or "").strip():
        raise _invalid("findings", _("Say what you found."))
    visit = Visit.objects.create(
        household=household,
        place_code=household.place_code,
        visited_by=by,
        visited_on=visited_on,
        findings=findings.strip(),
        follow_up=(follow_up or "").strip(),
    )
    audit_record(
        actor=by, action="people.visit.record", obj=visit, changes={"visited_on": [None, str(visited_on)]}
    )
    return visit


@transaction.atomic
def visit_follow_up_done(*, by: User, visit: Visit, on: date | None = None) -> Visit:
    """Mark a visit's follow-up as carried out."""
    on = on or timezone.localdate()
    if not visit.follow_up:
        raise _invalid("visit", _("This visit has no follow-up to mark as done."))
    if visit.follow_up_done_on:
        raise _invalid("visit", _("This follow-up is already marked as done."))
    if on > timezone.localdate() or on < visit.visited_on:
        raise _invalid("on", _("The follow-up date must lie between the visit and today."))
    visit.follow_up_done_on = on
    visit.save(update_fields=["follow_up_done_on"])
    audit_record(
        actor=by,
        action="people.visit.follow_up_done",
        obj=visit,
        changes={"follow_up_done_on": [None, str(on)]},
    )
    return visit


# Retention ----------------------------------------------------------------------------------------------


@dataclass
class RetentionReport:
    cutoff: date
    anonymised: int
    dry_run: bool


@transaction.atomic
def residents_anonymise_moved_out(
    *, by: User | None, years: int, today: date | None = None, dry_run: bool = False
) -> RetentionReport:
    """Anonymise residents who moved out (or died) more than `years` ago: names, numbers, phones, tags and
    consents go; the row stays so that counts and history computed from it still add up."""
    if years < 1:
        raise _invalid("years", _("Keep records for at least one year."))
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=round(365.25 * years))
    stale = Resident.objects.filter(anonymised_at__isnull=True).filter(
        Q(status=ResidentStatus.MOVED_OUT, moved_out_on__lt=cutoff)
        | Q(status=ResidentStatus.DECEASED, deceased_on__lt=cutoff)
    )
    count = stale.count()
    if not dry_run:
        now = timezone.now()
        for resident in stale.select_for_update().iterator(chunk_size=500):
            resident.full_name = _("(anonymised)")
            resident.id_number, resident.id_number_hash = "", None
            resident.phone, resident.phone_hash = "", ""
            resident.birth_date = resident.birth_date.replace(month=1, day=1) if resident.birth_date else None
            resident.account = None
            resident.anonymised_at = now
            resident.save()
            resident.tags.all().delete()
            resident.consents.all().delete()
            audit_record(
                actor=by, action="people.resident.anonymise", obj=resident, changes={"years": [None, years]}
            )
    return RetentionReport(cutoff=cutoff, anonymised=count, dry_run=dry_run)
