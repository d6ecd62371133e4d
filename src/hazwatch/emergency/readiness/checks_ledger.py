"""The equipment checks ledger (应急装备检查台账): one row per periodic check, SCBA sets with
their cylinder pressure against the set's minimum, written to Excel and shown as a print-ready
page like the other ledgers, so the file cabinet and the console never disagree."""

from __future__ import annotations

from datetime import datetime

from hazwatch.core.clock import local_text
from hazwatch.core.i18n import translate
from hazwatch.emergency.readiness.choices import EquipmentKind
from hazwatch.emergency.readiness.service import CheckRow
from hazwatch.prevention.ledger import Ledger


def ledger(
    rows: list[CheckRow], names: dict[int, str], now: datetime, language: str, timezone: str
) -> Ledger:
    def _t(key: str, **params: object) -> str:
        return translate(key, language, **params)

    body: list[list[object]] = []
    for row in rows:
        pressure = ""
        if row.pressure_mpa is not None:
            pressure = _t(
                "readiness.ledger.pressure",
                pressure=f"{row.pressure_mpa:f}",
                minimum=f"{row.minimum_pressure_mpa:f}",
            )
        findings = "；".join(
            [*(_t(key) for key in row.defects), *([row.notes] if row.notes else [])]
        )
        body.append(
            [
                names.get(row.organisation_id, ""),
                EquipmentKind(row.kind).label(language),
                row.code,
                row.name,
                row.holder,
                local_text(row.at, timezone),
                row.checked_by,
                _t("readiness.ledger.passed" if row.passed else "readiness.ledger.not_passed"),
                pressure,
                findings,
            ]
        )
    return Ledger(
        _t("readiness.ledger.title"),
        _t("readiness.ledger.subtitle", at=local_text(now, timezone), count=len(body)),
        [
            _t("readiness.matrix.organisation"),
            _t("readiness.ledger.kind"),
            _t("readiness.ledger.code"),
            _t("readiness.ledger.name"),
            _t("readiness.ledger.holder"),
            _t("readiness.ledger.at"),
            _t("readiness.ledger.checked_by"),
            _t("readiness.ledger.result"),
            _t("readiness.ledger.pressure_column"),
            _t("readiness.ledger.findings"),
        ],
        body,
    )
