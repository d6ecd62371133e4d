"""Finding: a lapsed qualification (the person may no longer do that work: a guardian, a
rescuer, a hot-work welder). The 2·7 report names "no training" among the root causes."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.emergency.readiness.choices import QualificationKind
from hazwatch.emergency.readiness.models import Qualification
from hazwatch.emergency.readiness.service import lapsed
from hazwatch.registry.findings import AsOf, Finding, Severity, Visible, register_rule


@register_rule
def qualification_lapsed(session: Session, visible: Visible, as_of: AsOf) -> Iterable[Finding]:
    newest: dict[tuple[int, str, str], Qualification] = {}
    for row in session.scalars(select(Qualification).order_by(Qualification.issued_on)):
        if visible is None or row.organisation_id in visible:
            newest[(row.organisation_id, row.person, row.kind)] = row
    for row in newest.values():
        if lapsed(row, as_of.today):
            yield Finding(
                "qualification_lapsed",
                Severity.SERIOUS,
                row.organisation_id,
                "qualification",
                row.id,
                {
                    "person": row.person,
                    "kind": QualificationKind(row.kind),
                    "expired": row.expires_on.isoformat() if row.expires_on else "",
                },
            )
