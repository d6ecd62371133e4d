"""Confined-space permits and gas tests (GB 30871-2022 §6: O2 19.5–21 %, entry within 30 min
of the gas test; some rules allow up to 60 min, hence the setting)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal
from hazwatch.core.errors import Conflict, InvalidInput, NotFound
from hazwatch.core.scope import ensure_visible
from hazwatch.prevention.models import GasTest, WorkPermit
from hazwatch.registry.models import Room

O2_MIN = Decimal("19.5")  # GB 30871-2022 §6.1 (oxygen content for confined-space entry)
O2_MAX = Decimal("21")
GAS_TEST_MAX_AGE = timedelta(minutes=30)


@dataclass(frozen=True)
class EntryClearance:
    cleared: bool
    reason: str | None
    permit: str | None = None
    test_age_minutes: int | None = None


def open_permit(
    session: Session,
    principal: Principal,
    *,
    room_id: int,
    number: str,
    valid_from: datetime,
    valid_until: datetime,
) -> WorkPermit:
    room = session.get(Room, room_id)
    if room is None:
        raise NotFound("prevention.room_not_found", field="room_id", id=room_id)
    ensure_visible(session, principal, room.organisation_id)
    if valid_until <= valid_from:
        raise InvalidInput("prevention.bad_validity", field="valid_until")
    if session.scalar(select(WorkPermit.id).where(WorkPermit.number == number)):
        raise Conflict("prevention.permit_number_taken", field="number", value=number)
    permit = WorkPermit(
        organisation_id=room.organisation_id,
        room_id=room_id,
        number=number,
        valid_from=valid_from,
        valid_until=valid_until,
        issued_by=principal.username,
    )
    session.add(permit)
    session.flush()
    return permit


def record_gas_test(
    session: Session,
    principal: Principal,
    *,
    permit_number: str,
    at: datetime,
    o2_percent: Decimal,
) -> GasTest:
    permit = session.scalar(select(WorkPermit).where(WorkPermit.number == permit_number))
    if permit is None:
        raise NotFound("prevention.permit_not_found", field="permit_number", value=permit_number)
    ensure_visible(session, principal, permit.organisation_id)
    if not Decimal(0) <= o2_percent <= Decimal(100):
        raise InvalidInput("prevention.bad_o2", field="o2_percent")
    test = GasTest(
        permit_id=permit.id,
        organisation_id=permit.organisation_id,
        at=at,
        tester=principal.username,
        o2_percent=o2_percent,
    )
    session.add(test)
    session.flush()
    return test


def confined_space_clearance(
    session: Session, room_id: int, now: datetime, max_age: timedelta = GAS_TEST_MAX_AGE
) -> EntryClearance:
    """Entry into a confined space needs an open permit and a passing, fresh gas test."""
    permit = session.scalar(
        select(WorkPermit).where(
            WorkPermit.room_id == room_id,
            WorkPermit.closed.is_(False),
            WorkPermit.valid_from <= now,
            WorkPermit.valid_until > now,
        )
    )
    if permit is None:
        return EntryClearance(False, "access.reason.no_permit")
    test = session.scalar(
        select(GasTest).where(GasTest.permit_id == permit.id).order_by(GasTest.at.desc())
    )
    if test is None:
        return EntryClearance(False, "access.reason.no_gas_test", permit.number)
    age = now - test.at
    minutes = int(age.total_seconds() // 60)
    if age > max_age:
        return EntryClearance(False, "access.reason.gas_test_too_old", permit.number, minutes)
    if not O2_MIN <= test.o2_percent <= O2_MAX:
        return EntryClearance(False, "access.reason.gas_test_failed", permit.number, minutes)
    return EntryClearance(True, None, permit.number, minutes)
