"""Retention: `residents_retention --years N` anonymises those who left more than N years ago."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone, translation

from huiketing.core.models import AuditEntry
from huiketing.people.models import Consent, Resident, ResidentStatus, ResidentTag
from huiketing.people.services import (
    consent_record,
    household_create,
    resident_create,
    resident_set_status,
)


def years_ago(years: float):
    return timezone.localdate() - timedelta(days=round(365.25 * years))


@pytest.fixture
def people(tree):
    household = household_create(by=None, grid=tree.grids[0], building="1", room="101")

    def make(name, number, phone, status=None, years=None):
        resident = resident_create(
            by=None,
            household=household,
            full_name=name,
            id_number=number,
            phone=phone,
            tags=["veteran", "low_income"],
        )
        consent_record(by=None, resident=resident, kind="care", given_by=name, given_on=years_ago(8))
        if status:
            resident_set_status(by=None, resident=resident, status=status, on=years_ago(years))
        return resident

    return {
        "left_6": make("张六", "654301198001010010", "13912345678", ResidentStatus.MOVED_OUT, 6),
        "left_4": make("李四", "654301199512310028", "13912345679", ResidentStatus.MOVED_OUT, 4),
        "died_7": make("王七", "654301193002020015", "", ResidentStatus.DECEASED, 7),
        "here": make("赵在", "654301196507070046", "13912345670"),
    }


def state(resident):
    resident.refresh_from_db()
    return (
        resident.full_name,
        resident.id_number,
        resident.id_number_hash,
        resident.phone,
        resident.phone_hash,
        resident.anonymised_at,
        resident.tags.count(),
        resident.consents.count(),
    )


def test_dry_run_counts_and_changes_nothing(people):
    before = {key: state(r) for key, r in people.items()}
    audit = AuditEntry.objects.count()
    out = StringIO()
    with translation.override("en"):
        call_command("residents_retention", "--years", "5", "--dry-run", stdout=out)
    assert "Dry run: 2 residents" in out.getvalue()
    assert {key: state(r) for key, r in people.items()} == before
    assert AuditEntry.objects.count() == audit


def test_those_who_left_longer_ago_are_anonymised(people):
    out = StringIO()
    with translation.override("en"):
        call_command("residents_retention", "--years", "5", stdout=out)
    assert "Anonymised 2 residents" in out.getvalue()

    for key in ("left_6", "died_7"):
        resident = Resident.objects.get(pk=people[key].pk)
        assert resident.anonymised_at is not None
        assert resident.full_name != people[key].full_name
        assert (resident.id_number, resident.id_number_hash, resident.phone, resident.phone_hash) == (
            "",
            None,
            "",
            "",
        )
        assert resident.birth_date is None or (resident.birth_date.month, resident.birth_date.day) == (1, 1)
        assert not ResidentTag.objects.filter(resident=resident).exists()
        assert not Consent.objects.filter(resident=resident).exists()
        assert (
            AuditEntry.objects.filter(action="people.resident.anonymise", object_id=str(resident.pk)).count()
            == 1
        )
    for key in ("left_4", "here"):
        resident = Resident.objects.get(pk=people[key].pk)
        assert resident.anonymised_at is None
        assert resident.full_name == people[key].full_name and resident.id_number and resident.id_number_hash
        assert resident.tags.count() == 2 and resident.consents.count() == 1
    assert AuditEntry.objects.filter(action="people.resident.anonymise").count() == 2
    # Nothing of the anonymised ID numbers is left in the table, not even encrypted.
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM people_resident WHERE id_number <> ''")
        assert cursor.fetchone()[0] == 2

    # Running it again finds nobody new.
    again = StringIO()
    with translation.override("en"):
        call_command("residents_retention", "--years", "5", stdout=again)
    assert "Anonymised 0 residents" in again.getvalue()


def test_fewer_years_reach_further(people):
    with translation.override("en"):
        call_command("residents_retention", "--years", "3", stdout=StringIO())
    assert Resident.objects.filter(anonymised_at__isnull=False).count() == 3
    assert Resident.objects.get(pk=people["here"].pk).anonymised_at is None


def test_years_must_be_at_least_one(people):
    with translation.override("en"), pytest.raises(CommandError, match="at least one year"):
        call_command("residents_retention", "--years", "0")
    assert not Resident.objects.filter(anonymised_at__isnull=False).exists()
