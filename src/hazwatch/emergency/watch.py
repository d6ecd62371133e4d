"""An SCBA set whose last check is older than the monthly check interval opens a hidden
danger when its check falls overdue, not on the day of need (2·7: nobody had checked the
sets). A tick hook of the engine runtime, so a manual clock drives it in tests.

A set never checked at all is a registry finding (``scba_not_ready``) from the day it is
registered; its first check that is low, or a later one that is missed, opens the hidden
danger.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from hazwatch.core.audit.service import revision as audit_revision
from hazwatch.core.clock import NextDue
from hazwatch.core.context import Context
from hazwatch.emergency.models import ScbaCheck, ScbaSet
from hazwatch.emergency.service import CHECK_MAX_AGE, open_hidden_danger
from hazwatch.monitoring.escalation.service import RECHECK
from hazwatch.monitoring.runtime import register_tick_plugin
from hazwatch.prevention.hazard_findings.service import Moment


class ScbaWatch:
    def __init__(self, context: Context) -> None:
        self.context = context
        #: When the next set's check falls overdue; audited writes (a new check) reset it.
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
                select(ScbaSet, func.max(ScbaCheck.at))
                .join(ScbaCheck, ScbaCheck.set_id == ScbaSet.id)
                .group_by(ScbaSet.id)
            )
            for scba, checked_at in session.execute(latest).all():
                falls_due = checked_at + CHECK_MAX_AGE
                if now > falls_due:
                    open_hidden_danger(session, scba, moment)
                else:
                    next_due = min(next_due, falls_due)
        self._due.settle(token, next_due)


register_tick_plugin(ScbaWatch)
