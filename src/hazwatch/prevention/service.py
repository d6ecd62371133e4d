"""Special-work permits (confined-space entry and hot work) and their gas tests.

GB 30871-2022: a permit is applied for with the isolations in place (blinds, lock-out; a
confined-space permit needs at least one), approved by someone other than the applicant and
whoever recorded it, and clears work only while valid, approved, with its guardian (监护人;
the fire watcher for hot work) confirmed on site and a passing gas test no older than 30 min
(longer, up to 60 min, only where the enterprise's rules allow: the
``gas_test_max_age_minutes`` setting).

A passing test: confined space, oxygen 19.5–21 % by volume; hot work, oxygen 19.5–23.5 % (no
enrichment). Combustible gas is judged as GB 30871-2022 states it for hot-work gas analysis
(动火分析及合格判定指标), by volume fraction against the measured gas's lower explosive limit
(LEL, % by volume, from its SDS): a gas whose LEL is 4 % or more passes at ≤ 0.5 % by volume,
one whose LEL is below 4 % at ≤ 0.2 % (both bounds inclusive, exact decimals:
:func:`combustible_limit`; the standard's text is not in the project's reference set, so these
two limits and the 23.5 % hot-work oxygen ceiling are unverified there). A hot-work test needs
that analysis (a test without it is refused); a confined-space test is judged by it when it
has one. A portable detector's %LEL reading is converted with the gas's LEL (volume % =
reading × LEL / 100): for ammonia (LEL 15 %) 10 % LEL is 1.5 % by volume, three times the
limit, so the %LEL reading alone is never the criterion. A toxic reading (ppm) is judged
against the permitted concentration the tester gives with it (GBZ 2.1 for that substance, in
the same unit; a reading equal to it passes). A permit that is closed, not yet valid or
expired clears nobody.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal
from hazwatch.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from hazwatch.core.scope import ensure_visible, restrict
from hazwatch.prevention.models import GasTest, WorkPermit
from hazwatch.registry.scope import Tenancy

O2_MIN = Decimal("19.5")  # GB 30871-2022, confined-space gas test: oxygen 19.5–21 %
O2_MAX = Decimal("21")
HOT_WORK_O2_MAX = Decimal("23.5")  # no oxygen enrichment where there is a flame
#: GB 30871-2022, 动火分析及合格判定指标: the LEL (% by volume) that splits the two limits, and
#: the limits themselves (% by volume; a reading equal to the limit passes).
LEL_SPLIT = Decimal(4)
COMBUSTIBLE_MAX_HIGH_LEL = Decimal("0.5")  # gas with LEL ≥ 4 %
COMBUSTIBLE_MAX_LOW_LEL = Decimal("0.2")  # gas with LEL < 4 %
MAX_PPM = Decimal(1_000_000)
CONFINED_SPACE, HOT_WORK = "confined_space", "hot_work"
KINDS = (CONFINED_SPACE, HOT_WORK)
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
    kind: str = CONFINED_SPACE,
    applicant: str = "",
    guardian: str = "",
    isolations: list[str] | None = None,
    now: datetime | None = None,
) -> WorkPermit:
    """Apply for a permit (``now``: refuse one that has already run out)."""
    room = Tenancy(session, principal).writable_room(room_id)
    if kind not in KINDS:
        raise InvalidInput("prevention.bad_kind", field="kind", kind=kind)
    if valid_until <= valid_from:
        raise InvalidInput("prevention.bad_validity", field="valid_until")
    if now is not None and valid_until <= now:
        raise InvalidInput("prevention.validity_in_past", field="valid_until")
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
        kind=kind,
        applicant=(applicant or principal.username).strip(),
        guardian=guardian.strip(),
        isolations=[i.strip() for i in isolations or [] if i.strip()],
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


def approve_permit(
    session: Session, principal: Principal, permit_id: int, now: datetime
) -> WorkPermit:
    """Approval by someone other than the applicant and whoever recorded the permit; a
    confined-space permit needs its isolations listed first."""
    permit = writable_permit(session, principal, permit_id)
    if permit.closed:
        raise Conflict("prevention.permit_closed", field="permit_id", number=permit.number)
    if permit.approved_at is not None:
        raise Conflict("prevention.permit_already_approved", field="permit_id")
    if principal.username in {permit.applicant, permit.issued_by}:
        raise Forbidden("prevention.self_approval", field="approved_by")
    if permit.kind == CONFINED_SPACE and not permit.isolations:
        raise InvalidInput("prevention.isolations_required", field="isolations")
    if permit.valid_until <= now:
        raise InvalidInput("prevention.validity_in_past", field="valid_until")
    permit.approved_by, permit.approved_at = principal.username, now
    session.flush()
    return permit


def confirm_guardian(
    session: Session, principal: Principal, permit_id: int, *, guardian: str, present: bool
) -> WorkPermit:
    """The guardian named and confirmed on site (or gone: work stops)."""
    permit = writable_permit(session, principal, permit_id)
    if permit.closed:
        raise Conflict("prevention.permit_closed", field="permit_id", number=permit.number)
    guardian = guardian.strip()
    if not guardian:
        raise InvalidInput("prevention.guardian_required", field="guardian")
    permit.guardian, permit.guardian_present = guardian, present
    session.flush()
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
    combustible_percent: Decimal | None = None,
    gas_lel_percent: Decimal | None = None,
    combustible_gas: str = "",
    toxic_limit_ppm: Decimal | None = None,
    toxic_gas: str = "",
) -> GasTest:
    """Record a gas test. Combustible gas comes as a volume fraction (``combustible_percent``)
    or as a detector's %LEL reading (``lel_percent``), either with the measured gas's LEL
    (``gas_lel_percent``, % by volume); a hot-work test needs it."""
    permit = writable_permit(session, principal, permit_id)
    if permit.closed:
        raise Conflict("prevention.permit_closed", field="permit_id", number=permit.number)
    if not Decimal(0) <= o2_percent <= Decimal(100):
        raise InvalidInput("prevention.bad_o2", field="o2_percent")
    combustible_percent = _combustible_volume(
        permit.kind, lel_percent, combustible_percent, gas_lel_percent
    )
    _toxic(toxic_ppm, toxic_limit_ppm)
    test = GasTest(
        permit_id=permit.id,
        organisation_id=permit.organisation_id,
        at=at,
        tester=principal.username,
        o2_percent=o2_percent,
        toxic_ppm=toxic_ppm,
        lel_percent=lel_percent,
        combustible_percent=combustible_percent,
        gas_lel_percent=gas_lel_percent,
        combustible_gas=combustible_gas.strip(),
        toxic_limit_ppm=toxic_limit_ppm,
        toxic_gas=toxic_gas.strip(),
    )
    session.add(test)
    session.flush()
    return test


def _percent(value: Decimal | None, field: str, *, positive: bool = False) -> None:
    """A percentage that is a finite number in [0, 100] (above 0 where ``positive``)."""
    if value is None:
        return
    low_ok = value > 0 if positive else value >= 0
    if not value.is_finite() or not low_ok or value > 100:
        raise InvalidInput("prevention.bad_percent", field=field)


def _combustible_volume(
    kind: str,
    lel_percent: Decimal | None,
    combustible_percent: Decimal | None,
    gas_lel_percent: Decimal | None,
) -> Decimal | None:
    """The combustible gas as a volume fraction (%), checked and converted from a %LEL
    reading where that is what was measured (exactly: volume % = reading × LEL / 100)."""
    _percent(lel_percent, "lel_percent")
    _percent(combustible_percent, "combustible_percent")
    _percent(gas_lel_percent, "gas_lel_percent", positive=True)
    if lel_percent is not None and combustible_percent is not None:
        raise InvalidInput("prevention.combustible_twice", field="combustible_percent")
    measured = lel_percent is not None or combustible_percent is not None
    if not measured:
        if kind == HOT_WORK:
            raise InvalidInput("prevention.combustible_required", field="combustible_percent")
        return None
    if gas_lel_percent is None:
        raise InvalidInput("prevention.gas_lel_required", field="gas_lel_percent")
    if lel_percent is not None:
        return lel_percent * gas_lel_percent / Decimal(100)
    return combustible_percent


def _toxic(toxic_ppm: Decimal | None, toxic_limit_ppm: Decimal | None) -> None:
    """A toxic reading needs the substance's permitted concentration to be judged by."""
    for value, field in ((toxic_ppm, "toxic_ppm"), (toxic_limit_ppm, "toxic_limit_ppm")):
        if value is not None and (not value.is_finite() or value < 0 or value > MAX_PPM):
            raise InvalidInput("prevention.bad_ppm", field=field)
    if toxic_ppm is not None and toxic_limit_ppm is None:
        raise InvalidInput("prevention.toxic_limit_required", field="toxic_limit_ppm")


