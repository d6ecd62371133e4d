"""The risk register over HTTP (``/api/risks``): the enterprise writes its own, its landlord
and regulator read."""

from __future__ import annotations

from typing import Any

from fastapi import Query, Request

from hazwatch.api.inputs import Id, Router
from hazwatch.core.auth.deps import CurrentPrincipal, DbSession, EditorPrincipal, get_context
from hazwatch.prevention.risks import service
from hazwatch.prevention.risks.grading import RiskLevel
from hazwatch.prevention.risks.schemas import (
    AssessIn,
    AssessmentOut,
    BandTableIn,
    BandTableOut,
    ControlIn,
    ControlOut,
    EventIn,
    EventOut,
    EventPatch,
    ObjectIn,
    ObjectOut,
    ObjectPatch,
)

router = Router(prefix="/api/risks", tags=["risks"])


def _event_json(db: Any, event: Any, obj: Any, controls: list[Any]) -> dict[str, Any]:
    return {
        **EventOut.model_validate(event).model_dump(mode="json"),
        "object": ObjectOut.model_validate(obj).model_dump(mode="json"),
        "controls": [ControlOut.model_validate(c).model_dump(mode="json") for c in controls],
    }


@router.get("/events")
def events(
    db: DbSession,
    principal: CurrentPrincipal,
    site_id: Id | None = Query(default=None),
    level: RiskLevel | None = Query(default=None),
) -> list[dict[str, Any]]:
    """The register: events with their object, current level and controls, red first."""
    rows = service.list_events(db, principal, site_id, level)
    controls = service.controls(db, [e.id for e, _o in rows])
    return [_event_json(db, e, o, controls.get(e.id, [])) for e, o in rows]


@router.get("/events/{event_id}")
def event(event_id: Id, db: DbSession, principal: CurrentPrincipal) -> dict[str, Any]:
    found, obj = service.event_detail(db, principal, event_id)
    return {
        **_event_json(db, found, obj, service.controls(db, [found.id]).get(found.id, [])),
        "assessments": [
            AssessmentOut.model_validate(a).model_dump(mode="json")
            for a in service.assessments(db, found.id)
        ],
    }


@router.get("/objects")
def objects(
    db: DbSession, principal: CurrentPrincipal, site_id: Id | None = Query(default=None)
) -> list[ObjectOut]:
    """The analysis objects (places, equipment, operations) events are hung on."""
    return [ObjectOut.model_validate(o) for o in service.list_objects(db, principal, site_id)]


@router.post("/objects", status_code=201)
def add_object(body: ObjectIn, db: DbSession, principal: EditorPrincipal) -> ObjectOut:
    return ObjectOut.model_validate(service.create_object(db, principal, body))


@router.patch("/objects/{object_id}")
def update_object(
    object_id: Id, body: ObjectPatch, db: DbSession, principal: EditorPrincipal
) -> ObjectOut:
    """Rename, re-kind or re-place an object; 409 once retired."""
    return ObjectOut.model_validate(service.update_object(db, principal, object_id, body))


@router.post("/objects/{object_id}/retire")
def retire_object(
    object_id: Id, request: Request, db: DbSession, principal: EditorPrincipal
) -> ObjectOut:
    """Off the register with its events (kept for the audit)."""
    now = get_context(request).clock.now()
    return ObjectOut.model_validate(service.retire_object(db, principal, object_id, now))


@router.patch("/events/{event_id}")
def update_event(
    event_id: Id, body: EventPatch, db: DbSession, principal: EditorPrincipal
) -> EventOut:
    """Reword an event (a new grading is POST …/assess); 409 once retired."""
    return EventOut.model_validate(service.update_event(db, principal, event_id, body))


@router.post("/events/{event_id}/retire")
def retire_event(
    event_id: Id, request: Request, db: DbSession, principal: EditorPrincipal
) -> EventOut:
    """Off the register and the colour map (kept, with its gradings, for the audit)."""
    now = get_context(request).clock.now()
    return EventOut.model_validate(service.retire_event(db, principal, event_id, now))


@router.post("/objects/{object_id}/events", status_code=201)
def add_event(
    object_id: Id, body: EventIn, request: Request, db: DbSession, principal: EditorPrincipal
) -> EventOut:
    now = get_context(request).clock.now()
    return EventOut.model_validate(service.create_event(db, principal, object_id, body, now))


@router.post("/events/{event_id}/assess", status_code=201)
def assess(
    event_id: Id, body: AssessIn, request: Request, db: DbSession, principal: EditorPrincipal
) -> AssessmentOut:
    now = get_context(request).clock.now()
    return AssessmentOut.model_validate(service.assess(db, principal, event_id, body, now))


@router.post("/events/{event_id}/controls", status_code=201)
def add_control(
    event_id: Id, body: ControlIn, db: DbSession, principal: EditorPrincipal
) -> ControlOut:
    return ControlOut.model_validate(service.add_control(db, principal, event_id, body))


@router.get("/map")
def colour_map(site_id: Id, db: DbSession, principal: CurrentPrincipal) -> list[dict[str, Any]]:
    """The site's rooms coloured by their highest current risk (grey: no event)."""
    return [room.as_dict() for room in service.colour_map(db, principal, site_id)]


@router.get("/band-tables")
def band_tables(db: DbSession, principal: CurrentPrincipal) -> list[BandTableOut]:
    return [BandTableOut.model_validate(t) for t in service.band_tables(db, principal)]


@router.post("/band-tables", status_code=201)
def add_band_table(
    body: BandTableIn, request: Request, db: DbSession, principal: EditorPrincipal
) -> BandTableOut:
    """A new version of the organisation's bands for a method."""
    now = get_context(request).clock.now()
    return BandTableOut.model_validate(service.add_band_table(db, principal, body, now))
