"""Ticket lists leaving the desk (DESIGN §11): ``GET reports/tickets.csv`` and ``.xlsx`` take
``GET tickets``' filters (or a saved view) and its visibility, so an export holds exactly the rows
the same person sees in the list, in the same order. Headers and labels in the reader's language."""

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import IO, Any

from hdms.communication.email_text import PRIORITY_UR, STATUS_UR, language_of
from hdms.core.errors import ValidationFailed
from hdms.core.spreadsheet import Cell, csv_lines, xlsx_file
from hdms.tickets import selectors
from hdms.tickets.models import Priority, Ticket, TicketStatus

# Beyond this an export is refused (narrow the filters): a bound on the time and memory of one request.
EXPORT_LIMIT = 100_000

COLUMNS: tuple[tuple[str, str, str], ...] = (  # key, English header, Urdu header
    ("number", "Number", "نمبر"),
    ("title", "Title", "عنوان"),
    ("status", "Status", "حالت"),
    ("priority", "Priority", "ترجیح"),
    ("department", "Department", "شعبہ"),
    ("category", "Category", "زمرہ"),
    ("requestor_code", "Requestor code", "درخواست گزار کوڈ"),
    ("requestor", "Requestor", "درخواست گزار"),
    ("assignee", "Assignee", "ذمہ دار"),
    ("created_at", "Created", "تاریخِ اندراج"),
    ("updated_at", "Updated", "آخری تبدیلی"),
    ("sla_due", "SLA due", "SLA کی حد"),
    ("sla_breached", "SLA breached", "SLA سے تجاوز"),
    ("resolved_at", "Resolved", "حل ہونے کا وقت"),
    ("amount", "Amount", "رقم"),
    ("rating", "Rating", "درجہ بندی"),
    ("form", "Request form", "درخواست فارم"),
    ("description", "Description", "تفصیل"),
)
YES_NO = {"en": ("Yes", "No"), "ur": ("ہاں", "نہیں")}


def export_filters(*, user: Any, filters: dict[str, Any], view_id: Any = None) -> dict[str, Any]:
    """The list's filters: a saved view's own, with the parameters given beside it on top."""
    chosen = {name: value for name, value in filters.items() if value is not None and name != "cursor"}
    if view_id is None:
        return chosen
    return {**selectors.view_filters(selectors.view_get_visible(user=user, view_id=view_id)), **chosen}


def export_tickets(*, user: Any, filters: dict[str, Any]) -> list[Ticket] | Iterator[Ticket]:
    """The rows, after checking there are at most ``EXPORT_LIMIT`` (422 otherwise, nothing sent)."""
    qs = selectors.ticket_list(user=user, filters=filters).select_related("form_category")
    if qs[EXPORT_LIMIT:EXPORT_LIMIT + 1].exists():
        raise ValidationFailed(f"More than {EXPORT_LIMIT:,} tickets match; narrow the filters to export them.",
                               errors=[{"loc": ["query", "filters"], "msg": "too many tickets to export",
                                        "code": "too_large", "params": {"max": EXPORT_LIMIT}}])
    return qs.iterator(chunk_size=2000)


def header(language: str) -> list[str]:
    return [ur if language == "ur" else en for _, en, ur in COLUMNS]


def _local(value: datetime | None) -> datetime | None:
    """Desk time without a zone (what a spreadsheet can hold; the header says it is desk time)."""
    return value.astimezone(selectors.work_calendar().tz).replace(tzinfo=None) if value else None


def row(ticket: Ticket, language: str) -> list[Cell]:
    urdu = language == "ur"
    yes, no = YES_NO[language]
    status, priority = ticket.status, ticket.priority
    return [
        ticket.number, ticket.title,
        STATUS_UR.get(status, status) if urdu else TicketStatus(status).label,
        PRIORITY_UR.get(priority, priority) if urdu else Priority(priority).label,
        ticket.department.name if ticket.department else None, ticket.category or None,
        ticket.requestor.employee_code, ticket.requestor.full_name,
        ticket.assignee.full_name if ticket.assignee else None,
        _local(ticket.created_at), _local(ticket.updated_at), _local(ticket.resolution_due),
        yes if ticket.sla_breached else no, _local(ticket.resolved_at),
        ticket.amount, ticket.rating, form_text(ticket, language), ticket.description,
    ]


def form_text(ticket: Ticket, language: str) -> str | None:
    """The request form the ticket was filed with, in one cell: "Payment — Amount: 15000.50; Cost
    centre: IT" (labels in the reader's language; fields left empty are left out). One cell, not a
    column per field: the rows of one export come from many forms and are written as they are read."""
    form = selectors.form_payload(ticket)
    if form is None:
        return None
    urdu = language == "ur"
    parts = [f"{(field['label_ur'] if urdu else '') or field['label_en']}: {field['value']}"
             for field in form["fields"] if field["value"] not in (None, "")]
    name = (form["name_ur"] if urdu else "") or form["name_en"]
    return f"{name} — {'; '.join(parts)}" if parts else name


def _text(value: Cell) -> object:
    return value.isoformat(sep=" ", timespec="minutes") if isinstance(value, datetime) else value


def tickets_csv(*, user: Any, filters: dict[str, Any]) -> Iterator[str]:
    language = language_of(user)
    tickets = export_tickets(user=user, filters=filters)
    rows: Iterator[Sequence[object]] = ([_text(value) for value in row(t, language)] for t in tickets)
    return csv_lines(header(language), rows, bom=True)


def tickets_xlsx(*, user: Any, filters: dict[str, Any]) -> IO[bytes]:
    language = language_of(user)
    tickets = export_tickets(user=user, filters=filters)
    return xlsx_file(header(language), (row(t, language) for t in tickets), title="Tickets",
                     right_to_left=language == "ur")