def combustible_limit(gas_lel_percent: Decimal) -> Decimal:
    """The highest combustible concentration (% by volume) at which hot work may start, by
    the gas's LEL (GB 30871-2022, 动火分析及合格判定指标): LEL ≥ 4 % → 0.5 %, else 0.2 %."""
    return COMBUSTIBLE_MAX_HIGH_LEL if gas_lel_percent >= LEL_SPLIT else COMBUSTIBLE_MAX_LOW_LEL


def latest_gas_test(session: Session, permit_id: int) -> GasTest | None:
    return session.scalar(
        select(GasTest)
        .where(GasTest.permit_id == permit_id)
        .order_by(GasTest.at.desc(), GasTest.id.desc())
        .limit(1)
    )


def _valid_permits(session: Session, room_id: int, now: datetime, kind: str) -> list[WorkPermit]:
    return list(
        session.scalars(
            select(WorkPermit).where(
                WorkPermit.room_id == room_id,
                WorkPermit.kind == kind,
                WorkPermit.closed.is_(False),
                WorkPermit.valid_from <= now,
                WorkPermit.valid_until > now,
            )
        )
    )


def confined_space_clearance(
    session: Session, room_id: int, now: datetime, max_age: timedelta = GAS_TEST_MAX_AGE
) -> EntryClearance:
    """Entry into a confined space needs a valid, approved, open permit with its guardian
    present whose latest gas test passed no longer than ``max_age`` ago (the boundary itself
    still clears)."""
    permits = _valid_permits(session, room_id, now, CONFINED_SPACE)
    if not permits:
        return EntryClearance(False, "access.reason.no_permit")
    refusals: list[EntryClearance] = []
    for permit in permits:
        clearance = permit_clearance(session, permit, now, max_age)
        if clearance.cleared:
            return clearance
        refusals.append(clearance)
    return refusals[0]


