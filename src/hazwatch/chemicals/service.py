"""Chemicals: catalogue, units, inventory, movements, room links, GB 18218 identification
and accountable persons. Scoped by the caller's organisation; never commits.

:func:`identify_unit` is what every path calls (the change hook, the API, the CLI): it stores
a new identification only when the unit's inputs changed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from hazwatch.api.inputs import given
from hazwatch.chemicals import gb18218
from hazwatch.chemicals.choices import (
    DUTY_INTERVAL,
    GhsClass,
    IdentificationTrigger,
    MovementKind,
    PersonRole,
)
from hazwatch.chemicals.identifiers import normalise_un, valid_cas
from hazwatch.chemicals.models import (
    AccountablePerson,
    Chemical,
    ChemicalHolding,
    ChemicalUnit,
    DutyCheck,
    MajorHazardIdentification,
    StockMovement,
    UnitRoom,
)
from hazwatch.chemicals.schemas import (
    ChemicalIn,
    DutyCheckIn,
    HoldingIn,
    HoldingPatch,
    MovementIn,
    PersonIn,
    PersonPatch,
    RoomLinkIn,
    UnitIn,
    UnitPatch,
)
from hazwatch.core.auth.roles import Principal
from hazwatch.core.clock import utcnow
from hazwatch.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from hazwatch.core.scope import visible_organisations
from hazwatch.registry.choices import HazardKind
from hazwatch.registry.models import HazardSource, Site
from hazwatch.registry.scope import Tenancy, site_tenants

#: Import files larger than this are refused (a catalogue of thousands of rows fits easily).
IMPORT_MAX_BYTES = 2_000_000
IMPORT_MAX_ROWS = 5000
IMPORT_COLUMNS = (
    "name",
    "name_en",
    "aliases",
    "cas",
    "un_number",
    "ghs_classes",
    "gb_classes",
    "table1_seq",
    "catalogue_serial",
    "highly_toxic",
    "key_supervised",
    "explosive_precursor",
    "inert_gas",
)


# -- catalogue -------------------------------------------------------------------------------


def check_chemical(data: ChemicalIn, prefix: str = "") -> dict[str, Any]:
    """The fields of a catalogue entry, checked: CAS check digit, UN number, GHS classes and
    GB 18218 Table 2 symbols known, Table 1 row in 1–85. Raises naming the field."""
    values = data.model_dump()
    cas = (data.cas or "").strip() or None
    if cas is not None and not valid_cas(cas):
        raise InvalidInput("chemicals.invalid_cas", field=f"{prefix}cas", cas=cas)
    values["cas"] = cas
    un = (data.un_number or "").strip()
    if un:
        number = normalise_un(un)
        if number is None:
            raise InvalidInput("chemicals.invalid_un", field=f"{prefix}un_number", un=un)
        values["un_number"] = number
    else:
        values["un_number"] = None
    known_ghs = {c.value for c in GhsClass}
    for code in data.ghs_classes:
        if code not in known_ghs:
            raise InvalidInput(
                "chemicals.unknown_ghs_class", field=f"{prefix}ghs_classes", value=code
            )
    for symbol in data.gb_classes:
        if symbol not in gb18218.CLASSES:
            raise InvalidInput(
                "chemicals.unknown_hazard_class", field=f"{prefix}gb_classes", value=symbol
            )
    values["ghs_classes"] = sorted(set(data.ghs_classes))
    values["gb_classes"] = sorted(set(data.gb_classes))
    return values


def visible_chemical(
    session: Session, principal: Principal, ident: int | None, field: str = "chemical_id"
) -> Chemical:
    chemical = session.get(Chemical, ident) if ident is not None else None
    visible = visible_organisations(session, principal)
    if chemical is None or (
        chemical.organisation_id is not None
        and visible is not None
        and chemical.organisation_id not in visible
    ):
        raise NotFound("scope.not_found", field=field, id=ident)
    return chemical


def _usable_by(chemical: Chemical, organisation_id: int, field: str) -> None:
    """A unit holds only the platform's entries or its own organisation's."""
    if chemical.organisation_id not in (None, organisation_id):
        raise NotFound("scope.not_found", field=field, id=chemical.id)


def list_chemicals(
    session: Session, principal: Principal, q: str | None = None, limit: int = 500
) -> Sequence[Chemical]:
    query = select(Chemical).order_by(Chemical.organisation_id.is_not(None), Chemical.id)
    visible = visible_organisations(session, principal)
    if visible is not None:
        query = query.where(
            or_(Chemical.organisation_id.is_(None), Chemical.organisation_id.in_(visible))
        )
    if q:
        like = f"%{q}%"
        query = query.where(
            or_(Chemical.name.like(like), Chemical.name_en.like(like), Chemical.cas == q)
        )
    return session.scalars(query.limit(limit)).all()


def create_chemical(session: Session, principal: Principal, data: ChemicalIn) -> Chemical:
    tenancy = Tenancy(session, principal)
    tenancy.writable_organisation(data.organisation_id)
    chemical = Chemical(**check_chemical(data))
    session.add(chemical)
    session.flush()
    return chemical


def update_chemical(
    session: Session, principal: Principal, chemical_id: int, data: ChemicalIn
) -> Chemical:
    """Replace an entry's fields (the platform's entries only by a platform administrator);
    every unit holding it is identified again before the commit."""
    chemical = visible_chemical(session, principal, chemical_id, "chemical_id")
    tenancy = Tenancy(session, principal)
    if chemical.organisation_id is None:
        if not principal.is_platform_admin:
            raise Forbidden("tenancy.not_writable", field="chemical_id")
    else:
        tenancy.ensure_writable([chemical.organisation_id], "chemical_id")
    if data.organisation_id != (chemical.organisation_id or data.organisation_id):
        raise InvalidInput("tenancy.other_organisation", field="organisation_id")
    values = check_chemical(data)
    values.pop("organisation_id")
    for name, value in values.items():
        setattr(chemical, name, value)
    session.flush()
    return chemical


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _flag(value: str, field: str) -> bool:
    text = value.strip().lower()
    if text in ("", "0", "false", "no", "n", "否"):
        return False
    if text in ("1", "true", "yes", "y", "是"):
        return True
    raise InvalidInput("chemicals.import.bad_flag", field=field, value=value)


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace("；", ";").split(";") if part.strip()]


def _rows(content: bytes, filename: str) -> list[dict[str, str]]:
    """Rows of a CSV (UTF-8, with or without BOM) or Excel (.xlsx, first sheet) file whose
    first row names the columns of :data:`IMPORT_COLUMNS` (``name`` required)."""
    if len(content) > IMPORT_MAX_BYTES:
        raise InvalidInput("chemicals.import.too_large", field="file", limit=IMPORT_MAX_BYTES)
    lower = filename.lower()
    table: list[list[str]]
    if lower.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several kinds for a broken file
            raise InvalidInput("chemicals.import.unreadable", field="file") from exc
        sheet = book.worksheets[0]
        table = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    elif lower.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidInput("chemicals.import.unreadable", field="file") from exc
        table = [list(row) for row in csv.reader(io.StringIO(text))]
    else:
        raise InvalidInput("chemicals.import.bad_type", field="file")
    table = [row for row in table if any(cell.strip() for cell in row)]
    if not table:
        raise InvalidInput("chemicals.import.empty", field="file")
    header = [cell.strip().lower() for cell in table[0]]
    unknown = [h for h in header if h and h not in IMPORT_COLUMNS]
    if "name" not in header or unknown:
        raise InvalidInput(
            "chemicals.import.bad_header", field="file", columns=", ".join(IMPORT_COLUMNS)
        )
    if len(table) - 1 > IMPORT_MAX_ROWS:
        raise InvalidInput("chemicals.import.too_many_rows", field="file", limit=IMPORT_MAX_ROWS)
    return [
        {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(header) if h}
        for row in table[1:]
    ]


def import_chemicals(
    session: Session, principal: Principal, organisation_id: int, content: bytes, filename: str
) -> list[Chemical]:
    """Add an organisation's catalogue entries from a file: all rows or none. An error names
    the row (``rows[3].cas``, row 1 being the first after the header)."""
    Tenancy(session, principal).writable_organisation(organisation_id)
    checked: list[dict[str, Any]] = []
    for number, row in enumerate(_rows(content, filename), start=1):
        prefix = f"rows[{number}]."
        try:
            data = ChemicalIn(
                organisation_id=organisation_id,
                name=row.get("name", ""),
                name_en=row.get("name_en", ""),
                aliases=_split(row.get("aliases", "")),
                cas=row.get("cas") or None,
                un_number=row.get("un_number") or None,
                ghs_classes=_split(row.get("ghs_classes", "")),
                gb_classes=_split(row.get("gb_classes", "")),
                table1_seq=row.get("table1_seq") or None,
                catalogue_serial=row.get("catalogue_serial") or None,
                **{
                    flag: _flag(row.get(flag, ""), prefix + flag)
                    for flag in ("highly_toxic", "key_supervised", "explosive_precursor")
                },
                inert_gas=_flag(row.get("inert_gas", ""), prefix + "inert_gas"),
            )
        except ValueError as exc:  # pydantic's ValidationError
            errors: list[Any] = getattr(exc, "errors", list)()
            where = str(errors[0]["loc"][0]) if errors and errors[0].get("loc") else "name"
            raise InvalidInput("chemicals.import.bad_row", field=prefix + where) from exc
        checked.append(check_chemical(data, prefix))
    chemicals = [Chemical(**values) for values in checked]
    session.add_all(chemicals)
    session.flush()
    return chemicals


# -- units -----------------------------------------------------------------------------------


def visible_unit(session: Session, principal: Principal, ident: int) -> ChemicalUnit:
    unit = session.get(ChemicalUnit, ident)
    visible = visible_organisations(session, principal)
    if unit is None or (visible is not None and unit.organisation_id not in visible):
        raise NotFound("scope.not_found", field="unit_id", id=ident)
    return unit


def writable_unit(
    session: Session, principal: Principal, ident: int | None, field: str = "unit_id"
) -> ChemicalUnit:
    return Tenancy(session, principal).writable_row(ChemicalUnit, ident, field)


def list_units(
    session: Session, principal: Principal, site_id: int | None = None
) -> Sequence[ChemicalUnit]:
    query = select(ChemicalUnit).order_by(ChemicalUnit.id)
    visible = visible_organisations(session, principal)
    if visible is not None:
        query = query.where(ChemicalUnit.organisation_id.in_(visible))
    if site_id is not None:
        query = query.where(ChemicalUnit.site_id == site_id)
    return session.scalars(query).all()


def create_unit(session: Session, principal: Principal, data: UnitIn) -> ChemicalUnit:
    tenancy = Tenancy(session, principal)
    organisation = tenancy.writable_organisation(data.organisation_id)
    site = tenancy.writable_site(data.site_id, for_organisation=organisation)
    if site.organisation_id != organisation and organisation not in site_tenants(session, site.id):
        raise InvalidInput("tenancy.other_organisation", field="site_id")
    unit = ChemicalUnit(
        organisation_id=organisation,
        site_id=site.id,
        name=data.name,
        kind=data.kind.value,
        people_within_500m=data.people_within_500m,
        note=data.note,
    )
    session.add(unit)
    session.flush()
    return unit


def update_unit(
    session: Session, principal: Principal, unit_id: int, patch: UnitPatch
) -> ChemicalUnit:
    unit = writable_unit(session, principal, unit_id)
    for name, value in patch.model_dump(exclude_unset=True).items():
        if value is not None:
            setattr(unit, name, value)
    session.flush()
    return unit


def holdings(session: Session, unit_id: int) -> Sequence[ChemicalHolding]:
    return session.scalars(
        select(ChemicalHolding)
        .where(ChemicalHolding.unit_id == unit_id)
        .order_by(ChemicalHolding.id)
    ).all()


def _holding(session: Session, unit_id: int, chemical_id: int) -> ChemicalHolding | None:
    return session.scalar(
        select(ChemicalHolding).where(
            ChemicalHolding.unit_id == unit_id, ChemicalHolding.chemical_id == chemical_id
        )
    )


def set_holding(
    session: Session, principal: Principal, unit_id: int, data: HoldingIn
) -> ChemicalHolding:
    """Declare (or change) a chemical's design maximum in a unit; the stock now may be set
    when the chemical is first declared, later only movements change it."""
    unit = writable_unit(session, principal, unit_id)
    chemical = visible_chemical(session, principal, data.chemical_id)
    _usable_by(chemical, unit.organisation_id, "chemical_id")
    holding = _holding(session, unit.id, chemical.id)
    current = data.current_t if data.current_t is not None else None
    if holding is None:
        current = current if current is not None else Decimal(0)
    elif current is not None and current != holding.current_t:
        raise InvalidInput("chemicals.current_by_movement", field="current_t")
    stock = current if current is not None else holding.current_t if holding else Decimal(0)
    if stock > data.design_max_t:
        raise InvalidInput(
            "chemicals.over_design_max", field="design_max_t", design_max=str(data.design_max_t)
        )
    if holding is None:
        holding = ChemicalHolding(
            organisation_id=unit.organisation_id,
            unit_id=unit.id,
            chemical_id=chemical.id,
            design_max_t=data.design_max_t,
            current_t=stock,
        )
        session.add(holding)
    else:
        holding.design_max_t = data.design_max_t
    session.flush()
    sync_sources(session, unit)
    return holding


def _writable_holding(session: Session, principal: Principal, holding_id: int) -> ChemicalHolding:
    return Tenancy(session, principal).writable_row(ChemicalHolding, holding_id, "holding_id")


def update_holding(
    session: Session, principal: Principal, holding_id: int, data: HoldingPatch
) -> ChemicalHolding:
    """Change a holding's design maximum (never below the stock now; the unit is
    identified again)."""
    holding = _writable_holding(session, principal, holding_id)
    declared = HoldingIn(chemical_id=holding.chemical_id, design_max_t=data.design_max_t)
    return set_holding(session, principal, holding.unit_id, declared)


def remove_holding(session: Session, principal: Principal, holding_id: int) -> None:
    """The unit no longer holds the chemical: only once its stock has been moved out (the
    movements are the record of where it went, and stay), so no quantity disappears; the
    unit is identified again and the gas leaves its rooms' hazard sources."""
    holding = _writable_holding(session, principal, holding_id)
    if holding.current_t != 0:
        raise Conflict(
            "chemicals.holding_has_stock", field="current_t", current=str(holding.current_t)
        )
    unit = session.get(ChemicalUnit, holding.unit_id)
    assert unit is not None
    session.delete(holding)
    session.flush()
    sync_sources(session, unit)


