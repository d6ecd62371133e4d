"""Missing commitments: once a day, past the deadline, every committing organisation without
today's commitment is recorded and flagged to its duty officer and its regulator (the
supervising departments, else the district's fallback owner), through the outbox the alarms
use. A tick plugin of the engine runtime (a manual clock drives it in tests)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from hazwatch.core.clock import NextDue
from hazwatch.core.context import Context
from hazwatch.core.i18n import translate
from hazwatch.monitoring.escalation.service import RECHECK, notify_now
from hazwatch.monitoring.runtime import register_tick_plugin
from hazwatch.prevention.commitments.models import MissedCommitment
from hazwatch.prevention.commitments.service import deadline, missing, today
from hazwatch.prevention.hazard_findings.service import Moment

#: The subject type of the flags (its id: the missed commitment's).
SUBJECT = "commitment_missing"


class CommitmentWatch:
    def __init__(self, context: Context) -> None:
        self.context = context
        self._due = NextDue()

    def tick(self, now: datetime) -> None:
        if self._due.waiting(now):
            return
        token = self._due.token()
        moment = Moment(now, self.context.settings)
        day = today(moment)
        due = deadline(day, moment)
        if now < due:
            self._due.settle(token, min(due, now + RECHECK))
            return
        language = self.context.settings.language
        with self.context.unit_of_work() as session:
            flagged = set(
                session.scalars(
                    select(MissedCommitment.organisation_id).where(MissedCommitment.day == day)
                )
            )
            for organisation in missing(session, None, day):
                if organisation.id in flagged:
                    continue
                row = MissedCommitment(organisation_id=organisation.id, day=day, flagged_at=now)
                session.add(row)
                session.flush()
                params = {
                    "organisation": organisation.name,
                    "day": day.isoformat(),
                    "deadline": self.context.settings.commitment_deadline,
                }
                message = (
                    translate("commitment.missing.subject", language, **params),
                    translate("commitment.missing.body", language, **params),
                )
                for target in ("duty_officer", "regulator"):
                    notify_now(
                        session,
                        subject_type=SUBJECT,
                        subject_id=row.id,
                        organisation_id=organisation.id,
                        target=target,
                        message=message,
                        payload={"organisation_id": organisation.id, "day": day.isoformat()},
                        now=now,
                    )
        # the next look: soon (a commitment published late is still only late)
        self._due.settle(token, now + max(RECHECK, timedelta(minutes=1)))


register_tick_plugin(CommitmentWatch)
