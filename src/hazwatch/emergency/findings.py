"""Finding: a breathing apparatus that is not ready is a hidden danger before the day of need
(2·7: both SCBA sets put on for the rescue had too little cylinder pressure)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.emergency.models import ScbaSet
from hazwatch.emergency.service import set_readiness
from hazwatch.registry.findings import AsOf, Finding, Severity, Visible, register_rule


@register_rule
def scba_not_ready(session: Session, visible: Visible, as_of: AsOf) -> Iterable[Finding]:
    now = as_of.now
    for scba in session.scalars(select(ScbaSet)):
        if visible is not None and scba.organisation_id not in visible:
            continue
        readiness = set_readiness(session, scba, now)
        if not readiness.ready:
            yield Finding(
                "scba_not_ready",
                Severity.SERIOUS,
                scba.organisation_id,
                "scba_set",
                scba.id,
                {"scba": scba.code, "why": readiness.reason or ""},
            )