def record_movement(
    session: Session, principal: Principal, data: MovementIn, now: datetime
) -> StockMovement:
    """Stock in, out or transferred; a quantity never goes below zero nor above the unit's
    design maximum (a refusal names the field and nothing changes)."""
    needs_from = data.kind in (MovementKind.OUT, MovementKind.TRANSFER)
    needs_to = data.kind in (MovementKind.IN, MovementKind.TRANSFER)
    if needs_from != (data.from_unit_id is not None):
        raise InvalidInput("chemicals.movement_units", field="from_unit_id")
    if needs_to != (data.to_unit_id is not None):
        raise InvalidInput("chemicals.movement_units", field="to_unit_id")
    source = (
        writable_unit(session, principal, data.from_unit_id, "from_unit_id") if needs_from else None
    )
    target = writable_unit(session, principal, data.to_unit_id, "to_unit_id") if needs_to else None
    if source is not None and target is not None:
        if source.id == target.id:
            raise InvalidInput("chemicals.same_unit", field="to_unit_id")
        if source.organisation_id != target.organisation_id:
            raise InvalidInput("tenancy.other_organisation", field="to_unit_id")
    owner = source or target
    assert owner is not None
    chemical = visible_chemical(session, principal, data.chemical_id)
    _usable_by(chemical, owner.organisation_id, "chemical_id")
    if source is not None:
        held = _holding(session, source.id, chemical.id)
        available = held.current_t if held is not None else Decimal(0)
        if held is None or available < data.quantity_t:
            raise InvalidInput(
                "chemicals.insufficient_stock", field="quantity_t", available=str(available)
            )
    if target is not None:
        into = _holding(session, target.id, chemical.id)
        if into is None:
            raise InvalidInput("chemicals.not_declared", field="to_unit_id")
        if into.current_t + data.quantity_t > into.design_max_t:
            raise InvalidInput(
                "chemicals.over_design_max",
                field="quantity_t",
                design_max=str(into.design_max_t),
            )
    if source is not None:
        held = _holding(session, source.id, chemical.id)
        assert held is not None
        held.current_t -= data.quantity_t
    if target is not None:
        into = _holding(session, target.id, chemical.id)
        assert into is not None
        into.current_t += data.quantity_t
    movement = StockMovement(
        organisation_id=owner.organisation_id,
        chemical_id=chemical.id,
        kind=data.kind.value,
        quantity_t=data.quantity_t,
        from_unit_id=source.id if source else None,
        to_unit_id=target.id if target else None,
        at=data.at or now,
        recorded_by=principal.username,
        note=data.note,
    )
    session.add(movement)
    session.flush()
    return movement


