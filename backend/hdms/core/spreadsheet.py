"""Rows leaving the desk as CSV or XLSX: one place that keeps a spreadsheet from running a cell
as a formula (CSV injection) and streams or spools, so an export's memory does not grow with it."""

import csv
import json
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Cell = str | int | float | Decimal | datetime | bool | None


def cell_text(value: object) -> str:
    """A cell's text, with a leading quote where a spreadsheet would read a formula."""
    text = "" if value is None else (json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list)
                                     else str(value))
    return "'" + text if text[:1] in FORMULA_STARTS else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[object]], *, bom: bool = False) -> Iterator[str]:
    """CSV lines to stream; ``bom`` starts with a byte-order mark, so that Excel reads UTF-8 (Urdu) right."""
    writer = csv.writer(_Echo())
    yield ("\ufeff" if bom else "") + writer.writerow([cell_text(name) for name in header])
    for row in rows:
        yield writer.writerow([cell_text(value) for value in row])


def xlsx_file(header: Sequence[str], rows: Iterable[Sequence[Cell]], *, title: str,
              right_to_left: bool = False) -> IO[bytes]:
    """An XLSX workbook written row by row (openpyxl's write-only mode) into a spooled file, rewound.
    Text is neutralised as in CSV; numbers and times stay numbers and times (times without a zone,
    as Excel has none: give them in the desk's zone)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    if right_to_left:
        sheet.sheet_view.rightToLeft = True
    sheet.append([cell_text(name) for name in header])
    for row in rows:
        sheet.append([_xlsx_value(value) for value in row])
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - returned open
    workbook.save(spool)
    spool.seek(0)
    return spool


def _xlsx_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | Decimal | datetime):
        return value
    return cell_text(value)
