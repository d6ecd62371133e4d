"""The automatic dispatch scan on the engine's tick (issue 15 item 3, seed 001 §14 派单核查):
warnings at or above the configured levels become work orders without anyone pressing
"scan", and open orders are reminded and escalated on time. A scan is idempotent (one open
order per source), so the tick, the API's scan and the CLI's ``--scan`` may all run it."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from hazwatch.core.clock import NextDue
from hazwatch.core.context import Context
from hazwatch.monitoring.escalation.service import RECHECK
from hazwatch.monitoring.runtime import register_tick_plugin
from hazwatch.supervision import dispatch
from hazwatch.supervision.interconnect import service as feed
from hazwatch.supervision.tasks import service as tasks

#: How often registry findings and overdue hidden dangers are scanned: they change by the
#: day (a licence lapses, a deadline passes), and computing every finding is the dear part.
RECORDS_EVERY = timedelta(minutes=15)


class DispatchWatch:
    """Alarms once a minute (``RECHECK``: an urgent order's quarter of an hour to accept
    leaves room for that), reminders and escalation with them, records every 15 minutes."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self._due = NextDue()
        self._records_due = NextDue()

    def tick(self, now: datetime) -> None:
        if self._due.waiting(now):
            return
        token = self._due.token()
        records = not self._records_due.waiting(now)
        records_token = self._records_due.token()
        settings = self.context.settings
        with self.context.unit_of_work() as session:
            dispatch.scan_alarms(session, now, settings)
            if records:
                dispatch.scan_records(session, now, settings)
            dispatch.tick(session, now, settings)
        if records:
            self._records_due.settle(records_token, now + RECORDS_EVERY)
        self._due.settle(token, now + RECHECK)


register_tick_plugin(DispatchWatch)


class TaskWatch:
    """Reminds lead departments of progress reports due (from the 21st; from 1 December for
    the year-end summary) and flags those past their deadline, each once, every 15 minutes."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self._due = NextDue()

    def tick(self, now: datetime) -> None:
        if self._due.waiting(now):
            return
        token = self._due.token()
        with self.context.unit_of_work() as session:
            tasks.remind(session, now, self.context.settings)
        self._due.settle(token, now + RECORDS_EVERY)


register_tick_plugin(TaskWatch)


class FeedWatch:
    """Collects the outbound feed each minute (registry findings every 15 minutes) and
    delivers it to the subscribed platforms; deliveries (HTTP, up to a few seconds each)
    run on a thread of their own, never on the engine's tick."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self._due = NextDue()
        self._findings_due = NextDue()
        self._sending = threading.Lock()

    def tick(self, now: datetime) -> None:
        if self._due.waiting(now):
            return
        token = self._due.token()
        findings = not self._findings_due.waiting(now)
        findings_token = self._findings_due.token()
        with self.context.unit_of_work() as session:
            feed.collect(session, now, self.context.settings, with_findings=findings)
            subscribed = feed.any_active(session)
        if findings:
            self._findings_due.settle(findings_token, now + RECORDS_EVERY)
        if subscribed and self._sending.acquire(blocking=False):
            threading.Thread(target=self._send, args=(now,), daemon=True).start()
        self._due.settle(token, now + RECHECK)

    def _send(self, now: datetime) -> None:
        try:
            with self.context.unit_of_work() as session:
                feed.deliver_due(session, now)
        finally:
            self._sending.release()


register_tick_plugin(FeedWatch)