def movements(session: Session, unit_id: int, limit: int = 200) -> Sequence[StockMovement]:
    return session.scalars(
        select(StockMovement)
        .where(or_(StockMovement.from_unit_id == unit_id, StockMovement.to_unit_id == unit_id))
        .order_by(StockMovement.at.desc(), StockMovement.id.desc())
        .limit(limit)
    ).all()


# -- rooms and the ODH feed ------------------------------------------------------------------


def room_links(session: Session, unit_id: int) -> Sequence[UnitRoom]:
    return session.scalars(
        select(UnitRoom).where(UnitRoom.unit_id == unit_id).order_by(UnitRoom.id)
    ).all()


def link_room(session: Session, principal: Principal, unit_id: int, data: RoomLinkIn) -> UnitRoom:
    unit = writable_unit(session, principal, unit_id)
    tenancy = Tenancy(session, principal)
    room = tenancy.writable_room(data.room_id)
    tenancy.same_organisation(room, unit.organisation_id, "room_id")
    if session.scalar(
        select(UnitRoom.id).where(UnitRoom.unit_id == unit.id, UnitRoom.room_id == room.id)
    ):
        raise Conflict("chemicals.room_linked", field="room_id")
    link = UnitRoom(
        organisation_id=unit.organisation_id,
        unit_id=unit.id,
        room_id=room.id,
        max_release_m3_h=data.max_release_m3_h,
        sources={},
    )
    session.add(link)
    session.flush()
    sync_sources(session, unit)
    return link


