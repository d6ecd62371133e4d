"""Grade ODH events again when their room's ODH assessment changes, in the same commit.

The ODH hook (imported first, so its ``before_commit`` runs first) stores the room's new
assessment; the flush that writes it notes the room here, and just before the commit every
noted room's ODH events are graded with the new class.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, UOWTransaction

from hazwatch.prevention.odh import hooks as odh_hooks  # noqa: F401  (its listeners go first)
from hazwatch.prevention.odh.models import OdhAssessment
from hazwatch.prevention.risks.service import refresh_odh_events

_PENDING = "risk_odh_rooms"


def _note(session: Session, _context: UOWTransaction) -> None:
    rooms: set[int] = session.info.setdefault(_PENDING, set())
    for obj in session.new:
        if isinstance(obj, OdhAssessment):
            rooms.add(obj.room_id)


def _refresh(session: Session) -> None:
    session.flush()
    rooms: set[int] = session.info.pop(_PENDING, set())
    if rooms:
        refresh_odh_events(session, sorted(rooms))


def _forget(session: Session, _previous: Any = None) -> None:
    session.info.pop(_PENDING, None)


def install(session_class: type[Session] = Session) -> None:
    if event.contains(session_class, "before_commit", _refresh):
        return
    event.listen(session_class, "after_flush", _note)
    event.listen(session_class, "before_commit", _refresh)
    event.listen(session_class, "after_soft_rollback", _forget)


install()
