"""Import users from a CSV or XLSX file (see docs/users-import.md).

Every row is validated on its own; valid rows are created or updated through the user
services (which write the audit entries), bad rows are refused with their reasons, and the
report lists every row. A file that cannot be read, or lacks a required column, changes
nothing. The whole import runs in one transaction, so a dry run is the real run rolled back:
it reports exactly what a real run would do.
"""

import csv
import io
import re
import typing
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Lower

from hdms.audit.services import audit_record
from hdms.core.archives import ArchiveRefused, NotAZip, ZipLimits, open_zip
from hdms.core.errors import DomainError, FileTooLarge, ValidationFailed
from hdms.core.roles import ApproverKind, Role
from hdms.core.text import is_blank, strip_bidi_controls
from hdms.users.models import Department, User
from hdms.users.rules import employee_code_problem
from hdms.users.services import user_create, user_update

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
# An XLSX is a zip; refuse one whose parts would inflate past this (a "zip bomb"). openpyxl
# holds the shared strings in memory: 16 MiB of short ones measured +107 MB, 8 MiB about half;
# a 5,000-row sheet is 1.9 MiB (docs/decisions.md, "Bombs"; DESIGN §7's 100 MB).
MAX_XLSX_UNCOMPRESSED_BYTES = 8 * 1024 * 1024
XLSX_LIMITS = ZipLimits(max_entries=1_000, max_entry_bytes=MAX_XLSX_UNCOMPRESSED_BYTES,
                        max_total_bytes=MAX_XLSX_UNCOMPRESSED_BYTES, max_ratio=200)
MAX_COLUMNS = 50
MAX_CELL_CHARS = 1000
BULK_LOCK_KEY = 0x48444D5355534552  # "HDMSUSER": the advisory lock shared by imports and SMS syncs

REQUIRED_COLUMNS = ("employee_code", "full_name", "role")
OPTIONAL_COLUMNS = ("email", "department", "is_approver", "approver_kind", "phone", "password", "is_active")
KNOWN_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

PHONE_RE = re.compile(r"^[0-9+()\- ]{3,32}$")
TRUE_WORDS = frozenset({"1", "true", "yes", "y", "t"})
FALSE_WORDS = frozenset({"0", "false", "no", "n", "f"})
CSV_DELIMITERS = (",", ";", "\t", "|")

RESULT_CREATED = "created"
RESULT_UPDATED = "updated"
RESULT_UNCHANGED = "unchanged"
RESULT_REFUSED = "refused"


@dataclass
class RowResult:
    row: int
    employee_code: str
    result: str
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "employee_code": self.employee_code, "result": self.result,
                "errors": list(self.errors)}


@dataclass
class ImportReport:
    dry_run: bool
    rows: list[RowResult] = field(default_factory=list)

    def count(self, result: str) -> int:
        return sum(1 for row in self.rows if row.result == result)

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "created": self.count(RESULT_CREATED),
            "updated": self.count(RESULT_UPDATED),
            "unchanged": self.count(RESULT_UNCHANGED),
            "refused": self.count(RESULT_REFUSED),
            "rows": [row.as_dict() for row in self.rows],
        }


# --------------------------------------------------------------------------- reading the file

def _unreadable(msg: str) -> ValidationFailed:
    return ValidationFailed(f"The file cannot be read: {msg}", errors=[{"loc": ["file"], "msg": msg}])


def _read_bounded(fileobj: typing.IO[bytes]) -> bytes:
    data = fileobj.read(MAX_IMPORT_BYTES + 1)
    if not isinstance(data, bytes | bytearray):
        raise _unreadable("expected binary content")
    if len(data) > MAX_IMPORT_BYTES:
        raise FileTooLarge(f"An import file may be at most {MAX_IMPORT_BYTES // (1024 * 1024)} MiB.")
    if not data.strip():
        raise _unreadable("the file is empty")
    return bytes(data)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        # Spreadsheets store numeric codes such as 1042 as floats.
        return str(int(value))
    return str(value).strip()


