"""Inbound import of organisations from a city registry file (CSV or Excel; issue 15 item 8).

A dry run reports every row before anything is stored: new, already registered (a
duplicate: same unified social credit code, name and jurisdiction), a duplicate within the
file, a conflict (the code is registered under another name or jurisdiction, or the name
under another code) or invalid (with the field and reason). Applying stores the new rows
only through the registry service (validated and audited like a form), and refuses the
whole file while a conflict or an invalid row remains, unless told to skip them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal, Role
from hazwatch.core.errors import Conflict, DomainError, Forbidden, InvalidInput
from hazwatch.registry import credit_code
from hazwatch.registry import service as registry
from hazwatch.registry.models import Jurisdiction, Organisation
from hazwatch.registry.resources import RESOURCES
from hazwatch.registry.scope import jurisdiction_subtree

#: The city registry's columns (the name and the code are required; the rest optional).
COLUMNS = (
    "name",
    "credit_code",
    "kind",
    "jurisdiction_code",
    "address",
    "industry",
    "principal_name",
    "principal_phone",
)
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024


@dataclass
class RowReport:
    row: int
    status: str  # new | duplicate | duplicate_in_file | conflict | invalid
    name: str
    credit_code: str
    field: str | None = None
    reason: str = ""
    existing_id: int | None = None
    created_id: int | None = None


@dataclass
class ImportReport:
    applied: bool
    rows: list[RowReport] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)


def _rows(filename: str, data: bytes) -> list[tuple[int, dict[str, Any]]]:
    if len(data) > MAX_BYTES:
        raise InvalidInput("supervision.import.too_large", field="file")
    lower = filename.lower()
    if lower.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidInput("supervision.import.not_utf8", field="file") from None
        reader = csv.DictReader(io.StringIO(text))
        rows = [(n, dict(r)) for n, r in enumerate(reader, start=2)]
        header = reader.fieldnames or []
    elif lower.endswith(".xlsx"):
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a file that is not a workbook
            raise InvalidInput("supervision.import.unreadable", field="file") from None
        sheet = book.active
        values = sheet.iter_rows(values_only=True) if sheet is not None else iter(())
        header = [str(h) if h is not None else "" for h in next(values, ())]
        rows = [
            (n, dict(zip(header, r, strict=False)))
            for n, r in enumerate(values, start=2)
            if any(c not in (None, "") for c in r)
        ]
    else:
        raise InvalidInput("supervision.import.unknown_format", field="file")
    missing = [c for c in ("name", "credit_code") if c not in header]
    if missing:
        raise InvalidInput("supervision.import.missing_column", field="file", column=missing[0])
    if len(rows) > MAX_ROWS:
        raise InvalidInput("supervision.import.too_many_rows", field="file", limit=MAX_ROWS)
    return rows


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def run(
    session: Session,
    principal: Principal,
    *,
    filename: str,
    data: bytes,
    apply: bool,
    skip_conflicts: bool = False,
) -> ImportReport:
    """Check (and with ``apply`` store) a city registry file for the caller's area."""
    if principal.role not in (Role.REGULATOR, Role.PLATFORM_ADMIN):
        raise Forbidden("supervision.regulators_only")
    area = (
        None
        if principal.is_platform_admin
        else jurisdiction_subtree(session, principal.jurisdiction_id)
        if principal.jurisdiction_id is not None
        else set()
    )
    codes = {j.code: j.id for j in session.scalars(select(Jurisdiction)) if j.code}
    report = ImportReport(applied=False)
    seen: dict[str, int] = {}
    valid: list[tuple[RowReport, dict[str, Any]]] = []
    for number, raw in _rows(filename, data):
        name, code = _text(raw.get("name")), credit_code.normalise(_text(raw.get("credit_code")))
        row = RowReport(number, "new", name, code)
        report.rows.append(row)
        body: dict[str, Any] = {
            "kind": _text(raw.get("kind")) or "enterprise",
            "name": name,
            "credit_code": code,
        }
        for column in ("address", "industry", "principal_name", "principal_phone"):
            if _text(raw.get(column)):
                body[column] = _text(raw.get(column))
        where = _text(raw.get("jurisdiction_code"))
        if where:
            if where not in codes or (area is not None and codes[where] not in area):
                row.status, row.field, row.reason = (
                    "invalid",
                    "jurisdiction_code",
                    "supervision.import.unknown_jurisdiction",
                )
                continue
            body["jurisdiction_id"] = codes[where]
        elif area is not None:
            body["jurisdiction_id"] = principal.jurisdiction_id
        try:
            registry.validate(RESOURCES["organisations"], body)
        except DomainError as error:
            row.status, row.field, row.reason = "invalid", error.field, error.code
            continue
        if code in seen:
            row.status, row.reason = "duplicate_in_file", "supervision.import.repeated"
            row.existing_id = seen[code]
            continue
        seen[code] = number
        by_code = session.scalar(select(Organisation).where(Organisation.credit_code == code))
        by_name = session.scalar(
            select(Organisation).where(Organisation.name == name, Organisation.credit_code != code)
        )
        if by_code is not None:
            row.existing_id = by_code.id
            if by_code.name != name:
                row.status, row.field, row.reason = (
                    "conflict",
                    "name",
                    "supervision.import.other_name",
                )
            elif where and body["jurisdiction_id"] != by_code.jurisdiction_id:
                row.status, row.field, row.reason = (
                    "conflict",
                    "jurisdiction_code",
                    "supervision.import.other_jurisdiction",
                )
            else:
                row.status, row.reason = "duplicate", "supervision.import.registered"
            continue
        if by_name is not None:
            row.status, row.field, row.reason = (
                "conflict",
                "credit_code",
                "supervision.import.other_code",
            )
            row.existing_id = by_name.id
            continue
        valid.append((row, body))
    if not apply:
        return report
    blocking = report.count("conflict") + report.count("invalid")
    if blocking and not skip_conflicts:
        raise Conflict("supervision.import.unresolved", field="file", count=blocking)
    for row, body in valid:
        created = registry.create_object(session, principal, RESOURCES["organisations"], body)
        row.created_id = created.id
    report.applied = True
    return report
