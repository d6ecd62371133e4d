"""Equipment whose periodic check falls overdue opens its hidden danger on that day (a tick
plugin of the engine runtime, like the SCBA sets' watch)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from hazwatch.core.audit.service import revision as audit_revision
from hazwatch.core.clock import NextDue
from hazwatch.core.context import Context
from hazwatch.emergency.readiness.models import Equipment, EquipmentCheck
from hazwatch.emergency.readiness.service import open_equipment_danger
from hazwatch.monitoring.escalation.service import RECHECK
from hazwatch.monitoring.runtime import register_tick_plugin
from hazwatch.prevention.hazard_findings.service import Moment


class EquipmentWatch:
    def __init__(self, context: Context) -> None:
        self.context = context
        self._due = NextDue()
        self._revision = audit_revision()

    def tick(self, now: datetime) -> None:
        if audit_revision() != self._revision:
            self._revision = audit_revision()
            self._due.invalidate()
        if self._due.waiting(now):
            return
        token = self._due.token()
        next_due = now + RECHECK
        moment = Moment(now, self.context.settings)
        with self.context.unit_of_work() as session:
            latest = (
                select(Equipment, func.max(EquipmentCheck.at))
                .join(EquipmentCheck, EquipmentCheck.equipment_id == Equipment.id)
                .group_by(Equipment.id)
            )
            for item, checked_at in session.execute(latest).all():
                falls_due = checked_at + timedelta(days=item.check_interval_days)
                if now > falls_due:
                    open_equipment_danger(session, item, moment)
                else:
                    next_due = min(next_due, falls_due)
        self._due.settle(token, next_due)


register_tick_plugin(EquipmentWatch)
