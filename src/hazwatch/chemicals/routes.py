"""Chemicals and GB 18218 major hazards over HTTP (``/api/chemicals``).

The enterprise writes its own; its landlord and regulator read (writes are scoped by
:class:`hazwatch.registry.scope.Tenancy` in the service).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import File, Query, Request, Response, UploadFile

from hazwatch.api.errors import language_of
from hazwatch.api.inputs import Id, Router, Text100, up_to
from hazwatch.chemicals import ledger, service
from hazwatch.chemicals.schemas import (
    ChemicalIn,
    ChemicalOut,
    DutyCheckIn,
    DutyCheckOut,
    HoldingIn,
    HoldingOut,
    HoldingPatch,
    IdentificationOut,
    MovementIn,
    MovementOut,
    PersonIn,
    PersonOut,
    PersonPatch,
    RoomLinkIn,
    RoomLinkOut,
    UnitIn,
    UnitOut,
    UnitPatch,
)
from hazwatch.core.auth.deps import CurrentPrincipal, DbSession, EditorPrincipal, get_context
from hazwatch.prevention.ledger import XLSX, workbook

router = Router(prefix="/api/chemicals", tags=["chemicals"])


@router.get("/catalogue")
def catalogue(
    db: DbSession,
    principal: CurrentPrincipal,
    q: Text100 | None = None,
    limit: Annotated[int, up_to(2000)] = 500,
) -> list[ChemicalOut]:
    """The platform's entries (GB 18218-2018 seeded) and the caller's organisations' own."""
    return [ChemicalOut.model_validate(c) for c in service.list_chemicals(db, principal, q, limit)]


@router.post("/catalogue", status_code=201)
def add_chemical(body: ChemicalIn, db: DbSession, principal: EditorPrincipal) -> ChemicalOut:
    return ChemicalOut.model_validate(service.create_chemical(db, principal, body))


@router.put("/catalogue/{chemical_id}")
def update_chemical(
    chemical_id: Id, body: ChemicalIn, db: DbSession, principal: EditorPrincipal
) -> ChemicalOut:
    return ChemicalOut.model_validate(service.update_chemical(db, principal, chemical_id, body))


@router.post("/organisations/{organisation_id}/catalogue/import", status_code=201)
async def import_catalogue(
    organisation_id: Id,
    db: DbSession,
    principal: EditorPrincipal,
    file: Annotated[UploadFile, File()],
) -> list[ChemicalOut]:
    """Add entries from a CSV or Excel (.xlsx) file: all rows or none."""
    content = await file.read(service.IMPORT_MAX_BYTES + 1)
    chemicals = service.import_chemicals(
        db, principal, organisation_id, content, file.filename or ""
    )
    return [ChemicalOut.model_validate(c) for c in chemicals]


@router.get("/units")
def units(
    db: DbSession, principal: CurrentPrincipal, site_id: Id | None = Query(default=None)
) -> list[dict[str, Any]]:
    """Every visible unit with its current identification (S, R, level)."""
    found = service.list_units(db, principal, site_id)
    current = service.latest_by_unit(db, [u.id for u in found])
    return [
        {
            **UnitOut.model_validate(u).model_dump(mode="json"),
            "identification": None
            if (i := current.get(u.id)) is None
            else IdentificationOut.model_validate(i).model_dump(mode="json"),
        }
        for u in found
    ]


@router.post("/units", status_code=201)
def add_unit(body: UnitIn, db: DbSession, principal: EditorPrincipal) -> UnitOut:
    return UnitOut.model_validate(service.create_unit(db, principal, body))


@router.get("/units/{unit_id}")
def unit(
    unit_id: Id, request: Request, db: DbSession, principal: CurrentPrincipal
) -> dict[str, Any]:
    """A unit with its holdings, rooms, current identification and accountable persons."""
    found = service.visible_unit(db, principal, unit_id)
    now = get_context(request).clock.now()
    identification = service.current_identification(db, principal, unit_id)
    return {
        **UnitOut.model_validate(found).model_dump(mode="json"),
        "holdings": [
            HoldingOut.model_validate(h).model_dump(mode="json")
            for h in service.holdings(db, found.id)
        ],
        "rooms": [
            RoomLinkOut.model_validate(r).model_dump(mode="json")
            for r in service.room_links(db, found.id)
        ],
        "identification": IdentificationOut.model_validate(identification).model_dump(mode="json"),
        "persons": [
            PersonOut.model_validate(p).model_dump(mode="json")
            for p in service.persons(db, found.id)
        ],
        "duties": [
            {
                **d,
                "last_check": None if d["last_check"] is None else d["last_check"].isoformat(),
                "due": None if d["due"] is None else d["due"].isoformat(),
            }
            for d in service.duty_status(db, found.id, now)
        ],
    }


@router.patch("/units/{unit_id}")
def update_unit(unit_id: Id, body: UnitPatch, db: DbSession, principal: EditorPrincipal) -> UnitOut:
    return UnitOut.model_validate(service.update_unit(db, principal, unit_id, body))


