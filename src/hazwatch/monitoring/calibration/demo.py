"""The demo district's detector calibrations: the tank yard's O2 detector calibrated three
months ago; the chemical plant's ammonia detector last calibrated thirteen months ago, so its
calibration ran out a month ago (an uncalibrated reading and a hidden danger to show)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import SYSTEM
from hazwatch.monitoring.calibration import service
from hazwatch.monitoring.models import MeasurementPoint
from hazwatch.prevention.hazard_findings.service import Moment


def load(session: Session, moment: Moment) -> None:
    interval = moment.settings.calibration_interval_months
    for code, days, who in (
        ("O2-TANKYARD", 90, "宁波计量测试院 王工"),
        ("NH3-01", 396, "化工厂仪表班 李工"),
    ):
        point = session.scalar(select(MeasurementPoint).where(MeasurementPoint.code == code))
        assert point is not None, code
        service.record(
            session,
            SYSTEM,
            point_id=point.id,
            kind=service.CALIBRATION,
            at=moment.now - timedelta(days=days),
            passed=True,
            performed_by=who,
            moment=moment,
            interval_months=interval,
            reference_gas="标准气体（有证标准物质）",
        )
