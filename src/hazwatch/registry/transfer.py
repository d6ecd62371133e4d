"""Registry import and export as CSV or Excel (openpyxl), with row-level error reports.

An import is all-or-nothing: every row is validated and checked inside the caller's unit of
work, and any error leaves the store unchanged; the report names the row (as a spreadsheet
user counts it: the header is row 1) and the field.
"""

from __future__ import annotations

import contextlib
import csv
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal
from hazwatch.core.errors import DomainError, InvalidInput
from hazwatch.registry import service
from hazwatch.registry.resources import Resource

FORMATS = (".csv", ".xlsx")


@dataclass(frozen=True)
class RowError:
    row: int
    field: str | None
    code: str
    params: dict[str, Any]


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def columns(resource: Resource) -> list[str]:
    return ["id", *resource.schema_in.model_fields]


def _cell(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def export_rows(session: Session, principal: Principal, resource: Resource) -> list[list[Any]]:
    names = columns(resource)
    rows = []
    for obj in service.list_objects(session, principal, resource, limit=1_000_000):
        dumped = resource.schema_out.model_validate(obj).model_dump()
        rows.append([_cell(dumped.get(name)) for name in names])
    return rows


def write(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    _check_format(path)
    if path.suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        return
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    book.save(path)


def read(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Rows as dictionaries keyed by header, numbered as the spreadsheet shows them."""
    _check_format(path)
    if path.suffix == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=2):
                yield number, dict(row)
        return
    book = load_workbook(path, read_only=True, data_only=True)
    sheet = book.active
    assert sheet is not None
    values = sheet.iter_rows(values_only=True)
    header = [str(h) if h is not None else "" for h in next(values, ())]
    for number, row in enumerate(values, start=2):
        if any(cell not in (None, "") for cell in row):
            yield number, dict(zip(header, row, strict=False))


def _check_format(path: Path) -> None:
    if path.suffix.lower() not in FORMATS:
        raise InvalidInput("registry.transfer.unknown_format", field="file", suffix=path.suffix)


def _parse(resource: Resource, raw: dict[str, Any]) -> dict[str, Any]:
    """Drop empty cells (so defaults apply) and decode JSON lists/objects."""
    data: dict[str, Any] = {}
    for name, value in raw.items():
        if value is None or value == "":
            continue
        if isinstance(value, str) and value[:1] in "[{":
            with contextlib.suppress(json.JSONDecodeError):
                value = json.loads(value)
        data[name] = value
    return data


def import_rows(
    session: Session, principal: Principal, resource: Resource, path: Path
) -> ImportReport:
    report = ImportReport()
    known = set(columns(resource))
    for number, raw in read(path):
        unknown = sorted(set(raw) - known)
        if unknown:
            report.errors.append(RowError(number, unknown[0], "registry.unknown_field", {}))
            continue
        data = _parse(resource, raw)
        ident = data.pop("id", None)
        try:
            with session.no_autoflush:
                if ident is not None and session.get(resource.model, int(ident)) is not None:
                    service.update_object(session, principal, resource, int(ident), data)
                    report.updated += 1
                else:
                    service.create_object(session, principal, resource, data)
                    report.created += 1
        except DomainError as exc:
            report.errors.append(RowError(number, exc.field, exc.code, exc.params))
    return report
