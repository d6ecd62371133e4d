"""The coverage indicators in the monthly progress report (附件2): tasks 11, 16, 17 and 19 of
the seed's table carry ``coverage_<key>``, filled in when the lead department submits."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from hazwatch.core.clock import local_date
from hazwatch.core.settings import Settings
from hazwatch.district.coverage import service
from hazwatch.registry.scope import jurisdiction_subtree
from hazwatch.supervision.models import SupervisionTask
from hazwatch.supervision.tasks import service as tasks


def _compute(key: str) -> tasks.Indicator:
    def compute(
        session: Session, task: SupervisionTask, now: datetime, settings: Settings
    ) -> dict[str, Any]:
        today = local_date(now, settings.timezone)
        area = jurisdiction_subtree(session, task.jurisdiction_id)
        figure = service.area_figure(session, area, key, today, settings)
        rate = figure.rate
        return {
            "value": None if rate is None else str(rate.quantize(Decimal("0.1"))),
            "numerator": figure.numerator,
            "denominator": figure.denominator,
            "target": str(figure.target),
            "missing": len(figure.gaps),
        }

    return compute


for indicator in service.INDICATORS:
    tasks.register_indicator(f"coverage_{indicator.key}", "%", _compute(indicator.key))
