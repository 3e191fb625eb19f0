"""What a scheduled report holds and how it looks (DESIGN §11): a table made as the schedule's owner
sees the desk over the period, then a PDF (WeasyPrint; Urdu right to left in Noto Nastaliq Urdu)
or an XLSX workbook. Reads only; ``services/reports.py`` sends it."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils.html import escape

from hdms.communication.email_text import format_datetime
from hdms.core.spreadsheet import Cell, xlsx_file
from hdms.tickets import analytics, exports, selectors
from hdms.tickets.models import ReportKind, ReportSchedule

# A PDF is for reading: a view's report lists at most this many tickets (the XLSX all, up to the export bound).
PDF_ROW_LIMIT = 1000
RUN_HOUR = 7  # reports go out at 07:00 desk time: Mondays (weekly), the 1st (monthly)

TEXT: dict[str, dict[str, str]] = {
    "en": {
        ReportKind.SLA_WEEKLY: "SLA compliance per department",
        ReportKind.DEPARTMENT_SUMMARY: "Department summary",
        ReportKind.VIEW: "Tickets of the view “{view}”",
        "period": "{start} to {end}",
        "department": "Department", "none": "No department", "total": "Tickets", "open": "Open",
        "breached": "SLA breached", "first_breached": "First answer late", "resolution_breached": "Resolved late",
        "compliance": "Compliance %", "avg_hours": "Average hours to resolve", "rating": "Average rating",
        "cut": "The first {count} tickets are listed; the XLSX format has them all.",
        "empty": "Nothing in this period.",
        "subject": "HDMS report: {name}",
        "body": "Assalam-o-Alaikum,\n\nThe report “{name}” for {period} is attached.\n\nIdara Al-Khair Help Desk",
    },
    "ur": {
        ReportKind.SLA_WEEKLY: "ہر شعبے میں SLA کی پابندی",
        ReportKind.DEPARTMENT_SUMMARY: "شعبوں کا خلاصہ",
        ReportKind.VIEW: "منظر “{view}” کے ٹکٹ",
        "period": "{start} سے {end} تک",
        "department": "شعبہ", "none": "بغیر شعبہ", "total": "ٹکٹ", "open": "کھلے",
        "breached": "SLA سے تجاوز", "first_breached": "پہلا جواب تاخیر سے", "resolution_breached": "حل تاخیر سے",
        "compliance": "پابندی %", "avg_hours": "حل کے اوسط گھنٹے", "rating": "اوسط درجہ بندی",
        "cut": "پہلے {count} ٹکٹ درج ہیں؛ XLSX فائل میں سب ہیں۔",
        "empty": "اس مدت میں کچھ نہیں۔",
        "subject": "ایچ ڈی ایم ایس رپورٹ: {name}",
        "body": "السلام علیکم،\n\nرپورٹ “{name}” ({period}) منسلک ہے۔\n\nادارہ الخیر ہیلپ ڈیسک",
    },
}


@dataclass
class Table:
    title: str
    period: str
    header: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""
    language: str = "en"


def next_run(cadence: str, after: datetime) -> datetime:
    """The first run time after ``after``: the next Monday (weekly) or 1st (monthly) at 07:00 desk time."""
    tz = selectors.work_calendar().tz
    local = after.astimezone(tz)
    day = local.replace(hour=RUN_HOUR, minute=0, second=0, microsecond=0)
    if cadence == "monthly":
        day = day.replace(day=1)
        while day <= local:
            day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        return day
    day -= timedelta(days=day.weekday())
    while day <= local:
        day += timedelta(days=7)
    return day


def period_of(schedule: ReportSchedule, run_at: datetime) -> tuple[datetime, datetime]:
    """The week or month before ``run_at``."""
    if schedule.cadence == "monthly":
        local = run_at.astimezone(selectors.work_calendar().tz)
        start = (local.replace(day=1) - timedelta(days=1)).replace(day=1)
        return start, run_at
    return run_at - timedelta(days=7), run_at


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


Rows = list[list[Cell]]


def _department_summary(owner: Any, filters: dict[str, Any], text: dict[str, str]) -> tuple[list[str], Rows]:
    header = [text["department"], text["total"], text["open"], text["breached"], text["compliance"],
              text["avg_hours"], text["rating"]]
    rows: Rows = [
        [r["name"] or text["none"], r["total"], r["open"], r["breached"],
         _percent(r["total"] - r["breached"], r["total"]), r["avg_resolution_hours"], r["avg_rating"]]
        for r in analytics.analytics_by_department(user=owner, filters=filters)]
    return header, rows


def _sla_per_department(owner: Any, filters: dict[str, Any], text: dict[str, str]) -> tuple[list[str], Rows]:
    header = [text["department"], text["total"], text["breached"], text["first_breached"],
              text["resolution_breached"], text["compliance"]]
    counted = (analytics.scoped(owner, filters).filter(sla_started_at__isnull=False)
               .values("department__name")
               .annotate(total=Count("id"), breached=Count("id", filter=Q(sla_breached=True)),
                         first=Count("id", filter=Q(first_response_breached=True)),
                         resolution=Count("id", filter=Q(resolution_breached=True)))
               .order_by("department__name"))
    rows: list[list[Cell]] = [
        [r["department__name"] or text["none"], r["total"], r["breached"], r["first"], r["resolution"],
         _percent(r["total"] - r["breached"], r["total"])] for r in counted]
    return header, rows


def report_table(schedule: ReportSchedule, *, start: datetime, end: datetime, for_pdf: bool) -> Table:
    language = schedule.language
    text = TEXT[language]
    period = text["period"].format(start=format_datetime(start.astimezone(selectors.work_calendar().tz), language),
                                   end=format_datetime(end.astimezone(selectors.work_calendar().tz), language))
    owner = schedule.owner
    filters = {"created_after": start, "created_before": end, "department": None}
    if schedule.kind == ReportKind.VIEW and schedule.view is not None:
        title = text[ReportKind.VIEW].format(view=schedule.view.name)
        chosen = {**selectors.view_filters(schedule.view), "created_after": start, "created_before": end}
        tickets = selectors.ticket_list(user=owner, filters=chosen)
        limit = PDF_ROW_LIMIT if for_pdf else exports.EXPORT_LIMIT
        rows = [exports.row(ticket, language) for ticket in tickets[: limit + 1]]
        note = text["cut"].format(count=limit) if len(rows) > limit else ""
        return Table(title, period, exports.header(language), rows[:limit], note, language)
    if schedule.kind == ReportKind.SLA_WEEKLY:
        header, rows = _sla_per_department(owner, filters, text)
    else:
        header, rows = _department_summary(owner, filters, text)
    return Table(text[schedule.kind], period, header, rows, "", language)


def _cell(value: Cell, language: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return format_datetime(value, language)
    return str(value)


def render_pdf(table: Table) -> bytes:
    from weasyprint import HTML  # imported when a PDF is made: it loads Pango

    urdu = table.language == "ur"
    font = "'Noto Nastaliq Urdu', 'Noto Sans', sans-serif" if urdu else "'Noto Sans', 'DejaVu Sans', sans-serif"
    head = "".join(f"<th>{escape(name)}</th>" for name in table.header)
    body = "".join("<tr>" + "".join(f"<td>{escape(_cell(v, table.language))}</td>" for v in row) + "</tr>"
                   for row in table.rows)
    if not table.rows:
        body = f'<tr><td colspan="{len(table.header)}">{escape(TEXT[table.language]["empty"])}</td></tr>'
    note = f"<p>{escape(table.note)}</p>" if table.note else ""
    direction = "rtl" if urdu else "ltr"
    html = f"""<!doctype html><html lang="{table.language}" dir="{direction}"><head><meta charset="utf-8">
<style>@page {{ size: A4 landscape; margin: 14mm; }} body {{ font-family: {font}; font-size: 9pt; }}
h1 {{ font-size: 15pt; margin: 0 0 2mm; }} table {{ width: 100%; border-collapse: collapse; }}
th, td {{ border: 0.5pt solid #999; padding: 1.5mm; text-align: start; vertical-align: top; }}
th {{ background: #eee; }} {'body { line-height: 2; }' if urdu else ''}</style></head>
<body><h1>{escape(table.title)}</h1><p>{escape(table.period)}</p>{note}
<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></body></html>"""
    return HTML(string=html).write_pdf()


def render_xlsx(table: Table) -> bytes:
    notes: Rows = [[table.note]] if table.note else []
    lead: Rows = [[table.period], *notes, [], list(table.header)]
    spool = xlsx_file([table.title], [*lead, *table.rows], title=table.title, right_to_left=table.language == "ur")
    return spool.read()
