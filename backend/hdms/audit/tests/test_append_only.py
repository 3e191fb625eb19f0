import pytest
from django.db import DatabaseError, connection, transaction

from hdms.audit.models import AuditEntry
from hdms.audit.services import audit_record


def _entry():
    return audit_record(action="test.event", object_type="thing", object_id="1", after={"a": 1})


def test_update_on_the_audit_table_fails_even_in_sql(postgres_only):
    entry = _entry()
    with pytest.raises(DatabaseError, match="cannot be updated"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET action = 'forged' WHERE id = %s", [entry.id])
    entry.refresh_from_db()
    assert entry.action == "test.event"


def test_delete_on_the_audit_table_fails_even_in_sql(postgres_only):
    entry = _entry()
    with pytest.raises(DatabaseError, match="cannot be deleted"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry.id])
    assert AuditEntry.objects.filter(id=entry.id).exists()


def test_orm_update_is_refused_too(postgres_only):
    entry = _entry()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(id=entry.id).update(reason="rewritten")


def test_archiving_is_the_one_allowed_change(postgres_only):
    entry = _entry()
    assert AuditEntry.objects.filter(id=entry.id).update(archived=True) == 1
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(id=entry.id).update(archived=False)
    entry.refresh_from_db()
    assert entry.archived is True


def test_entries_carry_request_id_and_ip_from_the_request(make_user, api):
    api().post("auth/login", {"employee_code": "nobody", "password": "x"}, HTTP_X_REQUEST_ID="req-42")
    entry = AuditEntry.objects.get(action="auth.login_failed")
    assert entry.request_id == "req-42"
    assert entry.ip == "127.0.0.1"


def test_entries_keep_the_actor_name_of_the_moment(make_user):
    actor = make_user(full_name="Nadia Before")
    entry = audit_record(action="test.named", actor=actor)
    actor.full_name = "Nadia After"
    actor.save()
    entry.refresh_from_db()
    assert (entry.actor_code, entry.actor_name) == (actor.employee_code, "Nadia Before")
