"""Sync from the School Management System (hdms.users.sms) against a local server playing the SMS."""

import pytest

from hdms.audit.models import AuditEntry
from hdms.core.errors import ServiceUnavailable
from hdms.testing.factories import DepartmentFactory, UserFactory
from hdms.users.models import User
from hdms.users.sms import users_sync_from_sms
from hdms.users.tests.sms_server import TOKEN, FakeSms


@pytest.fixture
def sms(settings):
    server = FakeSms().start()
    settings.SMS_BASE_URL = server.base_url
    settings.SMS_TOKEN = TOKEN
    settings.SMS_TIMEOUT = 2.0
    settings.SMS_RETRIES = 2
    settings.SMS_BACKOFF = 0.01
    yield server
    server.stop()


@pytest.fixture
def departments(db):
    return {"IT": DepartmentFactory(code="IT", name="IT"), "FIN": DepartmentFactory(code="FIN", name="Finance")}


@pytest.fixture
def admin(db):
    return UserFactory(employee_code="adm1", role="admin")


def snapshot() -> list[tuple]:
    return sorted(User.all_objects.values_list("employee_code", "full_name", "email", "department__code",
                                               "role", "is_active", "sms_external_id", "version"))


@pytest.fixture
def school(sms, departments):
    """An SMS with five employees over three pages, and HDMS users matching some of them."""
    UserFactory(employee_code="S002", full_name="Bilal Old", email="old@idara.example", role="assignee",
                department=departments["IT"])
    UserFactory(employee_code="S003", full_name="Chand Bibi", email="chand@idara.example", role="moderator",
                sms_external_id="sms-3")
    sms.employee("sms-1", "S001", "Amina Khan", email="amina@idara.example", department="IT", phone="0300 1111111")
    sms.employee("sms-2", "S002", "Bilal Ahmed", email="bilal@idara.example", department="FIN")
    sms.employee("sms-3", "S003", "Chand Bibi", email="chand@idara.example", status="inactive")
    sms.employee("sms-4", "S004", "Danish Ali", department="FIN")
    sms.employee("sms-5", "S005", "Erum Left", status="inactive")
    return sms


@pytest.mark.django_db
def test_sync_creates_updates_and_deactivates_across_pages(school, admin, departments):
    report = users_sync_from_sms(by=admin).as_dict()

    assert report == {"created": 2, "updated": 1, "deactivated": 1, "unchanged": 1, "refused": 0, "errors": []}
    amina = User.objects.get(employee_code="S001")
    assert (amina.full_name, amina.email, amina.department, amina.role, amina.sms_external_id, amina.phone) == (
        "Amina Khan", "amina@idara.example", departments["IT"], "requestor", "sms-1", "0300 1111111")
    assert not amina.has_usable_password()
    bilal = User.objects.get(employee_code="S002")
    assert (bilal.full_name, bilal.email, bilal.department, bilal.role) == (
        "Bilal Ahmed", "bilal@idara.example", departments["FIN"], "assignee")  # role set in HDMS is kept
    chand = User.objects.get(employee_code="S003")
    assert (chand.is_active, chand.role, chand.is_deleted) == (False, "moderator", False)
    assert not User.all_objects.filter(employee_code="S005").exists()
    pages = [request["page"] for request in school.state.requests]
    assert pages == ["1", "2", "3"]
    assert {request["authorization"] for request in school.state.requests} == {f"Bearer {TOKEN}"}
    assert AuditEntry.objects.filter(action="user.create", actor_id=admin.id).count() == 2
    assert AuditEntry.objects.filter(action="user.sms_sync").count() == 1


@pytest.mark.django_db
def test_second_sync_changes_nothing(school, admin):
    users_sync_from_sms(by=admin)
    before = snapshot()

    report = users_sync_from_sms(by=admin).as_dict()

    assert (report["created"], report["updated"], report["deactivated"], report["unchanged"]) == (0, 0, 0, 5)
    assert snapshot() == before


@pytest.mark.django_db
def test_linked_user_is_matched_by_sms_id_even_when_the_code_differs(sms, admin, departments):
    user = UserFactory(employee_code="HD-77", full_name="Old", role="assignee", sms_external_id="sms-77")
    sms.employee("sms-77", "SMS-77", "New Name", department="IT")

    report = users_sync_from_sms(by=admin).as_dict()

    assert (report["created"], report["updated"]) == (0, 1)
    user.refresh_from_db()
    # The HDMS login code stays; the rest follows the SMS.
    assert (user.employee_code, user.full_name, user.department, user.role) == (
        "HD-77", "New Name", departments["IT"], "assignee")


@pytest.mark.django_db
def test_sync_never_reactivates_a_user_deactivated_in_hdms(sms, admin):
    user = UserFactory(employee_code="S001", full_name="Amina Khan", sms_external_id="sms-1", is_active=False)
    sms.employee("sms-1", "S001", "Amina Khan")

    report = users_sync_from_sms(by=admin).as_dict()

    assert report["unchanged"] == 1
    user.refresh_from_db()
    assert user.is_active is False


