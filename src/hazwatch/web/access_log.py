"""Door decisions for the access log page, scoped with the same ``restrict`` the access
API's decision list uses, and their reasons in the reader's language."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal
from hazwatch.core.scope import restrict
from hazwatch.monitoring.access.models import AccessDecision
from hazwatch.monitoring.access.service import describe
from hazwatch.registry.models import DoorGuard
from hazwatch.web.text import language

#: Most recent decisions read per page (filters apply to these).
LIMIT = 500


def decisions(
    session: Session,
    who: Principal,
    *,
    person: str | None = None,
    room_id: int | None = None,
) -> list[AccessDecision]:
    query = select(AccessDecision).order_by(AccessDecision.id.desc()).limit(LIMIT)
    query = restrict(query, AccessDecision.organisation_id, session, who)
    if person:
        query = query.where(AccessDecision.person.ilike(f"%{person}%"))
    if room_id is None:
        return list(session.scalars(query))
    # In SQL through the doors guarding the room (before the limit), then only decisions
    # that covered the room when they were taken, as the access API does.
    guarding = select(DoorGuard.door_id).where(DoorGuard.room_id == room_id)
    rows = session.scalars(query.where(AccessDecision.door_id.in_(guarding)))
    return [row for row in rows if room_id in row.room_ids]


def reason_text(reason: dict[str, Any]) -> str:
    return describe(reason, language())
