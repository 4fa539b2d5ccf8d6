"""Key rotation: `fields_reencrypt` moves every encrypted field to the newest key, `--rehash` the hashes."""

from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from huiketing.core import crypto
from huiketing.core.fields import Ciphertext
from huiketing.core.management.commands.fields_reencrypt import encrypted_fields, hashed_fields
from huiketing.core.models import AuditEntry
from huiketing.people.models import Resident
from huiketing.people.selectors import residents_for_user
from huiketing.people.services import household_create, id_number_hash, phone_hash, resident_create

OLD = "old-field-key-0123456789abcdefghijklmnopqrstuv"
NEW = "new-field-key-0123456789abcdefghijklmnopqrstuv"
PEOPLE = [
    ("张三", "654301198001010010", "13912345678"),
    ("李四", "654301199512310028", ""),
    ("王五", "65430120100228005X", "0906-2123456"),
]


def raw_columns():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, id_number, phone, id_number_hash, phone_hash FROM people_resident ORDER BY id"
        )
        return {row[0]: row[1:] for row in cursor.fetchall()}


def clear_values():
    return sorted((r.full_name, r.id_number, r.phone) for r in Resident.objects.all())


@pytest.fixture
def residents(tree, settings):
    settings.FIELD_KEYS = OLD
    household = household_create(by=None, grid=tree.grids[0], building="1", room="101")
    for name, number, phone in PEOPLE:
        resident_create(by=None, household=household, full_name=name, id_number=number, phone=phone)
    return household


def expected():
    from huiketing.people.validators import phone_normalise

    return sorted(
        (name, number, phone_normalise(phone).number if phone else "") for name, number, phone in PEOPLE
    )


def test_every_encrypted_field_is_found():
    found = {
        (model._meta.label, field.name) for model, fields in encrypted_fields().items() for field in fields
    }
    assert {("people.Resident", "id_number"), ("people.Resident", "phone")} <= found
    # Every hashed field is an encrypted field.
    assert {(h.model, h.field) for h in hashed_fields()} <= found


def test_ciphertext_is_stored_as_it_is_and_refuses_clear_values(residents, settings):
    token = crypto.encrypt("13800000000")
    resident = Resident.objects.first()
    resident.phone = Ciphertext(token)
    Resident.objects.bulk_update([resident], ["phone"])
    assert raw_columns()[resident.pk][1] == token
    assert Resident.objects.get(pk=resident.pk).phone == "13800000000"
    with pytest.raises(ValueError):
        Ciphertext("13800000000")


def test_rotation_keeps_values_readable_and_hashes_valid(residents, settings, make_user):
    before = raw_columns()
    assert all(row[0].startswith(crypto.TOKEN_PREFIX) for row in before.values())

    # A new key first: old tokens still decrypt, hashes (from the last key) still match.
    settings.FIELD_KEYS = f"{NEW},{OLD}"
    assert clear_values() == expected()
    out = StringIO()
    call_command("fields_reencrypt", "--batch-size", "2", stdout=out)
    assert "people.Resident: 2/3" in out.getvalue() and "people.Resident: 3/3" in out.getvalue()
    after = raw_columns()
    for pk, (id_token, phone_token, id_hash, p_hash) in after.items():
        assert id_token != before[pk][0] and id_token.startswith(crypto.TOKEN_PREFIX)
        assert (phone_token == "") == (before[pk][1] == "")
        assert (id_hash, p_hash) == before[pk][2:]
    assert clear_values() == expected()
    admin = make_user("rot_admin", "admin")
    found = residents_for_user(user=admin, filters={"id_number": PEOPLE[0][1]})
    assert [r.full_name for r in found] == ["张三"]
    assert AuditEntry.objects.filter(action="core.fields.reencrypt").count() == 1

    # The old key alone cannot read the re-encrypted values any more: they really moved to the new key.
    settings.FIELD_KEYS = OLD
    with pytest.raises(ImproperlyConfigured):
        clear_values()

    # The new key alone reads everything.
    settings.FIELD_KEYS = NEW
    assert clear_values() == expected()


def test_rehash_when_the_last_key_changes(residents, settings, make_user):
    settings.FIELD_KEYS = f"{NEW},{OLD}"
    call_command("fields_reencrypt", stdout=StringIO())
    settings.FIELD_KEYS = NEW
    admin = make_user("rot_admin", "admin")
    # The hash key comes from the last key, which changed: stored hashes no longer match...
    assert not residents_for_user(user=admin, filters={"id_number": PEOPLE[0][1]}).exists()
    out = StringIO()
    call_command("fields_reencrypt", "--rehash", stdout=out)
    assert "people.Resident: 3/3" in out.getvalue()
    # ...until --rehash recomputes them under the new key.
    for resident in Resident.objects.all():
        assert resident.id_number_hash == id_number_hash(resident.id_number)
        assert resident.phone_hash == (phone_hash(resident.phone) if resident.phone else "")
    assert [r.full_name for r in residents_for_user(user=admin, filters={"id_number": PEOPLE[0][1]})] == [
        "张三"
    ]
    assert [r.full_name for r in residents_for_user(user=admin, filters={"phone": "13912345678"})] == ["张三"]
    assert clear_values() == expected()
