"""Tank status and leak settings: scoped reads and writes; never commits.

The status is read from the database (``point_state`` for the level, ``tank_state`` for the
detector), so every process answers the same; unknown level quality shows no numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal
from hazwatch.core.errors import Forbidden, InvalidInput, NotFound
from hazwatch.core.scope import visible_organisations
from hazwatch.monitoring.evaluation import PointPresent
from hazwatch.monitoring.models import PointState
from hazwatch.monitoring.tanks.detector import (
    DEFAULT_FALSE_ALARMS_PER_YEAR,
    DEFAULT_NOISE_MM,
    from_state,
    tuning,
)
from hazwatch.monitoring.tanks.feeds import (
    contracted_draw_mm_h,
    fed_rooms,
    geometry,
    kg_per_mm,
    level_point,
)
from hazwatch.monitoring.tanks.models import TankLeakSetting, TankState
from hazwatch.monitoring.tanks.schemas import (
    DetectorOut,
    LeakSettingsIn,
    RoomRef,
    TankStatusOut,
)
from hazwatch.physics.fit import LEVEL_DROP_MM_H
from hazwatch.physics.leak import (
    Tuning,
    block_for,
    plain_sensitivity,
    steady_leak_found_after,
    step_noise,
)
from hazwatch.registry.choices import Consent
from hazwatch.registry.models import Room, Supply, Tank
from hazwatch.registry.scope import writable_organisations

Present = Callable[[int], PointPresent | None]

#: Sample interval assumed for tuning when a tank has no level point yet, s.
DEFAULT_INTERVAL_S = 300
#: The leak detector is explained by what it finds within this time (DOMAIN §5's target).
PLAIN_WITHIN = timedelta(hours=1)


def tuning_for(session: Session, tank_id: int, interval_s: int) -> Tuning:
    """The tank's CUSUM tuning: its own settings, else the defaults, for this interval."""
    setting = session.get(TankLeakSetting, tank_id)
    if setting is None:
        return tuning(DEFAULT_NOISE_MM, interval_s, DEFAULT_FALSE_ALARMS_PER_YEAR)
    if setting.interval_s != interval_s:  # the gauge's interval changed since tuning
        return tuning(setting.noise_mm, interval_s, setting.false_alarms_per_year)
    block = block_for(float(setting.noise_mm), timedelta(seconds=interval_s))
    noise = step_noise(float(setting.noise_mm), block)
    # the suspicion level follows the noise alone (the same simulation, cached per process)
    suspicion = tuning(setting.noise_mm, interval_s, setting.false_alarms_per_year).suspicion_mm
    return Tuning(
        setting.allowance_mm,
        setting.threshold_mm,
        block,
        noise,
        min(suspicion, setting.threshold_mm),
    )


def _owners(tank: Tank) -> set[int]:
    return {tank.organisation_id} | ({tank.operator_id} if tank.operator_id else set())


def _readers(session: Session, tank: Tank, rooms: list[Room]) -> set[int]:
    """Who may read a tank: its owner and operator, the customers it supplies and the
    organisations whose rooms it feeds (DOMAIN §1: a lab watches the tank feeding its rooms,
    as the 2·7 lab never could). Only owner and operator change its settings."""
    customers = session.scalars(
        select(Supply.customer_id).where(
            Supply.tank_id == tank.id, Supply.status == Consent.CONFIRMED
        )
    )
    return _owners(tank) | set(customers) | {room.organisation_id for room in rooms}


def visible_tank(session: Session, principal: Principal, tank_id: int) -> Tank:
    """The tank if the principal sees one of its readers, else 404."""
    return _visible(session, principal, tank_id)[0]


def _visible(session: Session, principal: Principal, tank_id: int) -> tuple[Tank, list[Room]]:
    """The tank and the rooms it feeds (which also decide who reads it), or 404."""
    tank = session.get(Tank, tank_id)
    if tank is None:
        raise NotFound("scope.not_found")
    rooms = fed_rooms(session, tank.id)
    visible = visible_organisations(session, principal)
    if visible is not None and not _readers(session, tank, rooms) & visible:
        raise NotFound("scope.not_found")
    return tank, rooms


def writable_tank(session: Session, principal: Principal, tank_id: int) -> Tank:
    tank = visible_tank(session, principal, tank_id)
    writable = writable_organisations(session, principal)
    if not principal.can_edit or (writable is not None and not _owners(tank) & writable):
        raise Forbidden("tanks.not_your_tank")
    return tank


def settings_in(raw: Mapping[str, object]) -> LeakSettingsIn:
    """Leak settings typed by a person (console, CLI): a value out of range is refused with
    a message naming the field and its range, in the person's language."""
    try:
        return LeakSettingsIn.model_validate(raw)
    except ValidationError as exc:
        field = str(exc.errors()[0]["loc"][0])
        raise InvalidInput(f"tanks.invalid.{field}", field=field) from None