def unlink_room(session: Session, principal: Principal, unit_id: int, room_id: int) -> None:
    unit = writable_unit(session, principal, unit_id)
    link = session.scalar(
        select(UnitRoom).where(UnitRoom.unit_id == unit.id, UnitRoom.room_id == room_id)
    )
    if link is None:
        raise NotFound("scope.not_found", field="room_id", id=room_id)
    for source_id in link.sources.values():
        source = session.get(HazardSource, source_id)
        if source is not None:
            session.delete(source)
    session.delete(link)
    session.flush()


def sync_sources(session: Session, unit: ChemicalUnit) -> None:
    """Each linked room has one inert-gas hazard source per inert gas the unit holds (so the
    room's ODH assessment and detector requirement see it), and no others."""
    gases = {
        chemical.id: chemical
        for chemical in session.scalars(
            select(Chemical)
            .join(ChemicalHolding, ChemicalHolding.chemical_id == Chemical.id)
            .where(
                ChemicalHolding.unit_id == unit.id,
                ChemicalHolding.design_max_t > 0,
                Chemical.inert_gas.is_(True),
            )
        )
    }
    for link in room_links(session, unit.id):
        kept: dict[str, int] = {}
        for key, source_id in link.sources.items():
            source = session.get(HazardSource, source_id)
            if source is None:
                continue
            if int(key) in gases:
                source.max_release_m3_h = link.max_release_m3_h
                kept[key] = source.id
            else:
                session.delete(source)
        for chemical_id, chemical in gases.items():
            if str(chemical_id) in kept:
                continue
            source = HazardSource(
                room_id=link.room_id,
                kind=HazardKind.INERT_GAS,
                substance=chemical.name[:80],
                cas=chemical.cas,
                description=f"{unit.name}"[:300],
                max_release_m3_h=link.max_release_m3_h,
            )
            session.add(source)
            session.flush()
            kept[str(chemical_id)] = source.id
        if kept != link.sources:
            link.sources = kept
    session.flush()


