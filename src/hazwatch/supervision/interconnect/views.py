"""Interconnection answers for the API, the CLI and the console."""

from __future__ import annotations

from hazwatch.core.i18n import translate
from hazwatch.supervision.interconnect import importer
from hazwatch.supervision.interconnect.schemas import ImportOut, ImportRowOut


def import_out(report: importer.ImportReport, language: str) -> ImportOut:
    return ImportOut(
        applied=report.applied,
        new=report.count("new"),
        duplicates=report.count("duplicate") + report.count("duplicate_in_file"),
        conflicts=report.count("conflict"),
        invalid=report.count("invalid"),
        rows=[
            ImportRowOut(
                row=r.row,
                status=r.status,
                name=r.name,
                credit_code=r.credit_code,
                field=r.field,
                reason=r.reason,
                reason_text=translate(r.reason, language) if r.reason else "",
                existing_id=r.existing_id,
                created_id=r.created_id,
            )
            for r in report.rows
        ],
    )