def _read_csv(data: bytes) -> list[list[str]]:
    if b"\x00" in data:
        raise _unreadable("this is not a text CSV file (save it as CSV UTF-8 or XLSX)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _unreadable("a CSV file must be UTF-8 encoded (save it as 'CSV UTF-8')") from exc
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    # The header names the columns, so the delimiter is whichever candidate splits it most.
    delimiter = max(CSV_DELIMITERS, key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        rows = []
        for record in reader:
            rows.append([cell.strip() for cell in record])
            if len(rows) > MAX_IMPORT_ROWS + 1:
                break
    except csv.Error as exc:
        raise _unreadable(f"malformed CSV ({exc})") from exc
    return rows


def _read_xlsx(data: bytes) -> list[list[str]]:
    import openpyxl  # imported lazily: only imports need it

    try:
        with open_zip(data, XLSX_LIMITS):
            pass  # the checks are in the opening: sizes, ratios and entry count before anything inflates
    except NotAZip as exc:
        raise _unreadable("corrupt XLSX file") from exc
    except ArchiveRefused as exc:
        raise _unreadable(f"{exc}") from exc
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many unrelated types for a damaged file
        raise _unreadable("corrupt XLSX file") from exc
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise _unreadable("the workbook has no sheet")
        rows = []
        for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            rows.append([_cell_text(value) for value in values])
            if len(rows) > MAX_IMPORT_ROWS + 1:
                break
    except DomainError:
        raise
    except Exception as exc:
        raise _unreadable("corrupt XLSX file") from exc
    finally:
        workbook.close()
    return rows


def _read_table(filename: str, data: bytes) -> list[list[str]]:
    """Rows of cells as text. The content decides the format; the name only refines the message."""
    name = (filename or "").lower()
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if name.endswith((".xlsx", ".xlsm")):
        raise _unreadable("corrupt XLSX file")
    if name.endswith(".xls") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _unreadable("old Excel (.xls) files are not supported; save it as XLSX or CSV UTF-8")
    return _read_csv(data)


def _normalise_header(cell: str) -> str:
    return re.sub(r"[\s\-]+", "_", cell.strip().lower())


def _header_index(header: list[str]) -> dict[str, int]:
    index: dict[str, int] = {}
    problems: list[tuple[str, str]] = []  # (column, what is wrong)
    for position, cell in enumerate(header):
        name = _normalise_header(cell)
        if name not in KNOWN_COLUMNS:
            continue  # unknown columns (notes, etc.) are ignored
        if name in index:
            problems.append((name, f"column {name} appears twice"))
        index[name] = position
    missing = [name for name in REQUIRED_COLUMNS if name not in index]
    problems += [(name, f"required column {name} is missing") for name in missing]
    if problems:
        raise ValidationFailed(
            "The file's header is not usable: " + "; ".join(message for _, message in problems),
            errors=[{"loc": ["file", name], "msg": message} for name, message in problems],
        )
    return index


# --------------------------------------------------------------------------- validating rows

@dataclass
class _Row:
    number: int
    cells: dict[str, str]  # only the columns present in the file

    def get(self, name: str) -> str | None:
        """The cell's text, or None when the column is absent or the cell blank (leave unchanged)."""
        value = self.cells.get(name, "")
        return value if value != "" else None


def _parse_bool(value: str | None, column: str, errors: list[str]) -> bool | None:
    if value is None:
        return None
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    errors.append(f"{column}: '{value[:40]}' is not yes/no (use true/false, yes/no or 1/0)")
    return None


def _validate_row(row: _Row, *, departments: dict[str, Department], existing: User | None,
                  by: Any) -> tuple[dict[str, Any], list[str]]:
    """The field values this row asks for, and its errors. Blank optional cells mean 'leave as is'."""
    errors: list[str] = []
    wanted: dict[str, Any] = {}
    for name, value in row.cells.items():
        if len(value) > MAX_CELL_CHARS:
            errors.append(f"{name}: longer than {MAX_CELL_CHARS} characters")
            row.cells[name] = value[:MAX_CELL_CHARS]

    code = row.get("employee_code") or ""
    problem = employee_code_problem(code)
    if problem:
        errors.append(f"employee_code: {problem}")

    full_name = strip_bidi_controls(row.get("full_name") or "").strip()
    if not full_name:
        errors.append("full_name: required")
    elif is_blank(full_name):
        errors.append("full_name: only invisible characters")
    elif len(full_name) > 150:
        errors.append("full_name: at most 150 characters")
    else:
        wanted["full_name"] = full_name

    role = (row.get("role") or "").lower()
    if not role:
        errors.append("role: required")
    elif role not in Role.values:
        errors.append(f"role: '{role[:40]}' is not one of {', '.join(Role.values)}")
    else:
        wanted["role"] = role

    email = row.get("email")
    if email is not None:
        try:
            if len(email) > 254:
                raise DjangoValidationError("too long")
            validate_email(email)
            wanted["email"] = email
        except DjangoValidationError:
            errors.append(f"email: '{email[:80]}' is not a valid email address")

    department_code = row.get("department")
    if department_code is not None:
        department = departments.get(department_code.upper())
        if department is None:
            errors.append(f"department: no department with code '{department_code[:40]}'")
        else:
            wanted["department_id"] = department.id

    phone = row.get("phone")
    if phone is not None:
        if PHONE_RE.match(phone):
            wanted["phone"] = phone
        else:
            errors.append("phone: 3-32 digits, spaces, '+', '-', '(' or ')'")

    is_active = _parse_bool(row.get("is_active"), "is_active", errors)
    if is_active is not None:
        wanted["is_active"] = is_active

    is_approver = _parse_bool(row.get("is_approver"), "is_approver", errors)
    approver_kind = row.get("approver_kind")
    if approver_kind is not None:
        approver_kind = approver_kind.lower()
        if approver_kind not in ApproverKind.values:
            errors.append(f"approver_kind: '{approver_kind[:40]}' is not one of {', '.join(ApproverKind.values)}")
            approver_kind = None
    # Approver rules apply to the user as the row leaves them (existing values fill blanks).
    final_approver = is_approver if is_approver is not None else bool(existing and existing.is_approver)
    final_kind = approver_kind or (existing.approver_kind if existing and existing.is_approver else None)
    if final_approver and not final_kind and not any(e.startswith("approver_kind") for e in errors):
        errors.append("approver_kind: required for an approver (finance or ceo)")
    if not final_approver and approver_kind:
        errors.append("approver_kind: given, but the user is not an approver (set is_approver to true)")
    if is_approver is not None:
        wanted["is_approver"] = is_approver
        wanted["approver_kind"] = final_kind if is_approver else None
    elif approver_kind:
        wanted["approver_kind"] = approver_kind

    password = row.get("password")
    if password is not None and existing is None:
        try:
            validate_password(password)
            wanted["password"] = password
        except DjangoValidationError as exc:
            errors.append("password: " + " ".join(exc.messages))

    changes_own_access = existing is not None and (
        wanted.get("role", existing.role) != existing.role or wanted.get("is_active") is False
    )
    if existing is not None and changes_own_access and getattr(by, "id", None) == existing.id:
        errors.append("you cannot change your own role or deactivate yourself through an import")
    return wanted, errors


def _changes_for(user: User, wanted: dict[str, Any]) -> dict[str, Any]:
    changes = {}
    for name, value in wanted.items():
        if name == "password":
            continue  # passwords only set on creation, see docs/users-import.md
        current = getattr(user, name)
        if current != value:
            changes[name] = value
    return changes


def _errors_of(exc: DomainError) -> list[str]:
    details = exc.extra.get("errors") or []
    messages = [f"{'.'.join(str(part) for part in e.get('loc', []))}: {e.get('msg')}" for e in details]
    return messages or [exc.detail]


# --------------------------------------------------------------------------- the import

def users_bulk_write_lock() -> None:
    """Serialise imports and SMS syncs (PostgreSQL): a second one waits, then sees the first's result.

    Call inside the transaction; the lock is released when it ends.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [BULK_LOCK_KEY])


def users_import(*, by: Any, filename: str, fileobj: typing.IO[bytes], dry_run: bool) -> ImportReport:
    data = _read_bounded(fileobj)
    table = _read_table(filename, data)
    # The header is the first non-blank row (usually row 1); row numbers stay the spreadsheet's.
    header_at = next((i for i, record in enumerate(table) if any(record)), None)
    if header_at is None:
        raise _unreadable("the file has no header row")
    index = _header_index(table[header_at])
    body = table[header_at + 1:]
    # Trailing blank rows are common in spreadsheets; they are not rows to report.
    while body and not any(body[-1]):
        body.pop()
    if len(body) > MAX_IMPORT_ROWS:
        raise ValidationFailed(
            f"An import may hold at most {MAX_IMPORT_ROWS} rows; split the file.",
            errors=[{"loc": ["file"], "msg": f"more than {MAX_IMPORT_ROWS} rows"}],
        )
    rows = []
    for offset, record in enumerate(body):
        if not any(record):
            continue  # a blank line in the middle is skipped, the numbering keeps the spreadsheet's
        cells = {name: (record[pos] if pos < len(record) else "") for name, pos in index.items()}
        rows.append(_Row(number=header_at + offset + 2, cells=cells))

    report = ImportReport(dry_run=dry_run)
    with transaction.atomic():
        users_bulk_write_lock()
        _apply_rows(rows, by=by, report=report)
        if dry_run:
            transaction.set_rollback(True)
        else:
            summary = report.as_dict()
            audit_record(action="user.import", actor=by, object_type="user_import", object_id="",
                         after={"filename": (filename or "")[:200],
                                **{k: summary[k] for k in ("created", "updated", "unchanged", "refused")}})
    return report


def _apply_rows(rows: list[_Row], *, by: Any, report: ImportReport) -> None:
    departments = {d.code.upper(): d for d in Department.objects.filter(is_active=True)}
    # employee codes are matched case-insensitively, as user_create does
    codes = {row.cells.get("employee_code", "").strip().lower() for row in rows} - {""}
    existing_by_code = {
        user.code_lower: user
        for user in User.all_objects.annotate(code_lower=Lower("employee_code")).filter(code_lower__in=codes)
    }
    seen: dict[str, int] = {}

    for row in rows:
        code = row.cells.get("employee_code", "").strip()
        existing = existing_by_code.get(code.lower()) if code else None
        wanted, errors = _validate_row(row, departments=departments, existing=existing, by=by)
        if code and code.lower() in seen:
            errors.insert(0, f"employee_code: {code} already appears in row {seen[code.lower()]} of this file")
        elif code:
            seen[code.lower()] = row.number
        if existing is not None and existing.is_deleted:
            errors.append("employee_code: belongs to a deleted user; restore that user first")
        if errors:
            report.rows.append(RowResult(row.number, code, RESULT_REFUSED, errors))
            continue
        report.rows.append(_write_row(row.number, code, existing, wanted, by=by))


def _write_row(number: int, code: str, existing: User | None, wanted: dict[str, Any], *, by: Any) -> RowResult:
    try:
        # A savepoint per row: a row refused by the service leaves the others intact.
        with transaction.atomic():
            if existing is None:
                is_active = wanted.pop("is_active", True)
                user = user_create(by=by, employee_code=code, **wanted)
                if not is_active:
                    user_update(by=by, user_id=user.id, is_active=False)
                return RowResult(number, code, RESULT_CREATED)
            changes = _changes_for(existing, wanted)
            if not changes:
                return RowResult(number, code, RESULT_UNCHANGED)
            user_update(by=by, user_id=existing.id, **changes)
            return RowResult(number, code, RESULT_UPDATED)
    except DomainError as exc:
        return RowResult(number, code, RESULT_REFUSED, _errors_of(exc))
    except IntegrityError:
        return RowResult(number, code, RESULT_REFUSED, ["employee_code: changed concurrently; import this row again"])


