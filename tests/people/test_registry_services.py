"""Registry services: every write validates, keeps history, and writes an audit entry with numbers masked."""

import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from huiketing.core.models import AuditEntry
from huiketing.people import selectors, services
from huiketing.people.models import Consent, Move, Resident, ResidentStatus, ResidentTag, Role, Visit
from huiketing.people.validators import id_check_character

# --- Helpers shared by the registry's test modules ---------------------------------------------------------


def make_id(seq: int, birth: str = "19800101", region: str = "654301") -> str:
    """A valid 18-character ID number (right check character) for a test person."""
    first_17 = f"{region}{birth}{seq:03d}"
    return first_17 + id_check_character(first_17)


def make_name(seq: int) -> str:
    """A name without digits (names may not hold any): 测试一二 for 12."""
    return "测试" + "".join("零一二三四五六七八九"[int(digit)] for digit in str(seq))


def make_phone(seq: int) -> str:
    return f"139{seq:08d}"


def make_household(grid, room: str = "101", building: str = "1", by=None):
    return services.household_create(by=by, grid=grid, building=building, room=room)


def make_resident(household, seq: int, by=None, **extra):
    values = {
        "full_name": extra.pop("full_name", make_name(seq)),
        "id_number": make_id(seq, **{k: extra.pop(k) for k in ("birth", "region") if k in extra}),
        "phone": make_phone(seq),
    }
    return services.resident_create(by=by, household=household, **values, **extra)


def all_audit_text() -> str:
    """Everything the audit log holds about changes, as one string to search."""
    return json.dumps(
        [[entry.changes, entry.object_repr, entry.reason] for entry in AuditEntry.objects.all()],
        ensure_ascii=False,
    )


@pytest.fixture
def leader(staff):
    return staff[Role.GRID_LEADER]


# --- Households ---------------------------------------------------------------------------------------------


def test_household_create_keeps_the_grid_code_and_is_audited(tree, leader):
    household = make_household(tree.grids[0], by=leader)
    assert household.place_code == tree.grids[0].code
    assert household.address == "1-101"
    entry = AuditEntry.objects.get(action="people.household.create")
    assert entry.actor == leader
    assert entry.place_code == tree.grids[0].code


def test_household_create_refuses_a_place_that_is_not_a_grid_and_a_second_household_at_the_address(tree):
    with pytest.raises(ValidationError) as error:
        services.household_create(by=None, grid=tree.communities[0], building="1", room="101")
    assert "grid" in error.value.message_dict
    make_household(tree.grids[0])
    with pytest.raises(ValidationError) as error:
        make_household(tree.grids[0])
    assert "room" in error.value.message_dict


def test_household_move_moves_its_residents_and_visits_and_keeps_history(tree, leader):
    household = make_household(tree.grids[0])
    resident = make_resident(household, 1)
    services.visit_record(by=leader, household=household, visited_on=timezone.localdate(), findings="都好")
    services.household_move(
        by=leader, household=household, grid=tree.grids[1], moved_on=timezone.localdate(), reason="拆迁"
    )
    resident.refresh_from_db()
    assert resident.place_code == tree.grids[1].code
    assert Visit.objects.get().place_code == tree.grids[1].code
    move = Move.objects.get(household=household)
    assert (move.from_place_code, move.to_place_code, move.reason) == (
        tree.grids[0].code,
        tree.grids[1].code,
        "拆迁",
    )
    entry = AuditEntry.objects.get(action="people.household.move")
    assert entry.changes == {"place_code": [tree.grids[0].code, tree.grids[1].code]}
    assert entry.reason == "拆迁"
    with pytest.raises(ValidationError) as error:
        services.household_move(by=leader, household=household, grid=tree.grids[1], moved_on=date.today())
    assert "grid" in error.value.message_dict


# --- Residents ----------------------------------------------------------------------------------------------


