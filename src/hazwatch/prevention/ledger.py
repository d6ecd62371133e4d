"""Ledgers (台账) of the prevention loops: one table of rows, written to Excel (openpyxl) for
the file cabinet and the regulator, and shown as a print-ready page in the console, so the
two never disagree."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

#: Widest column written, in characters (long texts wrap).
MAX_WIDTH = 48


@dataclass(frozen=True)
class Ledger:
    title: str
    subtitle: str
    header: Sequence[str]
    rows: Sequence[Sequence[Any]]


def workbook(ledger: Ledger) -> bytes:
    """The ledger as an .xlsx file: title and subtitle above a bold, frozen header."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = ledger.title[:31]
    sheet.append([ledger.title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([ledger.subtitle])
    sheet.append(list(ledger.header))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A4"
    for row in ledger.rows:
        sheet.append(["" if value is None else value for value in row])
    for index, name in enumerate(ledger.header, start=1):
        values = [str(name), *(str(row[index - 1] or "") for row in ledger.rows)]
        width = min(MAX_WIDTH, max(len(value) for value in values) + 2)
        sheet.column_dimensions[get_column_letter(index)].width = max(width, 8)
    for row in sheet.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
