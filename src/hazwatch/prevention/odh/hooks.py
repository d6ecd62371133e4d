"""Re-run a room's ODH assessment in the same unit of work that changed its inputs.

After each flush the rooms touched by the flushed objects (the room itself, its hazard
sources, its declared safeguards, its O2 points) are noted on the session; just before the
commit each noted room is reassessed, so the new assessment commits (and is audited)
together with the change that caused it, or not at all.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, UOWTransaction

from hazwatch.monitoring.kinds import PointKind
from hazwatch.monitoring.models import MeasurementPoint
from hazwatch.prevention.odh.choices import AssessmentTrigger
from hazwatch.prevention.odh.models import OdhSafeguard
from hazwatch.prevention.odh.service import reassess
from hazwatch.registry.models import HazardSource, Room

_PENDING = "odh_rooms"


def _touched(obj: Any) -> tuple[int, AssessmentTrigger] | None:
    if isinstance(obj, Room):
        return obj.id, AssessmentTrigger.ROOM
    if isinstance(obj, HazardSource):
        return obj.room_id, AssessmentTrigger.HAZARD_SOURCE
    if isinstance(obj, OdhSafeguard):
        return obj.room_id, AssessmentTrigger.SAFEGUARD
    if isinstance(obj, MeasurementPoint) and obj.kind == PointKind.O2.value and obj.room_id:
        return obj.room_id, AssessmentTrigger.DETECTOR
    return None


def _note(session: Session, _context: UOWTransaction) -> None:
    pending: dict[int, AssessmentTrigger] = session.info.setdefault(_PENDING, {})
    for obj in (*session.new, *session.dirty, *session.deleted):
        touched = _touched(obj)
        if touched is not None and touched[0] is not None:
            pending.setdefault(*touched)


def _reassess(session: Session) -> None:
    session.flush()  # before_commit runs before the commit's own flush: note what it holds
    pending: dict[int, AssessmentTrigger] = session.info.pop(_PENDING, {})
    for room_id, trigger in sorted(pending.items()):
        room = session.get(Room, room_id)
        if room is not None:
            reassess(session, room, trigger)


def _forget(session: Session, _previous: Any = None) -> None:
    session.info.pop(_PENDING, None)


def install(session_class: type[Session] = Session) -> None:
    """Register the hooks on every session (idempotent)."""
    if event.contains(session_class, "before_commit", _reassess):
        return
    event.listen(session_class, "after_flush", _note)
    event.listen(session_class, "before_commit", _reassess)
    event.listen(session_class, "after_soft_rollback", _forget)


install()