def test_resident_create_derives_sex_and_birth_date_and_encrypts_numbers(tree, leader):
    household = make_household(tree.grids[0])
    resident = make_resident(household, 1, by=leader, birth="19450302", tags=["veteran"])
    assert resident.birth_date == date(1945, 3, 2)
    assert resident.sex == "M"  # sequence 001: odd
    assert resident.place_code == tree.grids[0].code
    assert list(resident.tags.values_list("tag", flat=True)) == ["veteran"]
    assert (
        resident.id_number_masked == make_id(1, birth="19450302")[:4] + "*" * 10 + make_id(1, "19450302")[-4:]
    )
    assert resident.phone_masked == "139****0001"
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM people_resident WHERE id = %s", [resident.pk])
        stored_id, stored_phone = cursor.fetchone()
    assert make_id(1, birth="19450302") not in stored_id
    assert make_phone(1) not in stored_phone
    entry = AuditEntry.objects.get(action="people.resident.create")
    assert entry.actor == leader
    assert entry.changes["tags"] == [None, ["veteran"]]
    assert "aged_80" in selectors.computed_tags(resident)


def test_a_duplicate_id_number_is_refused_naming_the_field(tree):
    household = make_household(tree.grids[0])
    make_resident(household, 1)
    other = make_household(tree.grids[1])
    with pytest.raises(ValidationError) as error:
        services.resident_create(by=None, household=other, full_name="王五", id_number=make_id(1))
    assert list(error.value.message_dict) == ["id_number"]
    assert Resident.objects.count() == 1


def test_bad_input_names_every_field_at_fault(tree):
    household = make_household(tree.grids[0])
    with pytest.raises(ValidationError) as error:
        services.resident_create(by=None, household=household, full_name="", id_number="123", phone="12")
    assert {"full_name", "id_number", "phone"} <= set(error.value.message_dict)


def test_resident_update_changes_fields_and_audits_them_masked(tree, leader):
    resident = make_resident(make_household(tree.grids[0]), 1)
    services.resident_update(
        by=leader, resident=resident, id_number=make_id(2), phone=make_phone(2), relation="child"
    )
    resident.refresh_from_db()
    assert resident.id_number == make_id(2)
    assert resident.phone == make_phone(2)
    entry = AuditEntry.objects.get(action="people.resident.update")
    assert set(entry.changes) >= {"id_number", "phone", "relation"}
    assert entry.changes["relation"] == ["", "child"]
    assert make_id(2) not in json.dumps(entry.changes)


def test_resident_tags_set_records_before_and_after(tree, leader):
    resident = make_resident(make_household(tree.grids[0]), 1, tags=["veteran"])
    services.resident_tags_set(by=leader, resident=resident, tags=["living_alone", "disabled"])
    assert sorted(ResidentTag.objects.filter(resident=resident).values_list("tag", flat=True)) == [
        "disabled",
        "living_alone",
    ]
    entry = AuditEntry.objects.get(action="people.resident.tags")
    assert entry.changes == {"tags": [["veteran"], ["disabled", "living_alone"]]}
    with pytest.raises(ValidationError) as error:
        services.resident_tags_set(by=leader, resident=resident, tags=["aged_80"])  # computed, never set
    assert "tags" in error.value.message_dict


def test_resident_move_keeps_the_former_household_in_history(tree, leader):
    first, second = make_household(tree.grids[0]), make_household(tree.grids[1], room="202")
    resident = make_resident(first, 1)
    services.resident_move(
        by=leader, resident=resident, household=second, moved_on=date(2024, 5, 1), reason="婚"
    )
    resident.refresh_from_db()
    assert (resident.household, resident.place_code) == (second, tree.grids[1].code)
    move = Move.objects.get(resident=resident)
    assert (move.from_household, move.to_household, move.moved_on) == (first, second, date(2024, 5, 1))
    assert AuditEntry.objects.get(action="people.resident.move").changes["household_id"] == [
        first.pk,
        second.pk,
    ]
    with pytest.raises(ValidationError) as error:
        services.resident_move(by=leader, resident=resident, household=second, moved_on=date(2024, 5, 2))
    assert "household" in error.value.message_dict


def test_resident_set_status_records_the_date_and_refuses_the_future(tree, leader):
    resident = make_resident(make_household(tree.grids[0]), 1)
    services.resident_set_status(
        by=leader, resident=resident, status=ResidentStatus.MOVED_OUT, on=date(2023, 1, 2)
    )
    resident.refresh_from_db()
    assert (resident.status, resident.moved_out_on) == (ResidentStatus.MOVED_OUT, date(2023, 1, 2))
    assert AuditEntry.objects.get(action="people.resident.status").changes["status"] == [
        "active",
        "moved_out",
    ]
    with pytest.raises(ValidationError) as error:
        services.resident_set_status(
            by=leader,
            resident=resident,
            status=ResidentStatus.DECEASED,
            on=timezone.localdate() + timedelta(days=1),
        )
    assert "on" in error.value.message_dict


