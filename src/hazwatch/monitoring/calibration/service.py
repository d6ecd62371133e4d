"""Detector calibration: each fixed detector (a measured, not modelled, point) has
calibration and bump-test records; it must be calibrated within the
``calibration_interval_months`` setting (default 12: GB/T 50493-2019 §7 and the JJG 365
verification regulation for electrochemical O2 detectors ask for at least a yearly
calibration). A failed calibration, a failed bump test since the last calibration, or a
calibration past its interval makes the detector *uncalibrated*:

- its readings are marked ``uncalibrated`` in the API and the console;
- it is a hidden danger of its organisation (one per detector while open, closed only
  through the loop, its self-check needing a passing calibration);
- a room whose only O2 detectors are uncalibrated is *unknown* to the door check.

A detector with no record at all is ``unrecorded``: shown as such, not yet uncalibrated (its
factory calibration counts until the first record; recording it is the first step).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import SYSTEM, Principal
from hazwatch.core.errors import InvalidInput, NotFound
from hazwatch.core.scope import restrict
from hazwatch.monitoring.calibration.models import DetectorCalibration
from hazwatch.monitoring.kinds import KINDS
from hazwatch.monitoring.models import MeasurementPoint
from hazwatch.prevention.hazard_findings.choices import HazardGrade
from hazwatch.prevention.hazard_findings.models import HazardFinding
from hazwatch.prevention.hazard_findings.service import (
    Moment,
    SourceKind,
    open_for_source,
    open_from_source,
    register_source,
)
from hazwatch.registry.scope import Tenancy

CALIBRATION, BUMP_TEST = "calibration", "bump_test"
KINDS_OF_RECORD = (CALIBRATION, BUMP_TEST)
SOURCE = "detector_calibration"
CALIBRATED, UNRECORDED, OVERDUE, FAILED = "calibrated", "unrecorded", "overdue", "failed"
UNCALIBRATED = frozenset({OVERDUE, FAILED})


def add_months(moment: datetime, months: int) -> datetime:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


@dataclass(frozen=True)
class CalibrationStatus:
    """Where a detector stands: ``status`` one of calibrated / unrecorded / overdue / failed;
    ``due_at`` when its calibration runs out (None when never calibrated)."""

    point_id: int
    status: str
    last_calibration: datetime | None
    last_bump_test: datetime | None
    due_at: datetime | None

    @property
    def uncalibrated(self) -> bool:
        return self.status in UNCALIBRATED


def judge(
    point_id: int, records: Iterable[DetectorCalibration], now: datetime
) -> CalibrationStatus:
    """The status from a detector's records (pure)."""
    ordered = sorted(records, key=lambda r: (r.at, r.id or 0))
    calibrations = [r for r in ordered if r.kind == CALIBRATION]
    bumps = [r for r in ordered if r.kind == BUMP_TEST]
    last_cal = calibrations[-1] if calibrations else None
    last_bump = bumps[-1] if bumps else None
    due = last_cal.valid_until if last_cal and last_cal.passed else None
    status = CALIBRATED
    if last_cal is None and last_bump is None:
        status = UNRECORDED
    elif (last_cal is not None and not last_cal.passed) or (
        last_bump is not None
        and not last_bump.passed
        and (last_cal is None or last_bump.at >= last_cal.at)
    ):
        status = FAILED
    elif last_cal is None:
        status = UNRECORDED
    elif due is not None and now > due:
        status = OVERDUE
    return CalibrationStatus(
        point_id,
        status,
        last_cal.at if last_cal else None,
        last_bump.at if last_bump else None,
        due,
    )


def statuses(
    session: Session, point_ids: Iterable[int], now: datetime
) -> dict[int, CalibrationStatus]:
    ids = list(point_ids)
    records: dict[int, list[DetectorCalibration]] = {i: [] for i in ids}
    if ids:
        for row in session.scalars(
            select(DetectorCalibration).where(DetectorCalibration.point_id.in_(ids))
        ):
            records[row.point_id].append(row)
    return {i: judge(i, records[i], now) for i in ids}


def is_fixed_detector(point: MeasurementPoint) -> bool:
    kind = KINDS.get(point.kind)  # type: ignore[call-overload]
    return kind is not None and not kind.modelled