# -- GB 18218 identification -----------------------------------------------------------------


@dataclass(frozen=True)
class UnitInputs:
    holdings: tuple[gb18218.Holding, ...]
    people: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "people_within_500m": self.people,
            "holdings": [
                {
                    "name": h.name,
                    "quantity_t": str(h.quantity_t),
                    "table1_seq": h.table1_seq,
                    "classes": list(h.classes),
                    "cas": h.cas,
                }
                for h in self.holdings
            ],
        }


def holding_of(chemical: Chemical, design_max_t: Decimal) -> gb18218.Holding:
    """What GB 18218 needs of a catalogue entry held at ``design_max_t`` (a unit's stock, or a
    planned unit of a construction project under admission review)."""
    return gb18218.Holding(
        name=chemical.name,
        quantity_t=Decimal(design_max_t),
        table1_seq=chemical.table1_seq,
        classes=tuple(chemical.gb_classes),
        cas=chemical.cas,
    )


def unit_inputs(session: Session, unit: ChemicalUnit) -> UnitInputs:
    rows = session.execute(
        select(ChemicalHolding, Chemical)
        .join(Chemical, Chemical.id == ChemicalHolding.chemical_id)
        .where(ChemicalHolding.unit_id == unit.id)
        .order_by(ChemicalHolding.id)
    ).all()
    return UnitInputs(
        tuple(holding_of(chemical, holding.design_max_t) for holding, chemical in rows),
        unit.people_within_500m,
    )


