"""The audit log is append-only (model, queryset and database triggers); services write full entries."""

import pytest
from django.db import DatabaseError, connection, transaction

from huiketing.core import audit, context
from huiketing.core.models import AuditEntry
from huiketing.people.models import Role
from huiketing.people.services import role_assign, user_set_display


@pytest.fixture
def entry(db):
    return audit.audit_record(actor=None, action="tests.thing.done", place_code="654301001001001")


def test_saving_an_existing_entry_raises(entry):
    entry.action = "tests.thing.undone"
    with pytest.raises(PermissionError):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).action == "tests.thing.done"


def test_deleting_an_entry_raises(entry):
    with pytest.raises(PermissionError):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_queryset_update_and_delete_raise(entry):
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="tests.rewritten")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "tests.thing.done"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditentry SET action = 'tests.rewritten' WHERE id = %s",
        "DELETE FROM core_auditentry WHERE id = %s",
    ],
    ids=["update", "delete"],
)
def test_raw_sql_cannot_rewrite_history(entry, sql):
    # The savepoint lets the test go on after PostgreSQL aborts the statement.
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "tests.thing.done"


def test_inserting_stays_possible(entry):
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM core_auditentry")
        assert cursor.fetchone()[0] == 1


@pytest.mark.parametrize(
    ("field", "value", "masked"),
    [
        ("phone", "13912345678", "13*******78"),
        ("id_number", "65430119900101123X", "65**************3X"),
        ("guardian_phone", "13912345678", "13*******78"),
        ("mobile", "139", "***"),
        ("display_name", "阿依古丽", "阿依古丽"),
        ("phone", "", ""),
        ("phone", None, None),
    ],
)
def test_mask_value(field, value, masked):
    assert audit.mask_value(field, value) == masked


def test_diff_masks_personal_fields_and_keeps_others():
    changes = audit.diff(
        {"phone": "13912345678", "id_number": "65430119900101123X", "names": "甲"},
        {"phone": "13987654321", "id_number": "65430119900101123X", "names": "乙"},
    )
    assert changes == {"phone": ["13*******78", "13*******21"], "names": ["甲", "乙"]}


def test_entry_written_inside_a_request_context_has_actor_ip_and_masked_changes(make_user):
    user = make_user("t_writer")
    token = context.activate(context.RequestContext(ip="198.51.100.7", on_behalf_of="people.resident:1"))
    try:
        entry = audit.audit_record(
            actor=user,
            action="tests.phone.changed",
            place_code="654301001001001",
            changes=audit.diff({"phone": "13912345678"}, {"phone": "13912340000"}),
        )
    finally:
        context.reset(token)
    entry.refresh_from_db()
    assert entry.actor == user
    assert entry.actor_label == "t_writer"
    assert entry.ip == "198.51.100.7"
    assert entry.on_behalf_of == "people.resident:1"
    assert entry.changes == {"phone": ["13*******78", "13*******00"]}
    assert "13912345678" not in str(entry.changes)


def test_service_called_through_a_request_records_actor_and_ip(client, make_user):
    """RequestContextMiddleware passes REMOTE_ADDR to the service's audit entry."""
    user = make_user("t_display")
    client.force_login(user)
    response = client.post("/display/large-text/", {"large_text": "1"}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="people.user.display_changed")
    assert entry.actor_id == user.pk
    assert entry.ip == "203.0.113.9"
    assert entry.object_type == "people.user"
    assert entry.object_id == str(user.pk)
    assert entry.changes == {"large_text": [False, True]}


def test_services_called_outside_a_request_record_no_ip(tree, make_user):
    admin = make_user("t_admin_ip", Role.ADMIN)
    user = make_user("t_target")
    role_assign(by=admin, user=user, role=Role.GRID_LEADER, place_code=tree.grids[0].code)
    entry = AuditEntry.objects.filter(action="people.role.assigned", actor=admin).get()
    assert entry.ip is None
    assert entry.place_code == tree.grids[0].code
    assert entry.changes == {"role": [None, "grid_leader"], "place_code": [None, tree.grids[0].code]}


def test_user_set_display_without_change_writes_nothing(make_user):
    user = make_user("t_same")
    user_set_display(user=user, large_text=False)
    assert not AuditEntry.objects.filter(action="people.user.display_changed").exists()