def record(
    session: Session,
    principal: Principal,
    *,
    point_id: int,
    kind: str,
    at: datetime,
    passed: bool,
    performed_by: str,
    moment: Moment,
    interval_months: int,
    reference_gas: str = "",
    certificate: str = "",
    notes: str = "",
) -> DetectorCalibration:
    """Record a calibration or bump test; one that leaves the detector uncalibrated opens
    its hidden danger in the same unit of work."""
    point = Tenancy(session, principal).writable_point(point_id)
    if not is_fixed_detector(point):
        raise InvalidInput("calibration.not_a_detector", field="point_id", id=point_id)
    if kind not in KINDS_OF_RECORD:
        raise InvalidInput("calibration.bad_kind", field="kind", kind=kind)
    if at > moment.now:
        raise InvalidInput("calibration.in_future", field="at")
    if not performed_by.strip():
        raise InvalidInput("calibration.performed_by_required", field="performed_by")
    row = DetectorCalibration(
        organisation_id=point.organisation_id,
        point_id=point.id,
        kind=kind,
        at=at,
        passed=passed,
        valid_until=add_months(at, interval_months) if passed and kind == CALIBRATION else None,
        performed_by=performed_by.strip(),
        reference_gas=reference_gas,
        certificate=certificate,
        notes=notes,
        recorded_by=principal.username,
    )
    session.add(row)
    session.flush()
    open_hidden_danger(session, point, moment, principal)
    return row


def open_hidden_danger(
    session: Session, point: MeasurementPoint, moment: Moment, actor: Principal = SYSTEM
) -> HazardFinding | None:
    status = statuses(session, [point.id], moment.now)[point.id]
    if not status.uncalibrated:
        return None
    return open_from_source(
        session,
        moment,
        organisation_id=point.organisation_id,
        source_type=SOURCE,
        source_id=point.id,
        title_key=f"calibration.hazard.{status.status}",
        params=_params(point, status),
        grade=HazardGrade.GENERAL,
        site_id=point.site_id,
        room_id=point.room_id,
        location=point.code,
        actor=actor,
    )


def _params(point: MeasurementPoint, status: CalibrationStatus) -> dict[str, Any]:
    return {
        "point": point.code,
        "due": status.due_at.date().isoformat() if status.due_at else "-",
    }


def _still_failing(
    session: Session, point_id: int, now: datetime
) -> tuple[str, dict[str, Any]] | None:
    point = session.get(MeasurementPoint, point_id)
    if point is None:
        return None
    status = statuses(session, [point_id], now)[point_id]
    if not status.uncalibrated:
        return None
    return f"calibration.hazard.{status.status}", _params(point, status)


register_source(SOURCE, SourceKind("calibration.source", _still_failing))


def hidden_danger_of(session: Session, point_id: int) -> HazardFinding | None:
    return open_for_source(session, SOURCE, point_id)


def list_records(
    session: Session, principal: Principal, point_id: int
) -> list[DetectorCalibration]:
    point = session.get(MeasurementPoint, point_id)
    query = select(DetectorCalibration).where(DetectorCalibration.point_id == point_id)
    query = restrict(query, DetectorCalibration.organisation_id, session, principal)
    rows = list(session.scalars(query.order_by(DetectorCalibration.at.desc())))
    if point is None or (not rows and not _sees(session, principal, point)):
        raise NotFound("scope.not_found", field="point_id", id=point_id)
    return rows


def _sees(session: Session, principal: Principal, point: MeasurementPoint) -> bool:
    return Tenancy(session, principal).may_see(point.organisation_id)


def detectors(
    session: Session, principal: Principal, now: datetime, site_id: int | None = None
) -> list[tuple[MeasurementPoint, CalibrationStatus]]:
    """Every fixed detector the principal sees, with its calibration status."""
    query = select(MeasurementPoint).order_by(MeasurementPoint.code)
    if site_id is not None:
        query = query.where(MeasurementPoint.site_id == site_id)
    query = restrict(query, MeasurementPoint.organisation_id, session, principal)
    points = [p for p in session.scalars(query) if is_fixed_detector(p)]
    found = statuses(session, [p.id for p in points], now)
    return [(p, found[p.id]) for p in points]
