"""A detector whose calibration runs out opens its hidden danger on the day it does, not on
the day of need. A tick plugin of the engine runtime (a manual clock drives it in tests)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from hazwatch.core.audit.service import revision as audit_revision
from hazwatch.core.clock import NextDue
from hazwatch.core.context import Context
from hazwatch.monitoring.calibration.models import DetectorCalibration
from hazwatch.monitoring.calibration.service import CALIBRATION, open_hidden_danger
from hazwatch.monitoring.escalation.service import RECHECK
from hazwatch.monitoring.models import MeasurementPoint
from hazwatch.monitoring.runtime import register_tick_plugin
from hazwatch.prevention.hazard_findings.service import Moment


class CalibrationWatch:
    def __init__(self, context: Context) -> None:
        self.context = context
        self._due = NextDue()
        self._revision = audit_revision()

    def tick(self, now: datetime) -> None:
        if audit_revision() != self._revision:  # a new record may move a due date
            self._revision = audit_revision()
            self._due.invalidate()
        if self._due.waiting(now):
            return
        token = self._due.token()
        next_due = now + RECHECK
        moment = Moment(now, self.context.settings)
        with self.context.unit_of_work() as session:
            latest = (
                select(DetectorCalibration.point_id, func.max(DetectorCalibration.at))
                .where(DetectorCalibration.kind == CALIBRATION)
                .group_by(DetectorCalibration.point_id)
            )
            for point_id, at in session.execute(latest).all():
                valid_until = session.scalar(
                    select(DetectorCalibration.valid_until).where(
                        DetectorCalibration.point_id == point_id,
                        DetectorCalibration.kind == CALIBRATION,
                        DetectorCalibration.at == at,
                    )
                )
                if valid_until is None:
                    continue
                if now > valid_until:
                    point = session.get(MeasurementPoint, point_id)
                    if point is not None:
                        open_hidden_danger(session, point, moment)
                else:
                    next_due = min(next_due, valid_until)
        self._due.settle(token, next_due)


register_tick_plugin(CalibrationWatch)