def latest_identification(session: Session, unit_id: int) -> MajorHazardIdentification | None:
    return session.scalar(
        select(MajorHazardIdentification)
        .where(MajorHazardIdentification.unit_id == unit_id)
        .order_by(MajorHazardIdentification.id.desc())
        .limit(1)
    )


def identify_unit(
    session: Session,
    unit: ChemicalUnit,
    trigger: IdentificationTrigger,
    now: datetime | None = None,
) -> MajorHazardIdentification:
    """The unit's identification for its present inputs; a new row only if they changed."""
    inputs = unit_inputs(session, unit)
    values = inputs.as_dict()
    previous = latest_identification(session, unit.id)
    if previous is not None and previous.inputs == values:
        return previous
    result = gb18218.identify(inputs.holdings, inputs.people)
    working = result.as_dict()
    row = MajorHazardIdentification(
        organisation_id=unit.organisation_id,
        unit_id=unit.id,
        computed_at=now or utcnow(),
        trigger=trigger.value,
        major=result.is_major_hazard,
        s=working["s"],
        r=working["r"],
        level=result.level,
        inputs=values,
        working=working,
    )
    session.add(row)
    session.flush()
    return row


def identify(
    session: Session, principal: Principal, unit_id: int, now: datetime
) -> MajorHazardIdentification:
    unit = writable_unit(session, principal, unit_id)
    return identify_unit(session, unit, IdentificationTrigger.MANUAL, now)


def current_identification(
    session: Session, principal: Principal, unit_id: int
) -> MajorHazardIdentification:
    unit = visible_unit(session, principal, unit_id)
    return latest_identification(session, unit.id) or identify_unit(
        session, unit, IdentificationTrigger.MANUAL
    )


def latest_by_unit(
    session: Session, unit_ids: Iterable[int]
) -> dict[int, MajorHazardIdentification]:
    newest = (
        select(func.max(MajorHazardIdentification.id))
        .where(MajorHazardIdentification.unit_id.in_(list(unit_ids)))
        .group_by(MajorHazardIdentification.unit_id)
    )
    rows = session.scalars(
        select(MajorHazardIdentification).where(MajorHazardIdentification.id.in_(newest))
    )
    return {row.unit_id: row for row in rows}


def major_hazards(
    session: Session, visible: frozenset[int] | None
) -> list[tuple[ChemicalUnit, MajorHazardIdentification]]:
    """Units whose current identification is a major hazard, level 1 first."""
    query = select(ChemicalUnit).order_by(ChemicalUnit.id)
    if visible is not None:
        query = query.where(ChemicalUnit.organisation_id.in_(visible))
    units = session.scalars(query).all()
    current = latest_by_unit(session, [u.id for u in units])
    found = [(u, current[u.id]) for u in units if u.id in current and current[u.id].major]
    return sorted(found, key=lambda pair: (pair[1].level or 5, pair[0].id))


def list_major_hazards(
    session: Session, principal: Principal
) -> list[tuple[ChemicalUnit, MajorHazardIdentification]]:
    return major_hazards(session, visible_organisations(session, principal))


# -- accountable persons ---------------------------------------------------------------------


