"""Users import from CSV and XLSX (hdms.users.importing), and its endpoint POST users/import."""

import io
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hdms.audit.models import AuditEntry
from hdms.core.errors import FileTooLarge, ValidationFailed
from hdms.testing.factories import DepartmentFactory, UserFactory
from hdms.users import importing
from hdms.users.importing import users_import
from hdms.users.models import User

HEADER = ["employee_code", "full_name", "role", "email", "department", "is_approver", "approver_kind"]
# The third data row (spreadsheet row 4) has a role that does not exist.
ROWS_WITH_BAD_THIRD = [
    ["T001", "Amina Khan", "requestor", "amina@idara.example", "IT", "", ""],
    ["T002", "Bilal Ahmed", "assignee", "bilal@idara.example", "IT", "no", ""],
    ["T003", "Chand Bibi", "superuser", "chand@idara.example", "FIN", "", ""],
    ["T004", "Danish Ali", "moderator", "", "FIN", "yes", "finance"],
]


def csv_bytes(rows: list[list[str]], header: list[str] = HEADER, delimiter: str = ",", bom: bool = False) -> bytes:
    lines = [delimiter.join(header)] + [delimiter.join(row) for row in rows]
    text = "\r\n".join(lines) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode()


def xlsx_bytes(rows: list[list[object]], header: list[str] = HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([None if cell == "" else cell for cell in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


FORMATS: dict[str, tuple[str, Callable[..., bytes]]] = {"csv": ("staff.csv", csv_bytes),
                                                        "xlsx": ("staff.xlsx", xlsx_bytes)}


def run(by, filename: str, data: bytes, *, dry_run: bool = False) -> dict:
    return users_import(by=by, filename=filename, fileobj=io.BytesIO(data), dry_run=dry_run).as_dict()


@pytest.fixture
def departments(db):
    return {"IT": DepartmentFactory(code="IT", name="IT"), "FIN": DepartmentFactory(code="FIN", name="Finance")}


@pytest.fixture
def admin(db):
    return UserFactory(employee_code="adm1", role="admin")


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_import_reports_bad_third_row_and_creates_the_others(fmt, admin, departments):
    filename, build = FORMATS[fmt]
    report = run(admin, filename, build(ROWS_WITH_BAD_THIRD))

    assert (report["created"], report["updated"], report["unchanged"], report["refused"]) == (3, 0, 0, 1)
    assert [(r["row"], r["employee_code"], r["result"]) for r in report["rows"]] == [
        (2, "T001", "created"), (3, "T002", "created"), (4, "T003", "refused"), (5, "T004", "created"),
    ]
    assert report["rows"][2]["errors"] == ["role: 'superuser' is not one of requestor, moderator, assignee, admin"]
    assert not User.objects.filter(employee_code="T003").exists()
    danish = User.objects.get(employee_code="T004")
    assert (danish.role, danish.department, danish.is_approver, danish.approver_kind) == (
        "moderator", departments["FIN"], True, "finance")
    assert User.objects.get(employee_code="T002").department == departments["IT"]
    created_audit = AuditEntry.objects.filter(action="user.create", actor_id=admin.id)
    assert created_audit.count() == 3
    assert AuditEntry.objects.filter(action="user.import").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_dry_run_reports_what_the_real_run_does_and_writes_nothing(fmt, admin, departments):
    UserFactory(employee_code="T002", full_name="Old Name", role="requestor")
    filename, build = FORMATS[fmt]
    data = build(ROWS_WITH_BAD_THIRD)
    users_before = sorted(User.objects.values_list("employee_code", "full_name", "role", "version"))
    audit_before = AuditEntry.objects.count()

    dry = run(admin, filename, data, dry_run=True)

    assert sorted(User.objects.values_list("employee_code", "full_name", "role", "version")) == users_before
    assert AuditEntry.objects.count() == audit_before
    real = run(admin, filename, data)
    assert dry["dry_run"] is True and real["dry_run"] is False
    assert {**dry, "dry_run": False} == real
    assert (real["created"], real["updated"], real["refused"]) == (2, 1, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("staff.csv", "employee_code,full_name,role\r\nT001,Zoë,requestor\r\n".encode("utf-16"), "not a text CSV"),
        ("staff.csv", "employee_code,full_name,role\nT001,Zoë,requestor\n".encode("latin-1"), "UTF-8"),
        ("staff.xlsx", b"PK\x03\x04" + b"\x00garbage" * 200, "corrupt XLSX"),
        ("staff.xlsx", b"employee_code,full_name,role\n", "corrupt XLSX"),
        ("staff.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".xls"),
        ("staff.csv", b"   \n", "empty"),
        ("staff.csv", b'employee_code,full_name,role\nT001,"unterminated\n', "malformed CSV"),
    ],
    ids=["utf16", "latin1", "corrupt-zip", "xlsx-name-csv-content", "old-xls", "empty", "bad-quote"],
)
def test_unreadable_file_is_refused_and_changes_nothing(filename, data, message, admin, departments):
    users_before = User.all_objects.count()
    audit_before = AuditEntry.objects.count()

    with pytest.raises(ValidationFailed) as caught:
        run(admin, filename, data)

    assert message in caught.value.detail
    assert caught.value.extra["errors"][0]["loc"] == ["file"]
    assert User.all_objects.count() == users_before
    assert AuditEntry.objects.count() == audit_before


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_missing_required_column_is_refused_and_changes_nothing(fmt, admin, departments):
    filename, build = FORMATS[fmt]
    header = ["employee_code", "full_name", "email"]  # no role
    data = build([["T001", "Amina Khan", "a@idara.example"]], header=header)
    users_before = User.all_objects.count()

    with pytest.raises(ValidationFailed) as caught:
        run(admin, filename, data)

    assert caught.value.extra["errors"] == [{"loc": ["file", "role"], "msg": "required column role is missing"}]
    assert User.all_objects.count() == users_before


@pytest.mark.django_db
def test_import_updates_existing_users_and_leaves_blank_cells_alone(admin, departments):
    kept = UserFactory(employee_code="T001", full_name="Amina K.", email="old@idara.example", role="requestor",
                       phone="0300 1234567")
    same = UserFactory(employee_code="T002", full_name="Bilal Ahmed", email="bilal@idara.example", role="assignee",
                       department=departments["IT"])
    rows = [
        ["t001", "Amina Khan", "assignee", "", "IT", "", ""],  # codes match case-insensitively
        ["T002", "Bilal Ahmed", "assignee", "bilal@idara.example", "IT", "", ""],
    ]
    report = run(admin, "staff.csv", csv_bytes(rows))

    assert [(r["result"], r["errors"]) for r in report["rows"]] == [("updated", []), ("unchanged", [])]
    kept.refresh_from_db()
    assert (kept.full_name, kept.role, kept.department, kept.email, kept.phone) == (
        "Amina Khan", "assignee", departments["IT"], "old@idara.example", "0300 1234567")
    assert kept.version == 2
    change = AuditEntry.objects.get(action="user.role_change", object_id=str(kept.id))
    assert (change.before["role"], change.after["role"], change.actor_id) == ("requestor", "assignee", admin.id)
    same.refresh_from_db()
    assert same.version == 1  # an unchanged row is not written


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing(admin, departments):
    data = csv_bytes(ROWS_WITH_BAD_THIRD)
    run(admin, "staff.csv", data)
    again = run(admin, "staff.csv", data)
    assert (again["created"], again["updated"], again["unchanged"], again["refused"]) == (0, 0, 3, 1)


@pytest.mark.django_db
def test_duplicate_codes_in_the_file_refuse_the_later_rows(admin, departments):
    rows = [["T001", "First", "requestor", "", "", "", ""],
            ["T002", "Other", "requestor", "", "", "", ""],
            ["T001", "Second", "assignee", "", "", "", ""]]
    report = run(admin, "staff.csv", csv_bytes(rows))

    assert [r["result"] for r in report["rows"]] == ["created", "created", "refused"]
    assert report["rows"][2]["errors"] == ["employee_code: T001 already appears in row 2 of this file"]
    assert User.objects.get(employee_code="T001").full_name == "First"


@pytest.mark.django_db
def test_each_bad_row_is_refused_with_its_reason(admin, departments):
    header = [*HEADER, "password", "is_active", "phone"]
    rows = [
        ["bad code!", "Name", "requestor", "", "", "", "", "", "", ""],
        ["T010", "", "requestor", "", "", "", "", "", "", ""],
        ["T011", "Name", "requestor", "not-an-email", "", "", "", "", "", ""],
        ["T012", "Name", "requestor", "", "NOPE", "", "", "", "", ""],
        ["T013", "Name", "requestor", "", "", "yes", "", "", "", ""],
        ["T014", "Name", "requestor", "", "", "", "ceo", "", "", ""],
        ["T015", "Name", "requestor", "", "", "maybe", "", "", "", ""],
        ["T016", "Name", "requestor", "", "", "", "", "short", "", ""],
        ["T017", "Name", "requestor", "", "", "", "", "", "sometimes", ""],
        ["T018", "Name", "requestor", "", "", "", "", "", "", "call me"],
        ["T019", "Name", "requestor", "", "", "yes", "treasurer", "", "", ""],
    ]
    report = run(admin, "staff.csv", csv_bytes(rows, header=header))

    errors = {r["row"]: r["errors"] for r in report["rows"]}
    assert report["refused"] == len(rows) and report["created"] == 0
    assert errors[2][0].startswith("employee_code: 1-32 letters")
    assert errors[3] == ["full_name: required"]
    assert errors[4] == ["email: 'not-an-email' is not a valid email address"]
    assert errors[5] == ["department: no department with code 'NOPE'"]
    assert errors[6] == ["approver_kind: required for an approver (finance or ceo)"]
    assert errors[7] == ["approver_kind: given, but the user is not an approver (set is_approver to true)"]
    assert errors[8][0].startswith("is_approver: 'maybe' is not yes/no")
    assert errors[9][0].startswith("password: This password is too short")
    assert errors[10][0].startswith("is_active: 'sometimes' is not yes/no")
    assert errors[11][0].startswith("phone:")
    assert errors[12] == ["approver_kind: 'treasurer' is not one of finance, ceo"]
    assert not User.objects.filter(employee_code__startswith="T01").exists()


@pytest.mark.django_db
def test_new_users_without_password_cannot_sign_in_until_one_is_set(admin, departments):
    header = ["employee_code", "full_name", "role", "password"]
    rows = [["T001", "No Password", "requestor", ""], ["T002", "Has Password", "requestor", "long-enough-1"]]
    report = run(admin, "staff.csv", csv_bytes(rows, header=header))

    assert report["created"] == 2
    assert not User.objects.get(employee_code="T001").has_usable_password()
    assert User.objects.get(employee_code="T002").check_password("long-enough-1")
    assert "long-enough-1" not in str(report)


@pytest.mark.django_db
def test_password_column_does_not_reset_existing_users(admin, departments):
    user = UserFactory(employee_code="T001", full_name="Kept", password="their-own-password")
    header = ["employee_code", "full_name", "role", "password"]
    report = run(admin, "staff.csv", csv_bytes([["T001", "Kept", "requestor", "imported-pass-1"]], header=header))

    assert report["rows"][0]["result"] == "unchanged"
    user.refresh_from_db()
    assert user.check_password("their-own-password")


@pytest.mark.django_db
def test_semicolon_csv_with_bom_and_odd_header_spelling_is_read(admin, departments):
    header = ["Employee Code", "Full Name", "ROLE", "Department", "notes"]
    data = csv_bytes([["T001", "Amina Khan", "Requestor", "it", "ignored column"]], header=header,
                     delimiter=";", bom=True)
    report = run(admin, "export.csv", data)

    assert report["created"] == 1, report
    user = User.objects.get(employee_code="T001")
    assert (user.full_name, user.role, user.department.code) == ("Amina Khan", "requestor", "IT")


@pytest.mark.django_db
def test_xlsx_numeric_codes_and_booleans_are_read_as_text(admin, departments):
    data = xlsx_bytes([[1042, "Numeric Code", "requestor", "", "", True, "ceo"]])
    report = run(admin, "staff.xlsx", data)

    assert report["rows"][0]["employee_code"] == "1042" and report["created"] == 1, report
    user = User.objects.get(employee_code="1042")
    assert (user.is_approver, user.approver_kind) == (True, "ceo")


@pytest.mark.django_db
def test_blank_lines_keep_spreadsheet_row_numbers(admin, departments):
    data = b"employee_code,full_name,role\nT001,A,requestor\n,,\nT002,B,bogus\n\n\n"
    report = run(admin, "staff.csv", data)
    assert [(r["row"], r["result"]) for r in report["rows"]] == [(2, "created"), (4, "refused")]


@pytest.mark.django_db
def test_is_active_column_creates_and_deactivates(admin, departments):
    existing = UserFactory(employee_code="T002", full_name="Leaving", role="requestor")
    header = ["employee_code", "full_name", "role", "is_active"]
    rows = [["T001", "Never Active", "requestor", "no"], ["T002", "Leaving", "requestor", "false"]]
    report = run(admin, "staff.csv", csv_bytes(rows, header=header))

    assert [r["result"] for r in report["rows"]] == ["created", "updated"]
    assert User.objects.get(employee_code="T001").is_active is False
    existing.refresh_from_db()
    assert existing.is_active is False


@pytest.mark.django_db
def test_import_cannot_change_the_importers_own_role(admin, departments):
    report = run(admin, "staff.csv", csv_bytes([["adm1", "Admin", "requestor", "", "", "", ""]]))
    assert report["rows"][0]["result"] == "refused"
    assert "your own role" in report["rows"][0]["errors"][0]
    admin.refresh_from_db()
    assert admin.role == "admin"


@pytest.mark.django_db
def test_deleted_users_code_is_refused_not_resurrected(admin, departments):
    gone = UserFactory(employee_code="T001", full_name="Gone", is_deleted=True)
    report = run(admin, "staff.csv", csv_bytes([["T001", "Back Again", "requestor", "", "", "", ""]]))
    assert report["rows"][0]["result"] == "refused"
    gone.refresh_from_db()
    assert (gone.full_name, gone.is_deleted) == ("Gone", True)


@pytest.mark.django_db
def test_oversized_file_and_too_many_rows_are_refused(admin, departments, monkeypatch):
    monkeypatch.setattr(importing, "MAX_IMPORT_BYTES", 1000)
    with pytest.raises(FileTooLarge):
        run(admin, "staff.csv", b"employee_code,full_name,role\n" + b"T001,A,requestor\n" * 100)
    monkeypatch.setattr(importing, "MAX_IMPORT_BYTES", 5 * 1024 * 1024)
    monkeypatch.setattr(importing, "MAX_IMPORT_ROWS", 10)
    with pytest.raises(ValidationFailed, match="at most 10 rows"):
        run(admin, "staff.csv", csv_bytes([[f"T{n:03d}", "A", "requestor", "", "", "", ""] for n in range(11)]))
    assert not User.objects.filter(employee_code__startswith="T0").exists()


# --------------------------------------------------------------------------- the endpoint

@pytest.mark.django_db
def test_import_endpoint_reports_rows_and_honours_dry_run(api, admin, departments):
    client = api(admin)
    upload = SimpleUploadedFile("staff.csv", csv_bytes(ROWS_WITH_BAD_THIRD))
    dry = client.post_multipart("users/import", {"file": upload, "dry_run": "true"})
    assert dry.status_code == 200, dry.content
    assert (dry.json()["dry_run"], dry.json()["created"], dry.json()["refused"]) == (True, 3, 1)
    assert not User.objects.filter(employee_code__startswith="T00").exists()

    real = client.post_multipart("users/import", {"file": SimpleUploadedFile("staff.xlsx",
                                                                             xlsx_bytes(ROWS_WITH_BAD_THIRD))})
    assert real.status_code == 200, real.content
    body = real.json()
    assert (body["dry_run"], body["created"], body["refused"]) == (False, 3, 1)
    assert body["rows"][2] == {"row": 4, "employee_code": "T003", "result": "refused",
                               "errors": ["role: 'superuser' is not one of requestor, moderator, assignee, admin"]}
    assert User.objects.filter(employee_code__startswith="T00").count() == 3


@pytest.mark.django_db
def test_import_endpoint_refuses_unreadable_file_with_validation_error(api, admin, departments):
    response = api(admin).post_multipart("users/import", {"file": SimpleUploadedFile("staff.csv", b"\x00\x01\x02")})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["moderator", "assignee", "requestor"])
def test_import_endpoint_is_for_admins_only(api, role, departments):
    user = UserFactory(role=role)
    response = api(user).post_multipart("users/import", {"file": SimpleUploadedFile("staff.csv",
                                                                                    csv_bytes(ROWS_WITH_BAD_THIRD))})
    assert response.status_code == 403
    assert not User.objects.filter(employee_code__startswith="T00").exists()


@pytest.mark.django_db
def test_blank_rows_above_the_header_are_skipped(admin, departments):
    data = b"\n,,\nemployee_code,full_name,role\nT001,A,requestor\nT002,B,nope\n"
    report = run(admin, "staff.csv", data)
    assert [(r["row"], r["result"]) for r in report["rows"]] == [(4, "created"), (5, "refused")]


@pytest.mark.django_db
def test_an_xlsx_inflated_in_one_call_or_with_too_many_parts_is_refused_before_openpyxl(admin, departments):
    """Zip bombs (issue 10): only stored or deflated parts (zipfile inflates lzma in one call),
    at most 1,000 parts; nothing is imported."""
    normal = xlsx_bytes([["T001", "Amina Khan", "requestor", "", "IT", "", ""]])
    with zipfile.ZipFile(io.BytesIO(normal)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    lzma, crowded = io.BytesIO(), io.BytesIO()
    with zipfile.ZipFile(lzma, "w", zipfile.ZIP_LZMA) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    with zipfile.ZipFile(crowded, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        for number in range(1_500):
            archive.writestr(f"xl/media/e{number}.bin", b"")

    with pytest.raises(ValidationFailed, match="compression method"):
        run(admin, "staff.xlsx", lzma.getvalue())
    with pytest.raises(ValidationFailed, match="at most 1,000"):
        run(admin, "staff.xlsx", crowded.getvalue())
    assert not User.objects.filter(employee_code="T001").exists()


def _shared_strings_bomb(strings: int) -> bytes:
    """A workbook whose sharedStrings.xml holds ``strings`` short strings (18 bytes of XML each,
    one Python object each once openpyxl reads them); it packs about 1,000 to 1."""
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "employee_code"
    out = io.BytesIO()
    workbook.save(out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.sharedStrings+xml"/></Types>'))
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(b"</Relationships>", (
        b'<Relationship Id="rIdSS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'sharedStrings" Target="sharedStrings.xml"/></Relationships>'))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        with archive.open("xl/sharedStrings.xml", "w") as part:
            part.write(b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
                       b'spreadsheetml/2006/main">')
            block = b"<si><t>aa</t></si>" * 50_000
            for _ in range(strings // 50_000):
                part.write(block)
            part.write(b"</sst>")
    return bomb.getvalue()


def test_reading_a_shared_strings_bomb_stays_within_100_mb(tmp_path):
    """60 MiB of shared strings in a 70 KB file: under the old 64 MiB limit openpyxl built 3.5
    million strings. Measured in a fresh process (VmHWM over idle), DESIGN §7's 100 MB."""
    bomb = tmp_path / "staff.xlsx"
    bomb.write_bytes(_shared_strings_bomb(3_500_000))
    assert bomb.stat().st_size < importing.MAX_IMPORT_BYTES
    script = (
        "import io, json, sys, django; django.setup()\n"
        "import openpyxl\n"
        "from hdms.users.importing import users_import\n"
        "def kib(field):\n"
        "    return next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith(field + ':'))\n"
        "idle = kib('VmRSS')\n"
        "try:\n"
        "    users_import(by=None, filename='staff.xlsx', fileobj=open(sys.argv[1], 'rb'), dry_run=True)\n"
        "    outcome = 'ok'\n"
        "except Exception as exc:\n"
        "    outcome = f'{type(exc).__name__}: {exc}'\n"
        "print(json.dumps({'growth_kib': kib('VmHWM') - idle, 'outcome': outcome}))\n"
    )
    backend = Path(__file__).resolve().parents[3]
    done = subprocess.run([sys.executable, "-c", script, str(bomb)], cwd=backend, capture_output=True, timeout=300,
                          env={**os.environ, "DJANGO_SETTINGS_MODULE": "hdms.settings.test"},
                          check=False)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    report = json.loads(done.stdout.decode().strip().splitlines()[-1])

    assert report["outcome"].startswith("ValidationFailed: The file cannot be read"), report
    assert report["growth_kib"] < 100 * 1024, report


@pytest.mark.django_db
def test_import_refuses_invisible_names_and_removes_bidi_controls(admin, departments):
    rows = [["T010", "\u200b\u3164", "requestor", "", "IT", "", ""],
            ["T011", "Zara \u202eilA\u202c", "requestor", "", "IT", "", ""]]
    report = run(admin, "staff.csv", csv_bytes(rows))
    assert [r["result"] for r in report["rows"]] == ["refused", "created"]
    assert report["rows"][0]["errors"] == ["full_name: only invisible characters"]
    assert User.objects.get(employee_code="T011").full_name == "Zara ilA"
