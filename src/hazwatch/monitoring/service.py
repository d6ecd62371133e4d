"""Monitoring configuration and queries: devices, points, history, alarms, statistics.

Writes that change what the engine evaluates (points, devices) reach every engine, in any
process, through their audit entries within a tick (``MonitoringEngine.follow_config``); a
route of the engine's own process calls it at once, after the unit of work commits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal, Role
from hazwatch.core.auth.service import hash_secret, new_secret
from hazwatch.core.clock import utcnow
from hazwatch.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from hazwatch.core.scope import ensure_visible, restrict
from hazwatch.core.settings import Settings
from hazwatch.monitoring.calibration.service import statuses as calibration_statuses
from hazwatch.monitoring.evaluation import PointPresent
from hazwatch.monitoring.kinds import KINDS
from hazwatch.monitoring.models import (
    Alarm,
    AlarmEvent,
    Device,
    IngestRejection,
    MeasurementPoint,
    PointState,
    Reading,
    ReadingMinute,
)
from hazwatch.monitoring.schemas import DeviceIn, PointIn, PointPatch
from hazwatch.registry.models import Building, Room
from hazwatch.registry.scope import Tenancy

DEVICE_SECRET_PREFIX = "hwd_"
#: History answers with raw readings up to this many; beyond, per-minute aggregates.
RAW_HISTORY_LIMIT = 2000
FLOOD_THRESHOLD = 10  # > 10 alarms in 10 minutes (EEMUA 191 / ISA-18.2)
CHATTER_THRESHOLD = 3  # ≥ 3 activations of one alarm within a minute
#: Point settings that default to the kind's (``monitoring.kinds``); overriding needs a reason.
KIND_DEFAULTS = (
    "low_low",
    "low",
    "high",
    "high_high",
    "deadband",
    "storage_deviation",
    "on_delay_s",
    "off_delay_s",
)


#: Alarm actions that change what the enterprise's escalation does (comments do not).
STEERING_ACTIONS = frozenset({"ack", "shelve", "unshelve"})


def ensure_may_operate(
    session: Session, principal: Principal, alarm: Alarm, action: str, settings: Settings
) -> None:
    """The rule for alarm actions: the alarm's organisation acknowledges and shelves; a
    regulator comments (recorded on the alarm's timeline) unless
    ``regulator_may_acknowledge`` is set."""
    ensure_writable(session, principal, alarm.organisation_id)
    if (
        action in STEERING_ACTIONS
        and principal.role is Role.REGULATOR
        and not settings.regulator_may_acknowledge
    ):
        raise Forbidden("monitoring.regulator_comments_only", field="action", action=action)


def ensure_writable(session: Session, principal: Principal, organisation_id: int) -> None:
    """The caller may change this organisation's data (404 unseen, 403 read-only)."""
    Tenancy(session, principal).writable_organisation(organisation_id)


def _site_of_room(session: Session, room: Room) -> int | None:
    building = session.get(Building, room.building_id)
    return building.site_id if building is not None else None


def create_device(session: Session, principal: Principal, data: DeviceIn) -> tuple[Device, str]:
    """Register a device; its secret is returned once and only its hash is stored."""
    tenancy = Tenancy(session, principal)
    owner = tenancy.writable_organisation(data.organisation_id)
    tenancy.writable_site(data.site_id, for_organisation=owner)
    if session.scalar(select(Device.id).where(Device.code == data.code)):
        raise Conflict("monitoring.device_code_taken", field="code", value=data.code)
    secret = DEVICE_SECRET_PREFIX + new_secret()
    device = Device(**data.model_dump(), secret_hash=hash_secret(secret))
    session.add(device)
    session.flush()
    return device, secret


def revoke_device(session: Session, principal: Principal, device_id: int) -> Device:
    device = session.get(Device, device_id)
    if device is None:
        raise NotFound("scope.not_found")
    ensure_writable(session, principal, device.organisation_id)
    if device.revoked_at is None:
        device.revoked_at = utcnow()
    return device


def list_devices(session: Session, principal: Principal) -> list[Device]:
    query = select(Device).order_by(Device.id)
    query = restrict(query, Device.organisation_id, session, principal)
    return list(session.scalars(query))


def create_point(session: Session, principal: Principal, data: PointIn) -> MeasurementPoint:
    """A point takes its kind's unit and default setpoints unless given (with a reason)."""
    tenancy = Tenancy(session, principal)
    owner = tenancy.writable_organisation(data.organisation_id)
    tenancy.writable_site(data.site_id, for_organisation=owner)
    if data.room_id is None and data.tank_id is None:
        raise InvalidInput("monitoring.point_needs_place", field="room_id")
    if data.room_id is not None:
        # A point decides a room's alarms and its doors: only the room's occupant places one.
        room = tenancy.writable_room(data.room_id)
        tenancy.same_organisation(room, owner, "room_id")
        if _site_of_room(session, room) != data.site_id:
            raise InvalidInput("monitoring.point_other_site", field="room_id")
    if data.tank_id is not None:
        tank = tenancy.writable_tank(data.tank_id, for_organisation=owner)
        if tank.site_id != data.site_id:
            raise InvalidInput("monitoring.point_other_site", field="tank_id")
    if data.device_id is not None:
        device = tenancy.writable_device(data.device_id)
        tenancy.same_organisation(device, owner, "device_id")
    if session.scalar(select(MeasurementPoint.id).where(MeasurementPoint.code == data.code)):
        raise Conflict("monitoring.point_code_taken", field="code", value=data.code)
    spec = KINDS[data.kind]
    values = data.model_dump()
    overridden = [
        name
        for name in KIND_DEFAULTS
        if values[name] is not None and values[name] != getattr(spec, name)
    ]
    if overridden and not data.settings_reason.strip():
        raise InvalidInput("monitoring.reason_required", field="settings_reason")
    for name in KIND_DEFAULTS:
        if values[name] is None:
            values[name] = getattr(spec, name)
    _check_setpoints(values)
    point = MeasurementPoint(**values, unit=spec.unit)
    session.add(point)
    session.flush()
    session.add(PointState(point_id=point.id, quality="unknown", conditions=[]))
    return point


def _check_setpoints(values: dict[str, Any]) -> None:
    order = [values.get(name) for name in ("low_low", "low", "high", "high_high")]
    given = [v for v in order if v is not None]
    if given != sorted(given):
        raise InvalidInput("monitoring.setpoints_out_of_order", field="low")


def update_point(
    session: Session, principal: Principal, point_id: int, patch: PointPatch
) -> MeasurementPoint:
    point = get_point(session, principal, point_id)
    ensure_writable(session, principal, point.organisation_id)
    changes = patch.model_dump(exclude_unset=True, exclude={"reason"})
    values = {name: getattr(point, name) for name in ("low_low", "low", "high", "high_high")}
    values.update({k: v for k, v in changes.items() if k in values})
    _check_setpoints(values)
    for name, value in changes.items():
        setattr(point, name, value)
    point.settings_reason = patch.reason
    return point


def get_point(session: Session, principal: Principal, point_id: int) -> MeasurementPoint:
    point = session.get(MeasurementPoint, point_id)
    if point is None:
        raise NotFound("scope.not_found")
    ensure_visible(session, principal, point.organisation_id)
    return point


def list_points(
    session: Session,
    principal: Principal,
    *,
    room_id: int | None = None,
    site_id: int | None = None,
) -> list[MeasurementPoint]:
    query = select(MeasurementPoint).order_by(MeasurementPoint.id)
    query = restrict(query, MeasurementPoint.organisation_id, session, principal)
    if room_id is not None:
        query = query.where(MeasurementPoint.room_id == room_id)
    if site_id is not None:
        query = query.where(MeasurementPoint.site_id == site_id)
    return list(session.scalars(query))


def point_statuses(
    session: Session,
    principal: Principal,
    *,
    room_id: int | None = None,
    present: Callable[[int], PointPresent | None] | None = None,
    at: datetime | None = None,
) -> list[dict[str, Any]]:
    """Current value and quality per point; anything but good quality has no value; a
    detector whose calibration failed or ran out is marked ``uncalibrated``.

    ``present`` is the engine of this process: it knows the newest reading of the points it
    serves, where ``point_state`` holds the newest stored one (storage by exception)."""
    points = list_points(session, principal, room_id=room_id)
    calibration = calibration_statuses(session, [p.id for p in points], at or utcnow())
    states = {
        s.point_id: PointPresent(s.at, s.value, s.quality, tuple(s.conditions))
        for s in session.scalars(
            select(PointState).where(PointState.point_id.in_([p.id for p in points]))
        )
    }
    out = []
    for point in points:
        now = present(point.id) if present is not None else None
        if now is None or now.at is None:
            now = states.get(point.id) or PointPresent(None, None, "unknown", ())
        out.append(
            {
                "point_id": point.id,
                "code": point.code,
                "kind": point.kind,
                "unit": point.unit,
                "modelled": KINDS[point.kind].modelled,  # type: ignore[index]
                "value": now.value if now.quality == "good" else None,
                "at": now.at,
                "quality": now.quality,
                "conditions": list(now.conditions),
                "calibration": calibration[point.id].status,
                "uncalibrated": calibration[point.id].uncalibrated,
            }
        )
    return out


def history(
    session: Session,
    principal: Principal,
    point_id: int,
    start: datetime,
    end: datetime,
    max_points: int = 500,
) -> tuple[str, list[dict[str, Any]]]:
    """A point's history, downsampled to at most ``max_points`` buckets."""
    get_point(session, principal, point_id)
    if end <= start:
        raise InvalidInput("monitoring.bad_range", field="end")
    raw = session.execute(
        select(Reading.ts, Reading.value)
        .where(Reading.point_id == point_id, Reading.ts >= start, Reading.ts < end)
        .order_by(Reading.ts)
        .limit(RAW_HISTORY_LIMIT + 1)
    ).all()
    if len(raw) <= RAW_HISTORY_LIMIT:
        rows = [{"t": ts, "value": value} for ts, value in raw]
        resolution = "raw"
    else:
        minutes = session.execute(
            select(ReadingMinute)
            .where(
                ReadingMinute.point_id == point_id,
                ReadingMinute.minute >= start,
                ReadingMinute.minute < end,
            )
            .order_by(ReadingMinute.minute)
        ).scalars()
        rows = [
            {"t": m.minute, "value": m.total / m.count, "minimum": m.minimum, "maximum": m.maximum}
            for m in minutes
        ]
        resolution = "minute"
    return resolution, downsample(rows, max_points)


def downsample(rows: list[dict[str, Any]], max_points: int) -> list[dict[str, Any]]:
    """Bucket consecutive rows, keeping each bucket's mean, minimum and maximum (so a dip
    below a setpoint survives the averaging)."""
    if len(rows) <= max_points:
        return rows
    size = -(-len(rows) // max_points)
    out = []
    for index in range(0, len(rows), size):
        bucket = [r for r in rows[index : index + size] if r["value"] is not None]
        if not bucket:
            continue
        values = [r["value"] for r in bucket]
        out.append(
            {
                "t": bucket[0]["t"],
                "value": sum(values) / len(values),
                "minimum": min(r.get("minimum", r["value"]) for r in bucket),
                "maximum": max(r.get("maximum", r["value"]) for r in bucket),
            }
        )
    return out


def list_alarms(
    session: Session,
    principal: Principal,
    *,
    active_only: bool = True,
    site_id: int | None = None,
    room_id: int | None = None,
    state: str | None = None,
) -> list[Alarm]:
    """Alarms needing attention first: by priority, then oldest raised first."""
    query = select(Alarm)
    query = restrict(query, Alarm.organisation_id, session, principal)
    if active_only:
        query = query.where(Alarm.state != "normal")
    for column, value in ((Alarm.site_id, site_id), (Alarm.room_id, room_id), (Alarm.state, state)):
        if value is not None:
            query = query.where(column == value)
    rank = {"urgent": 0, "high": 1, "medium": 2, "low": 3}
    alarms = list(session.scalars(query))
    return sorted(alarms, key=lambda a: (rank.get(a.priority, 9), a.raised_at or a.changed_at))


def alarm_events(
    session: Session,
    principal: Principal,
    *,
    alarm_id: int | None = None,
    site_id: int | None = None,
    since: datetime | None = None,
    limit: int = 500,
) -> list[AlarmEvent]:
    query = select(AlarmEvent).order_by(AlarmEvent.at.desc(), AlarmEvent.id.desc()).limit(limit)
    query = restrict(query, AlarmEvent.organisation_id, session, principal)
    if alarm_id is not None:
        query = query.where(AlarmEvent.alarm_id == alarm_id)
    if site_id is not None:
        query = query.where(AlarmEvent.site_id == site_id)
    if since is not None:
        query = query.where(AlarmEvent.at >= since)
    return list(session.scalars(query))


def get_alarm(session: Session, principal: Principal, alarm_id: int) -> Alarm:
    alarm = session.get(Alarm, alarm_id)
    if alarm is None:
        raise NotFound("scope.not_found")
    ensure_visible(session, principal, alarm.organisation_id)
    return alarm


def site_statistics(
    session: Session, principal: Principal, site_id: int, end: datetime, minutes: int = 1440
) -> dict[str, Any]:
    """Operator load: activations, the busiest 10 minutes, flood windows, chattering alarms."""
    start = end - timedelta(minutes=minutes)
    raises = [
        e
        for e in alarm_events(session, principal, site_id=site_id, since=start, limit=100_000)
        if e.event == "raise" and e.at <= end
    ]
    times = sorted(e.at for e in raises)
    peak = 0
    flood_windows = 0
    left = 0
    window = timedelta(minutes=10)
    for right, at in enumerate(times):
        while at - times[left] >= window:
            left += 1
        peak = max(peak, right - left + 1)
    for bucket in Counter(int((t - start).total_seconds() // 600) for t in times).values():
        flood_windows += bucket > FLOOD_THRESHOLD
    by_alarm: dict[int, list[datetime]] = {}
    for event in raises:
        by_alarm.setdefault(event.alarm_id, []).append(event.at)
    chattering = []
    for alarm_id, stamps in by_alarm.items():
        stamps.sort()
        burst = max(
            sum(1 for t in stamps[i:] if t - stamps[i] < timedelta(minutes=1))
            for i in range(len(stamps))
        )
        if burst >= CHATTER_THRESHOLD:
            chattering.append({"alarm_id": alarm_id, "activations_per_minute": burst})
    return {
        "site_id": site_id,
        "window_minutes": minutes,
        "activations": len(times),
        "peak_per_10_min": peak,
        "flood_windows": flood_windows,
        "chattering": chattering,
    }


def list_rejections(
    session: Session, principal: Principal, limit: int = 200
) -> list[IngestRejection]:
    query = select(IngestRejection).order_by(IngestRejection.id.desc()).limit(limit)
    query = restrict(query, IngestRejection.organisation_id, session, principal)
    return list(session.scalars(query))