# --- Consents and visits ------------------------------------------------------------------------------------


def test_a_child_needs_a_guardian_consent_which_is_recorded_and_audited(tree, leader):
    child_birth = (timezone.localdate() - timedelta(days=365 * 5)).strftime("%Y%m%d")
    child = make_resident(make_household(tree.grids[0]), 1, birth=child_birth)
    assert child.needs_guardian_consent
    consent = services.consent_record(
        by=leader, resident=child, kind=Consent.Kind.GUARDIAN, given_by="王芳", given_on=timezone.localdate()
    )
    assert consent.recorded_by == leader
    entry = AuditEntry.objects.get(action="people.consent.record")
    assert entry.place_code == tree.grids[0].code
    with pytest.raises(ValidationError) as error:
        services.consent_record(
            by=leader, resident=child, kind="gossip", given_by="王芳", given_on=date(2024, 1, 1)
        )
    assert "kind" in error.value.message_dict


def test_visit_record_needs_findings_and_is_audited(tree, leader):
    household = make_household(tree.grids[0])
    visit = services.visit_record(
        by=leader, household=household, visited_on=date(2024, 3, 1), findings="老人独居", follow_up="送餐"
    )
    assert (visit.visited_by, visit.place_code) == (leader, tree.grids[0].code)
    assert list(selectors.visits_for_household(household=household)) == [visit]
    assert AuditEntry.objects.filter(action="people.visit.record").count() == 1
    with pytest.raises(ValidationError) as error:
        services.visit_record(by=leader, household=household, visited_on=date(2024, 3, 1), findings="  ")
    assert "findings" in error.value.message_dict


# --- Reveal and the audit log -------------------------------------------------------------------------------


def test_reveal_returns_the_value_and_writes_the_reason(tree, leader):
    resident = make_resident(make_household(tree.grids[0]), 1)
    value = services.resident_reveal(by=leader, resident=resident, field="id_number", reason="办理低保核对")
    assert value == make_id(1)
    entry = AuditEntry.objects.get(action="people.resident.reveal.id_number")
    assert (entry.actor, entry.reason, entry.object_id) == (leader, "办理低保核对", str(resident.pk))
    assert services.resident_reveal(
        by=leader, resident=resident, field="phone", reason="联系家属"
    ) == make_phone(1)


@pytest.mark.parametrize("reason", ["", "   ", "看看"])
def test_reveal_requires_a_reason_and_reveals_nothing_without_one(tree, leader, reason):
    resident = make_resident(make_household(tree.grids[0]), 1)
    with pytest.raises(ValidationError) as error:
        services.resident_reveal(by=leader, resident=resident, field="id_number", reason=reason)
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.resident_reveal(by=leader, resident=resident, field="full_name", reason="足够长的理由")
    assert "field" in error.value.message_dict
    assert not AuditEntry.objects.filter(action__startswith="people.resident.reveal").exists()


def test_no_audit_entry_ever_holds_a_full_id_number_or_phone(tree, leader):
    household = make_household(tree.grids[0])
    resident = make_resident(household, 1, by=leader, tags=["veteran"])
    services.resident_update(by=leader, resident=resident, id_number=make_id(2), phone=make_phone(2))
    services.resident_update(by=leader, resident=resident, full_name="改名")
    services.resident_tags_set(by=leader, resident=resident, tags=[])
    services.resident_move(
        by=leader, resident=resident, household=make_household(tree.grids[1]), moved_on=date(2024, 1, 1)
    )
    services.resident_set_status(by=leader, resident=resident, status="moved_out", on=date(2024, 2, 1))
    services.consent_record(
        by=leader, resident=resident, kind="health", given_by="改名", given_on=date(2024, 1, 1)
    )
    services.resident_reveal(by=leader, resident=resident, field="id_number", reason="核对身份信息")
    services.resident_reveal(by=leader, resident=resident, field="phone", reason="联系本人")
    assert AuditEntry.objects.count() >= 9
    text = all_audit_text()
    for number in (make_id(1), make_id(2), make_phone(1), make_phone(2)):
        assert number not in text
    # The masked forms are there: the log says what changed without saying the number.
    assert make_id(2)[:2] in text