def hot_work_clearance(
    session: Session, room_id: int, now: datetime, max_age: timedelta = GAS_TEST_MAX_AGE
) -> EntryClearance | None:
    """Where hot work is permitted now, the room is safe to enter only while that permit's
    gas test is fresh and passing (None: no hot work here now)."""
    permits = _valid_permits(session, room_id, now, HOT_WORK)
    refusals = []
    for permit in permits:
        clearance = permit_clearance(session, permit, now, max_age)
        if clearance.cleared:
            return clearance
        refusals.append(clearance)
    return refusals[0] if refusals else None


def gas_test_passes(kind: str, test: GasTest) -> bool:
    """Oxygen within its band, a toxic reading at most its permitted concentration, and
    combustible gas within :func:`combustible_limit` of the measured gas (hot work: always
    measured; a test recorded before these rules, with a %LEL reading and no gas LEL or a
    toxic reading without its limit, does not clear)."""
    high = HOT_WORK_O2_MAX if kind == HOT_WORK else O2_MAX
    if not O2_MIN <= test.o2_percent <= high:
        return False
    if test.toxic_ppm is not None and (
        test.toxic_limit_ppm is None or test.toxic_ppm > test.toxic_limit_ppm
    ):
        return False
    if test.combustible_percent is None or test.gas_lel_percent is None:
        return kind != HOT_WORK and test.lel_percent is None
    return test.combustible_percent <= combustible_limit(test.gas_lel_percent)


def permit_clearance(
    session: Session, permit: WorkPermit, now: datetime, max_age: timedelta
) -> EntryClearance:
    if permit.approved_at is None:
        return EntryClearance(False, "access.reason.permit_not_approved", permit.number)
    if not permit.guardian_present:
        return EntryClearance(False, "access.reason.no_guardian", permit.number)
    test = latest_gas_test(session, permit.id)
    if test is None:
        return EntryClearance(False, "access.reason.no_gas_test", permit.number)
    age = now - test.at
    minutes = int(age.total_seconds() // 60)
    if age > max_age:
        return EntryClearance(False, "access.reason.gas_test_too_old", permit.number, minutes)
    if not gas_test_passes(permit.kind, test):
        return EntryClearance(False, "access.reason.gas_test_failed", permit.number, minutes)
    return EntryClearance(True, None, permit.number, minutes)