@pytest.mark.django_db
def test_bad_records_are_refused_and_the_rest_applied(sms, admin, departments):
    UserFactory(employee_code="S009", sms_external_id="sms-other")
    sms.employee("sms-1", "S001", "Amina Khan", department="NOPE")
    sms.employee("sms-2", "S002", "", department="IT")
    sms.employee("sms-3", "S003", "Good One", email="not-an-email")
    sms.employee("sms-4", "S004", "Fine", department="IT")
    sms.employee("sms-4", "S004", "Fine Twice", department="IT")
    sms.employee("sms-9", "S009", "Code Taken")
    sms.state.employees.append({"id": "sms-6", "employee_code": ["S006"], "full_name": "Typed Wrong",
                                "status": "active"})

    report = users_sync_from_sms(by=admin).as_dict()

    assert (report["created"], report["refused"]) == (1, 6)
    assert User.objects.get(employee_code="S004").full_name == "Fine"
    errors = "\n".join(report["errors"])
    assert "S001 (SMS id sms-1): department_code: no HDMS department with code 'NOPE'" in errors
    assert "S002 (SMS id sms-2): full_name: required" in errors
    assert "S003 (SMS id sms-3): email: not a valid address" in errors
    assert "S004 (SMS id sms-4): listed twice" in errors
    assert "S009 (SMS id sms-9): employee_code: already linked to SMS record sms-other" in errors
    assert "sms-6" in errors and "wrong type" in errors
    assert not User.objects.filter(employee_code__in=["S001", "S002", "S003", "S006"]).exists()


@pytest.mark.django_db
def test_wrong_token_is_service_unavailable_and_changes_nothing(school, admin, settings):
    settings.SMS_TOKEN = "not-the-token"
    before = snapshot()

    with pytest.raises(ServiceUnavailable, match="refused our token"):
        users_sync_from_sms(by=admin)

    assert snapshot() == before
    assert len(school.state.requests) == 1  # a refused token is not retried
    assert school.state.requests[0]["authorization"] == "Bearer not-the-token"


@pytest.mark.django_db
def test_outage_is_service_unavailable_and_changes_nothing(school, admin):
    school.stop()
    before = snapshot()
    audit_before = AuditEntry.objects.count()

    with pytest.raises(ServiceUnavailable, match="cannot connect"):
        users_sync_from_sms(by=admin)

    assert snapshot() == before
    assert AuditEntry.objects.count() == audit_before


@pytest.mark.django_db
def test_failure_on_a_later_page_changes_nothing(school, admin):
    school.state.broken_pages = {2}
    before = snapshot()

    with pytest.raises(ServiceUnavailable, match="HTTP 500"):
        users_sync_from_sms(by=admin)

    assert snapshot() == before  # page 1 was read, but nothing of it was applied
    assert [r["page"] for r in school.state.requests] == ["1", "2", "2", "2"]  # 2 retries


@pytest.mark.django_db
def test_transient_errors_are_retried(school, admin):
    school.state.transient_failures = 2

    report = users_sync_from_sms(by=admin).as_dict()

    assert report["created"] == 2
    assert [r["page"] for r in school.state.requests] == ["1", "1", "1", "2", "3"]


@pytest.mark.django_db
def test_slow_sms_times_out_as_service_unavailable(school, admin, settings):
    settings.SMS_TIMEOUT = 0.2
    settings.SMS_RETRIES = 1
    school.state.delay = 0.6
    before = snapshot()

    with pytest.raises(ServiceUnavailable, match="timed out"):
        users_sync_from_sms(by=admin)

    assert snapshot() == before


@pytest.mark.django_db
def test_non_json_answer_is_service_unavailable(school, admin):
    school.state.garbage_pages = {3}
    before = snapshot()
    with pytest.raises(ServiceUnavailable, match="not JSON"):
        users_sync_from_sms(by=admin)
    assert snapshot() == before


@pytest.mark.django_db
def test_next_link_to_another_host_is_not_followed(school, admin):
    school.state.next_url_override = "http://attacker.example/api/employees?page=2"
    with pytest.raises(ServiceUnavailable, match="another host"):
        users_sync_from_sms(by=admin)
    assert len(school.state.requests) == 1


@pytest.mark.django_db
def test_unconfigured_bridge_is_service_unavailable(admin, settings):
    settings.SMS_BASE_URL = ""
    with pytest.raises(ServiceUnavailable, match="not configured"):
        users_sync_from_sms(by=admin)


# --------------------------------------------------------------------------- the endpoint

@pytest.mark.django_db
def test_sync_endpoint_returns_the_report(api, school, admin):
    response = api(admin).post("users/sync")
    assert response.status_code == 200, response.content
    body = response.json()
    assert {k: body[k] for k in ("created", "updated", "deactivated", "unchanged", "refused", "status", "dry_run")} \
        == {"created": 2, "updated": 1, "deactivated": 1, "unchanged": 1, "refused": 0, "status": "ok",
            "dry_run": False}
    assert sorted(row["outcome"] for row in body["rows"]) == ["created", "created", "deactivated", "updated"]


@pytest.mark.django_db
def test_sync_endpoint_answers_503_during_an_outage(api, school, admin):
    school.stop()
    before = snapshot()
    response = api(admin).post("users/sync")
    assert response.status_code == 503
    assert response.json()["code"] == "service_unavailable"
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["moderator", "assignee", "requestor"])
def test_sync_endpoint_is_for_admins_only(api, school, role):
    response = api(UserFactory(role=role)).post("users/sync")
    assert response.status_code == 403
    assert school.state.requests == []


@pytest.mark.django_db(transaction=True)
def test_parallel_syncs_create_each_user_once(postgres_only, school, admin):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    def sync() -> dict:
        try:
            return users_sync_from_sms(by=admin).as_dict()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=3) as pool:
        reports = list(pool.map(lambda _: sync(), range(3)))

    assert sorted(r["created"] for r in reports) == [0, 0, 2]
    assert sum(r["refused"] for r in reports) == 0
    assert User.objects.filter(employee_code__in=["S001", "S004"]).count() == 2
