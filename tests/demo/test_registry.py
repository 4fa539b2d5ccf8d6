"""The demo's synthetic registry: spread over all 89 grids, obviously fake, valid in format, and scalable."""

from collections import Counter
from datetime import date

from django.db import transaction

from huiketing.core.models import AuditEntry
from huiketing.demo.data.residents import NAME_PREFIX
from huiketing.demo.loader import demo_load
from huiketing.demo.registry import synthetic_id_number
from huiketing.people.models import (
    Consent,
    Household,
    Relation,
    Resident,
    ResidentStatus,
    ResidentTag,
    Role,
    RoleAssignment,
    Tag,
    Visit,
)
from huiketing.people.services import id_number_hash, phone_hash
from huiketing.people.validators import id_number_normalise, phone_normalise
from huiketing.places.models import Level, Place


def test_synthetic_id_numbers_pass_the_gb_11643_check():
    for birth, sequence, sex in [
        (date(1950, 2, 28), 12, "M"),
        (date(2012, 12, 31), 999, "F"),
        (date(1988, 7, 1), 0, "M"),
    ]:
        number = synthetic_id_number(birth, sequence, sex)
        parsed = id_number_normalise(number, today=date(2026, 1, 1))
        assert parsed.number == number
        assert (parsed.birth_date, parsed.sex, parsed.region_code) == (birth, sex, "654301")
    # A changed last character no longer passes: the check character is computed, not copied.
    number = synthetic_id_number(date(1970, 5, 5), 100, "F")
    assert number[-1] != "Y"


def test_the_registry_covers_every_grid_with_obviously_synthetic_people(full_demo):
    grids = set(Place.objects.filter(level=Level.GRID).values_list("code", flat=True))
    assert len(grids) == 89
    assert set(Household.objects.values_list("place_code", flat=True)) == grids
    per_grid = Counter(Resident.objects.values_list("place_code", flat=True))
    assert set(per_grid) == grids
    assert min(per_grid.values()) >= 40
    assert Household.objects.count() == 89 * 34
    assert not Household.objects.filter(is_demo=False).exists()
    assert not Resident.objects.filter(is_demo=False).exists()

    residents = list(Resident.objects.all())
    assert 7000 <= len(residents) <= 8500
    assert all(r.full_name.startswith(NAME_PREFIX) for r in residents)
    assert len({r.id_number for r in residents}) == len(residents)
    phones = [r.phone for r in residents if r.phone]
    assert len(phones) > len(residents) // 2
    for resident in residents:
        parsed = id_number_normalise(resident.id_number)
        assert parsed.number == resident.id_number
        assert parsed.region_code == "654301"
        assert (parsed.birth_date, parsed.sex) == (resident.birth_date, resident.sex)
        assert resident.id_number_hash == id_number_hash(resident.id_number)
        if resident.phone:
            assert resident.phone.startswith("1990")
            assert phone_normalise(resident.phone).kind == "mobile"
            assert resident.phone_hash == phone_hash(resident.phone)
        else:
            assert resident.phone_hash == ""
    # Every household has exactly one householder.
    householders = Counter(r.household_id for r in residents if r.relation == Relation.HOUSEHOLDER)
    assert len(householders) == Household.objects.count() and set(householders.values()) == {1}

    groups = Counter(r.ethnic_group for r in residents)
    assert {"01", "17", "03", "05", "02"} <= set(groups)
    assert groups["01"] < len(residents) * 0.6 and groups["17"] > len(residents) * 0.2
    assert {r.preferred_language for r in residents} >= {"zh-hans", "kk", "ug"}

    tags = Counter(ResidentTag.objects.values_list("tag", flat=True))
    for tag in (Tag.LIVING_ALONE, Tag.DISABLED, Tag.LOW_INCOME, Tag.VETERAN, Tag.PARTY_MEMBER, Tag.VOLUNTEER):
        assert tags[tag] >= 5, tag
    moved = [r for r in residents if r.status == ResidentStatus.MOVED_OUT]
    deceased = [r for r in residents if r.status == ResidentStatus.DECEASED]
    assert 5 <= len(moved) <= len(residents) // 20 and all(r.moved_out_on for r in moved)
    assert 1 <= len(deceased) <= len(residents) // 20 and all(r.deceased_on for r in deceased)
    assert Consent.objects.filter(kind=Consent.Kind.CARE).exists()
    assert Consent.objects.filter(kind=Consent.Kind.GUARDIAN).exists()
    visits = Visit.objects.select_related("household", "visited_by")
    assert visits.count() >= 100
    assert all(v.place_code == v.household.place_code for v in visits)
    assert all(v.visited_by == Place.objects.get(code=v.place_code).leader for v in visits[:50])

    # One summary audit entry, not one per row.
    assert full_demo.counts["residents"] == len(residents)
    entry = AuditEntry.objects.get(action="demo.registry.generated")
    assert entry.changes["residents"] == [None, len(residents)]
    assert not AuditEntry.objects.filter(action__startswith="people.resident").exists()


def test_the_resident_account_is_linked_to_a_verified_resident_of_its_grid(demo):
    resident = Resident.objects.select_related("account").get(account__username="resident")
    grid = RoleAssignment.objects.get(user=resident.account, role=Role.RESIDENT).place_code
    assert resident.place_code == grid
    assert resident.verified_at is not None
    assert resident.status == ResidentStatus.ACTIVE
    assert resident.relation == Relation.HOUSEHOLDER
    assert resident.full_name == NAME_PREFIX + resident.account.display_name
    assert resident.phone and resident.id_number
    assert Resident.objects.filter(account__isnull=False).count() == 1


def _registry():
    return {
        (r.place_code, r.household.address, r.full_name) for r in Resident.objects.select_related("household")
    }


def test_scale_multiplies_households_and_residents(db, small_registry):
    with transaction.atomic():
        single = demo_load(scale=1)
        one = _registry()
        transaction.set_rollback(True)
    assert not Resident.objects.exists()
    double = demo_load(scale=2)
    assert single.counts["households"] == 89 * 2
    assert double.counts["households"] == 2 * single.counts["households"]
    assert 1.7 <= double.counts["residents"] / single.counts["residents"] <= 2.3
    # Scaling adds households; those of scale 1 stay as they were.
    assert one <= _registry()
    assert len(set(Resident.objects.values_list("id_number_hash", flat=True))) == double.counts["residents"]
