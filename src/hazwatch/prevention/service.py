"""Confined-space permits and gas tests.

GB 30871-2022 (confined-space work): oxygen 19.5–21 % by volume, and entry within 30 min of
the gas test (longer, up to 60 min, only where the enterprise's rules allow: the
``gas_test_max_age_minutes`` setting). A permit that is closed, not yet valid or expired
clears nobody.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal
from hazwatch.core.errors import Conflict, InvalidInput, NotFound
from hazwatch.core.scope import ensure_visible, restrict
from hazwatch.prevention.models import GasTest, WorkPermit
from hazwatch.registry.scope import Tenancy

O2_MIN = Decimal("19.5")  # GB 30871-2022, confined-space gas test: oxygen 19.5–21 %
O2_MAX = Decimal("21")
GAS_TEST_MAX_AGE = timedelta(minutes=30)  # GB 30871-2022: entry within 30 min of the test


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
    room = Tenancy(session, principal).writable_room(room_id)
    if valid_until <= valid_from:
        raise InvalidInput("prevention.bad_validity", field="valid_until")
    taken = select(WorkPermit.id).where(
        WorkPermit.organisation_id == room.organisation_id, WorkPermit.number == number
    )
    if session.scalar(taken):
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


def get_permit(session: Session, principal: Principal, permit_id: int) -> WorkPermit:
    permit = session.get(WorkPermit, permit_id)
    if permit is None:
        raise NotFound("scope.not_found", field="permit_id")
    ensure_visible(session, principal, permit.organisation_id)
    return permit


def list_permits(
    session: Session, principal: Principal, *, room_id: int | None = None, open_only: bool = False
) -> list[WorkPermit]:
    query = select(WorkPermit).order_by(WorkPermit.id.desc())
    query = restrict(query, WorkPermit.organisation_id, session, principal)
    if room_id is not None:
        query = query.where(WorkPermit.room_id == room_id)
    if open_only:
        query = query.where(WorkPermit.closed.is_(False))
    return list(session.scalars(query))


def writable_permit(session: Session, principal: Principal, permit_id: int) -> WorkPermit:
    permit = get_permit(session, principal, permit_id)
    Tenancy(session, principal).ensure_writable([permit.organisation_id], "permit_id")
    return permit


def close_permit(session: Session, principal: Principal, permit_id: int) -> WorkPermit:
    permit = writable_permit(session, principal, permit_id)
    permit.closed = True
    session.flush()
    return permit


def record_gas_test(
    session: Session,
    principal: Principal,
    *,
    permit_id: int,
    at: datetime,
    o2_percent: Decimal,
    toxic_ppm: Decimal | None = None,
    lel_percent: Decimal | None = None,
) -> GasTest:
    permit = writable_permit(session, principal, permit_id)
    if permit.closed:
        raise Conflict("prevention.permit_closed", field="permit_id", number=permit.number)
    if not Decimal(0) <= o2_percent <= Decimal(100):
        raise InvalidInput("prevention.bad_o2", field="o2_percent")
    test = GasTest(
        permit_id=permit.id,
        organisation_id=permit.organisation_id,
        at=at,
        tester=principal.username,
        o2_percent=o2_percent,
        toxic_ppm=toxic_ppm,
        lel_percent=lel_percent,
    )
    session.add(test)
    session.flush()
    return test


def latest_gas_test(session: Session, permit_id: int) -> GasTest | None:
    return session.scalar(
        select(GasTest)
        .where(GasTest.permit_id == permit_id)
        .order_by(GasTest.at.desc(), GasTest.id.desc())
        .limit(1)
    )


def confined_space_clearance(
    session: Session, room_id: int, now: datetime, max_age: timedelta = GAS_TEST_MAX_AGE
) -> EntryClearance:
    """Entry into a confined space needs a valid open permit whose latest gas test passed
    no longer than ``max_age`` ago (the boundary itself still clears)."""
    permits = session.scalars(
        select(WorkPermit).where(
            WorkPermit.room_id == room_id,
            WorkPermit.closed.is_(False),
            WorkPermit.valid_from <= now,
            WorkPermit.valid_until > now,
        )
    ).all()
    if not permits:
        return EntryClearance(False, "access.reason.no_permit")
    refusals: list[EntryClearance] = []
    for permit in permits:
        clearance = permit_clearance(session, permit, now, max_age)
        if clearance.cleared:
            return clearance
        refusals.append(clearance)
    return refusals[0]


def permit_clearance(
    session: Session, permit: WorkPermit, now: datetime, max_age: timedelta
) -> EntryClearance:
    test = latest_gas_test(session, permit.id)
    if test is None:
        return EntryClearance(False, "access.reason.no_gas_test", permit.number)
    age = now - test.at
    minutes = int(age.total_seconds() // 60)
    if age > max_age:
        return EntryClearance(False, "access.reason.gas_test_too_old", permit.number, minutes)
    if not O2_MIN <= test.o2_percent <= O2_MAX:
        return EntryClearance(False, "access.reason.gas_test_failed", permit.number, minutes)
    return EntryClearance(True, None, permit.number, minutes)
