"""The training matrix as a ledger: one row per person, one column per qualification kind
(its expiry date, marked when lapsed), written to Excel like the other ledgers."""

from __future__ import annotations

from datetime import date

from hazwatch.core.i18n import translate
from hazwatch.emergency.readiness.choices import QualificationKind
from hazwatch.emergency.readiness.service import MatrixRow
from hazwatch.prevention.ledger import Ledger


def ledger(rows: list[MatrixRow], names: dict[int, str], today: date, language: str) -> Ledger:
    kinds = list(QualificationKind)
    header = [
        translate("readiness.matrix.organisation", language),
        translate("readiness.matrix.person", language),
        *(kind.label(language) for kind in kinds),
        translate("readiness.matrix.trainings", language),
        translate("readiness.matrix.hours", language),
    ]
    lapsed_mark = translate("readiness.matrix.lapsed", language)
    body = []
    for row in rows:
        cells: list[object] = [names.get(row.organisation_id, ""), row.person]
        for kind in kinds:
            cell = row.cells.get(kind.value)
            if cell is None:
                cells.append("")
            elif cell.expires_on is None:
                cells.append(translate("readiness.matrix.no_expiry", language))
            else:
                text = cell.expires_on.isoformat()
                cells.append(f"{text} {lapsed_mark}" if cell.lapsed else text)
        cells += [row.trainings, f"{row.hours:g}"]
        body.append(cells)
    return Ledger(
        translate("readiness.matrix.title", language),
        translate("readiness.matrix.subtitle", language, date=today.isoformat()),
        header,
        body,
    )