def update_settings(
    session: Session, principal: Principal, tank_id: int, data: LeakSettingsIn
) -> TankLeakSetting:
    """Set the false-alarm budget and noise; the threshold is tuned here (about a second of
    simulation), so the engine only ever reads a ready tuning."""
    tank = writable_tank(session, principal, tank_id)
    point = level_point(session, tank.id)
    interval = point.expected_interval_s if point is not None else DEFAULT_INTERVAL_S
    tuned = tuning(data.noise_mm, interval, data.false_alarms_per_year)
    setting = session.get(TankLeakSetting, tank.id) or TankLeakSetting(
        tank_id=tank.id, organisation_id=tank.organisation_id
    )
    setting.false_alarms_per_year = data.false_alarms_per_year
    setting.noise_mm = data.noise_mm
    setting.interval_s = interval
    setting.allowance_mm = tuned.allowance_mm
    setting.threshold_mm = tuned.threshold_mm
    session.add(setting)
    session.flush()
    return setting


def statuses(
    session: Session, principal: Principal, now: datetime, present: Present | None = None
) -> list[TankStatusOut]:
    """Every tank the principal may read: those with a leak alarm first, then those whose
    level is not known (unknown is never taken for fine), then by name."""
    visible = visible_organisations(session, principal)
    found = []
    for tank in session.scalars(select(Tank).order_by(Tank.name, Tank.id)):
        rooms = fed_rooms(session, tank.id)
        if visible is None or _readers(session, tank, rooms) & visible:
            found.append(_status(session, tank, rooms, now, present))
    return sorted(
        found, key=lambda s: (not s.detector.leak_alarm_active, s.level_quality == "good")
    )


def status(
    session: Session,
    principal: Principal,
    tank_id: int,
    now: datetime,
    present: Present | None = None,
) -> TankStatusOut:
    """Level, volume and mass now, the rooms the tank feeds, and its leak detector.

    ``present`` is the engine of this process, which knows the gauge's newest level where
    ``point_state`` holds the newest stored one (storage by exception, and written after the
    readings' event): without it the figures can lag by up to a minute."""
    tank, rooms = _visible(session, principal, tank_id)
    return _status(session, tank, rooms, now, present)


def _level(session: Session, point_id: int, present: Present | None) -> PointPresent | None:
    newest = present(point_id) if present is not None else None
    if newest is not None and newest.at is not None:
        return newest
    state = session.get(PointState, point_id)
    if state is None:
        return None
    return PointPresent(state.at, state.value, state.quality, tuple(state.conditions))


def _status(
    session: Session, tank: Tank, rooms: list[Room], now: datetime, present: Present | None
) -> TankStatusOut:
    shape = geometry(tank)
    density = float(tank.liquid_density_kg_m3)
    point = level_point(session, tank.id)
    now_level = _level(session, point.id, present) if point is not None else None
    quality = now_level.quality if now_level is not None else "unknown"
    level = now_level.value if now_level is not None and quality == "good" else None
    volume = None if level is None else shape.volume_at(level)
    setting = session.get(TankLeakSetting, tank.id)
    interval = point.expected_interval_s if point is not None else DEFAULT_INTERVAL_S
    tuned = tuning_for(session, tank.id, interval)
    stored = session.get(TankState, tank.id)
    detector = from_state(stored.detector, tuned) if stored is not None else None
    usual = detector.profile.expected(now) if detector else None
    plain = _plain_words(
        tuned, interval, usual if usual is not None else contracted_draw_mm_h(session, tank)
    )
    return TankStatusOut(
        id=tank.id,
        name=tank.name,
        fluid=tank.fluid,
        orientation=str(tank.orientation),
        capacity_m3=float(tank.volume_m3),
        level_point_id=point.id if point is not None else None,
        level_quality=quality,
        level_mm=level,
        level_at=now_level.at if now_level is not None else None,
        volume_m3=volume,
        mass_kg=None if volume is None else volume * density,
        fill_fraction=None if volume is None else volume / shape.volume_m3,
        contracted_draw_mm_h=contracted_draw_mm_h(session, tank),
        kg_per_mm=kg_per_mm(tank),
        rooms_fed=[RoomRef(id=r.id, name=r.name) for r in rooms],
        detector=DetectorOut(
            false_alarms_per_year=setting.false_alarms_per_year
            if setting
            else DEFAULT_FALSE_ALARMS_PER_YEAR,
            noise_mm=setting.noise_mm if setting else DEFAULT_NOISE_MM,
            allowance_mm=tuned.allowance_mm,
            threshold_mm=tuned.threshold_mm,
            cusum_mm=detector.cusum if detector else None,
            expected_draw_mm_h=usual,
            last_sample_at=detector.last[0] if detector and detector.last else None,
            alarmed_at=detector.alarmed_at if detector else None,
            leak_alarm_active=bool(stored and stored.alarm_rooms),
            **plain,
        ),
    )


def _plain_words(tuned: Tuning, interval_s: int, usual_mm_h: float) -> dict[str, int | None]:
    """:class:`DetectorOut`'s plain-word figures (DOMAIN §5: a leak found within an hour)."""
    interval = timedelta(seconds=interval_s)
    found = plain_sensitivity(tuned, interval, usual_mm_h, PLAIN_WITHIN)
    the_2_7 = steady_leak_found_after(tuned, interval, usual_mm_h, LEVEL_DROP_MM_H, PLAIN_WITHIN)
    return {
        "plain_rate_mm_h": found[0] if found else None,
        "plain_after_min": round(found[1].total_seconds() / 60) if found else None,
        "leak_2_7_after_min": round(the_2_7.total_seconds() / 60) if the_2_7 else None,
    }
