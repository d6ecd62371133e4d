"""Re-identify a unit (GB 18218-2018) in the same unit of work that changed its inputs.

After each flush the units touched by the flushed objects (the unit itself: its people
within 500 m; its holdings: the inventory; a catalogue entry: its classes or Table 1 row,
for every unit holding it) are noted on the session; just before the commit each noted unit
is identified again, so the new identification commits (and is audited) with its cause.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session, UOWTransaction

from hazwatch.chemicals.choices import IdentificationTrigger
from hazwatch.chemicals.models import Chemical, ChemicalHolding, ChemicalUnit
from hazwatch.chemicals.service import identify_unit

_PENDING = "chemical_units"
_CHEMICALS = "chemical_ids"


def _note(session: Session, _context: UOWTransaction) -> None:
    pending: dict[int, IdentificationTrigger] = session.info.setdefault(_PENDING, {})
    chemicals: set[int] = session.info.setdefault(_CHEMICALS, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, ChemicalUnit) and obj.id is not None and obj not in session.deleted:
            pending.setdefault(obj.id, IdentificationTrigger.UNIT)
        elif isinstance(obj, ChemicalHolding) and obj.unit_id is not None:
            pending.setdefault(obj.unit_id, IdentificationTrigger.INVENTORY)
        elif isinstance(obj, Chemical) and obj.id is not None and obj in session.dirty:
            chemicals.add(obj.id)


def _identify(session: Session) -> None:
    session.flush()
    pending: dict[int, IdentificationTrigger] = session.info.pop(_PENDING, {})
    chemicals: set[int] = session.info.pop(_CHEMICALS, set())
    if chemicals:
        for unit_id in session.scalars(
            select(ChemicalHolding.unit_id).where(ChemicalHolding.chemical_id.in_(chemicals))
        ):
            pending.setdefault(unit_id, IdentificationTrigger.CHEMICAL)
    for unit_id, trigger in sorted(pending.items()):
        unit = session.get(ChemicalUnit, unit_id)
        if unit is not None:
            identify_unit(session, unit, trigger)


def _forget(session: Session, _previous: Any = None) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_CHEMICALS, None)


def install(session_class: type[Session] = Session) -> None:
    """Register the hooks on every session (idempotent)."""
    if event.contains(session_class, "before_commit", _identify):
        return
    event.listen(session_class, "after_flush", _note)
    event.listen(session_class, "before_commit", _identify)
    event.listen(session_class, "after_soft_rollback", _forget)


install()