def persons(session: Session, unit_id: int) -> Sequence[AccountablePerson]:
    """The unit's current accountable persons (retired ones keep their rows and checks)."""
    return session.scalars(
        select(AccountablePerson)
        .where(AccountablePerson.unit_id == unit_id, AccountablePerson.retired_at.is_(None))
        .order_by(AccountablePerson.id)
    ).all()


def _current_person(session: Session, principal: Principal, person_id: int) -> AccountablePerson:
    """A current person the caller may change (404 unseen, 403 seen only, 409 retired)."""
    person = Tenancy(session, principal).writable_row(AccountablePerson, person_id, "person_id")
    if person.retired_at is not None:
        raise Conflict("chemicals.person_retired", field="person_id", id=person_id)
    return person


def update_person(
    session: Session, principal: Principal, person_id: int, data: PersonPatch
) -> AccountablePerson:
    """Correct a person's details (name, position, phone, appointment date); handing the
    role to someone else is retiring this one and appointing the next, so the checks this
    person did stay theirs."""
    person = _current_person(session, principal, person_id)
    for name, value in given(data).items():
        setattr(person, name, value)
    session.flush()
    return person


def retire_person(
    session: Session, principal: Principal, person_id: int, now: datetime
) -> AccountablePerson:
    """The person no longer holds the role (the role is vacant until the next appointment,
    which the duty status shows as missing)."""
    person = _current_person(session, principal, person_id)
    person.retired_at = now
    session.flush()
    return person


def add_person(
    session: Session, principal: Principal, unit_id: int, data: PersonIn
) -> AccountablePerson:
    unit = writable_unit(session, principal, unit_id)
    if session.scalar(
        select(AccountablePerson.id).where(
            AccountablePerson.unit_id == unit.id,
            AccountablePerson.role == data.role.value,
            AccountablePerson.retired_at.is_(None),
        )
    ):
        raise Conflict("chemicals.role_taken", field="role", role=data.role.value)
    person = AccountablePerson(
        organisation_id=unit.organisation_id,
        unit_id=unit.id,
        role=data.role.value,
        name=data.name,
        position=data.position,
        phone=data.phone,
        appointed_on=data.appointed_on,
    )
    session.add(person)
    session.flush()
    return person


def record_duty_check(
    session: Session, principal: Principal, person_id: int, data: DutyCheckIn, now: datetime
) -> DutyCheck:
    person = _current_person(session, principal, person_id)
    at = data.checked_at or now
    if at > now:
        raise InvalidInput("chemicals.check_in_future", field="checked_at")
    check = DutyCheck(
        organisation_id=person.organisation_id,
        person_id=person.id,
        unit_id=person.unit_id,
        checked_at=at,
        ok=data.ok,
        note=data.note,
        recorded_by=principal.username,
    )
    session.add(check)
    session.flush()
    return check


def duty_checks(session: Session, unit_id: int, limit: int = 100) -> Sequence[DutyCheck]:
    return session.scalars(
        select(DutyCheck)
        .where(DutyCheck.unit_id == unit_id)
        .order_by(DutyCheck.checked_at.desc(), DutyCheck.id.desc())
        .limit(limit)
    ).all()


def last_checks(session: Session, person_ids: Iterable[int]) -> dict[int, datetime]:
    rows = session.execute(
        select(DutyCheck.person_id, func.max(DutyCheck.checked_at))
        .where(DutyCheck.person_id.in_(list(person_ids)))
        .group_by(DutyCheck.person_id)
    ).all()
    return {int(person_id): at for person_id, at in rows}


def duty_status(session: Session, unit_id: int, now: datetime) -> list[dict[str, Any]]:
    """Each role of the unit: who holds it, their last check and whether it is overdue."""
    held = {PersonRole(p.role): p for p in persons(session, unit_id)}
    last = last_checks(session, [p.id for p in held.values()])
    status = []
    for role in PersonRole:
        person = held.get(role)
        checked = last.get(person.id) if person else None
        due = (checked + DUTY_INTERVAL[role]) if checked else None
        status.append(
            {
                "role": role.value,
                "person": None if person is None else person.name,
                "person_id": None if person is None else person.id,
                "last_check": checked,
                "due": due,
                "overdue": person is not None and (due is None or due < now),
            }
        )
    return status


def site_of(session: Session, unit: ChemicalUnit) -> Site | None:
    return session.get(Site, unit.site_id)
