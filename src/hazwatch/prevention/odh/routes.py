"""ODH assessments and room safeguards over HTTP (``/api/odh``)."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response

from hazwatch.api.inputs import Id, Router
from hazwatch.core.auth.deps import CurrentPrincipal, DbSession, EditorPrincipal, get_context
from hazwatch.prevention.odh import service
from hazwatch.prevention.odh.schemas import (
    AssessmentOut,
    SafeguardIn,
    SafeguardOut,
    SafeguardPatch,
)

router = Router(prefix="/api/odh", tags=["odh"])


@router.get("/rooms")
def overview(db: DbSession, principal: CurrentPrincipal) -> list[dict[str, Any]]:
    """Every visible room with an inert-gas source and its current class (null: not assessed)."""
    return [
        {
            "room_id": room.id,
            "room": room.name,
            "organisation_id": room.organisation_id,
            "assessment": None
            if assessment is None
            else AssessmentOut.model_validate(assessment).model_dump(mode="json"),
        }
        for room, assessment in service.overview(db, principal)
    ]


@router.get("/rooms/{room_id}")
def room_assessment(room_id: Id, db: DbSession, principal: CurrentPrincipal) -> AssessmentOut:
    """The room's current assessment (recomputed automatically whenever its inputs change)."""
    return AssessmentOut.model_validate(service.room_assessment(db, principal, room_id))


@router.post("/rooms/{room_id}/assess")
def assess(
    room_id: Id, request: Request, db: DbSession, principal: EditorPrincipal
) -> AssessmentOut:
    now = get_context(request).clock.now()
    return AssessmentOut.model_validate(service.assess(db, principal, room_id, now))


@router.get("/rooms/{room_id}/history")
def history(room_id: Id, db: DbSession, principal: CurrentPrincipal) -> list[AssessmentOut]:
    return [AssessmentOut.model_validate(a) for a in service.history(db, principal, room_id)]


@router.get("/rooms/{room_id}/safeguards")
def list_safeguards(room_id: Id, db: DbSession, principal: CurrentPrincipal) -> list[SafeguardOut]:
    return [SafeguardOut.model_validate(s) for s in service.list_safeguards(db, principal, room_id)]


@router.post("/rooms/{room_id}/safeguards", status_code=201)
def add_safeguard(
    room_id: Id, body: SafeguardIn, db: DbSession, principal: EditorPrincipal
) -> SafeguardOut:
    return SafeguardOut.model_validate(service.add_safeguard(db, principal, room_id, body))


@router.patch("/safeguards/{safeguard_id}")
def update_safeguard(
    safeguard_id: Id, body: SafeguardPatch, db: DbSession, principal: EditorPrincipal
) -> SafeguardOut:
    return SafeguardOut.model_validate(service.update_safeguard(db, principal, safeguard_id, body))


@router.delete("/safeguards/{safeguard_id}", status_code=204)
def remove_safeguard(safeguard_id: Id, db: DbSession, principal: EditorPrincipal) -> Response:
    service.remove_safeguard(db, principal, safeguard_id)
    return Response(status_code=204)
