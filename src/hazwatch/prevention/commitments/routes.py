"""Daily safety commitments over HTTP: publish, list, who is missing."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import Request
from pydantic import BaseModel, ConfigDict, Field

from hazwatch.api.inputs import NO_NUL, Count, Id, Router
from hazwatch.core.auth.deps import CurrentPrincipal, DbSession, EditorPrincipal, get_context
from hazwatch.prevention.commitments import service
from hazwatch.prevention.hazard_findings.service import Moment

router = Router(prefix="/api/commitments", tags=["commitments"])


class CommitmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    organisation_id: Id
    day: date | None = None
    units_running: Count
    units_stopped: Count
    special_work: Count = 0
    special_work_note: str = Field(default="", max_length=2000, pattern=NO_NUL)
    major_hazards_controlled: bool
    judgement: str = Field(default="", max_length=4000, pattern=NO_NUL)
    signer: str = Field(min_length=1, max_length=80, pattern=NO_NUL)


def _out(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "organisation_id": row.organisation_id,
        "day": row.day,
        "units_running": row.units_running,
        "units_stopped": row.units_stopped,
        "special_work": row.special_work,
        "special_work_note": row.special_work_note,
        "major_hazards_controlled": row.major_hazards_controlled,
        "open_major_hidden_dangers": row.open_major_hidden_dangers,
        "judgement": row.judgement,
        "signer": row.signer,
        "published_at": row.published_at,
        "published_by": row.published_by,
    }


@router.post("", status_code=201)
def publish(
    body: CommitmentIn, request: Request, db: DbSession, principal: EditorPrincipal
) -> dict[str, Any]:
    """Today's commitment (the open 重大 hidden dangers are counted, not typed)."""
    row = service.publish(db, principal, Moment.of(get_context(request)), **body.model_dump())
    return _out(row)


@router.get("")
def list_commitments(
    db: DbSession, principal: CurrentPrincipal, day: date | None = None
) -> list[dict[str, Any]]:
    return [_out(row) for row in service.list_commitments(db, principal, day)]


@router.get("/missing")
def missing(
    request: Request, db: DbSession, principal: CurrentPrincipal, day: date | None = None
) -> dict[str, Any]:
    """Who has not published for ``day`` (default today), whether the deadline has passed,
    and the days each missed (flagged at the deadline)."""
    moment = Moment.of(get_context(request))
    day = day or service.today(moment)
    due = service.deadline(day, moment)
    return {
        "day": day,
        "deadline": due,
        "overdue": moment.now >= due,
        "organisations": [
            {"id": o.id, "name": o.name} for o in service.missing(db, principal, day)
        ],
        "missed": [
            {"organisation_id": m.organisation_id, "day": m.day, "flagged_at": m.flagged_at}
            for m in service.missed(db, principal)
        ],
    }