@router.put("/units/{unit_id}/holdings")
def set_holding(
    unit_id: Id, body: HoldingIn, db: DbSession, principal: EditorPrincipal
) -> HoldingOut:
    """Declare a chemical's design maximum in the unit (its stock moves by movements)."""
    return HoldingOut.model_validate(service.set_holding(db, principal, unit_id, body))


@router.patch("/holdings/{holding_id}")
def update_holding(
    holding_id: Id, body: HoldingPatch, db: DbSession, principal: EditorPrincipal
) -> HoldingOut:
    """A new design maximum (not below the stock now); the unit is identified again."""
    return HoldingOut.model_validate(service.update_holding(db, principal, holding_id, body))


@router.delete("/holdings/{holding_id}", status_code=204)
def remove_holding(holding_id: Id, db: DbSession, principal: EditorPrincipal) -> Response:
    """The unit no longer holds the chemical: 409 while any stock is left in it."""
    service.remove_holding(db, principal, holding_id)
    return Response(status_code=204)


@router.get("/units/{unit_id}/movements")
def unit_movements(unit_id: Id, db: DbSession, principal: CurrentPrincipal) -> list[MovementOut]:
    found = service.visible_unit(db, principal, unit_id)
    return [MovementOut.model_validate(m) for m in service.movements(db, found.id)]


@router.post("/movements", status_code=201)
def move(
    body: MovementIn, request: Request, db: DbSession, principal: EditorPrincipal
) -> MovementOut:
    now = get_context(request).clock.now()
    return MovementOut.model_validate(service.record_movement(db, principal, body, now))


@router.post("/units/{unit_id}/rooms", status_code=201)
def link_room(
    unit_id: Id, body: RoomLinkIn, db: DbSession, principal: EditorPrincipal
) -> RoomLinkOut:
    """The unit stands in the room: its inert gases become the room's hazard sources."""
    return RoomLinkOut.model_validate(service.link_room(db, principal, unit_id, body))


@router.delete("/units/{unit_id}/rooms/{room_id}", status_code=204)
def unlink_room(unit_id: Id, room_id: Id, db: DbSession, principal: EditorPrincipal) -> Response:
    service.unlink_room(db, principal, unit_id, room_id)
    return Response(status_code=204)


@router.get("/units/{unit_id}/identification")
def identification(unit_id: Id, db: DbSession, principal: CurrentPrincipal) -> IdentificationOut:
    """The current GB 18218-2018 identification with its working (each term, β, α)."""
    return IdentificationOut.model_validate(service.current_identification(db, principal, unit_id))


@router.post("/units/{unit_id}/identify")
def identify(
    unit_id: Id, request: Request, db: DbSession, principal: EditorPrincipal
) -> IdentificationOut:
    now = get_context(request).clock.now()
    return IdentificationOut.model_validate(service.identify(db, principal, unit_id, now))


@router.get("/major-hazards")
def major_hazards(db: DbSession, principal: CurrentPrincipal) -> list[dict[str, Any]]:
    """The major-hazard list: each unit that is one, level 1 first."""
    return [
        {
            **UnitOut.model_validate(u).model_dump(mode="json"),
            "identification": IdentificationOut.model_validate(i).model_dump(mode="json"),
        }
        for u, i in service.list_major_hazards(db, principal)
    ]


@router.get("/major-hazards/ledger.xlsx")
def major_hazards_xlsx(request: Request, db: DbSession, principal: CurrentPrincipal) -> Response:
    """The major-hazard list as an Excel ledger in the reader's language (Accept-Language)."""
    context = get_context(request)
    book = ledger.major_hazard_ledger(
        db, principal, context.clock.now(), language_of(request), context.settings.timezone
    )
    return Response(
        workbook(book),
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="major-hazards.xlsx"'},
    )


@router.post("/units/{unit_id}/persons", status_code=201)
def add_person(unit_id: Id, body: PersonIn, db: DbSession, principal: EditorPrincipal) -> PersonOut:
    return PersonOut.model_validate(service.add_person(db, principal, unit_id, body))


@router.patch("/persons/{person_id}")
def update_person(
    person_id: Id, body: PersonPatch, db: DbSession, principal: EditorPrincipal
) -> PersonOut:
    """Correct a current person's details (handing the role over is retire + appoint)."""
    return PersonOut.model_validate(service.update_person(db, principal, person_id, body))


@router.post("/persons/{person_id}/retire")
def retire_person(
    person_id: Id, request: Request, db: DbSession, principal: EditorPrincipal
) -> PersonOut:
    """The person no longer holds the role; kept with their duty checks for the audit."""
    now = get_context(request).clock.now()
    return PersonOut.model_validate(service.retire_person(db, principal, person_id, now))


@router.post("/persons/{person_id}/checks", status_code=201)
def duty_check(
    person_id: Id,
    body: DutyCheckIn,
    request: Request,
    db: DbSession,
    principal: EditorPrincipal,
) -> DutyCheckOut:
    now = get_context(request).clock.now()
    return DutyCheckOut.model_validate(
        service.record_duty_check(db, principal, person_id, body, now)
    )
