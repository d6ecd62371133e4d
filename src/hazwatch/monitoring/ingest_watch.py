"""The platform operator hears when ingest stalls or lags, and when it is back.

A thread of its own looks at :class:`~hazwatch.monitoring.liveness.IngestLiveness` every
second or so (the engine's tick is no good for this: it waits on the database with
everything else). When ingest stops being healthy it raises one ``ingest_stalled`` notice;
when it is healthy again, one ``ingest_recovered`` notice about the same episode. Notices
go to ``settings.operator_contacts`` through the outbox the alarms use (organisation 0:
the platform itself, seen by platform administrators only).

The usual cause of a stall is the database being away, and then the outbox cannot take the
notice. So a notice the database refuses for that reason is delivered at once through the
same channels, and written to the outbox with its outcome once the database is back (one
that could not be delivered then waits there as pending, and the dispatcher retries it).
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from typing import Any

from hazwatch.core.context import Context
from hazwatch.core.i18n import translate
from hazwatch.monitoring.escalation.models import Notification
from hazwatch.monitoring.escalation.service import Dispatcher
from hazwatch.monitoring.liveness import IngestLiveness, IngestState, IngestStatus
from hazwatch.monitoring.retry import RETRY_MAX_S, transient

log = logging.getLogger(__name__)

STALLED, RECOVERED = "ingest_stalled", "ingest_recovered"
#: The organisation of a notice about the platform itself: none (visible to platform admins).
PLATFORM = 0
#: The ladder target a platform notice is addressed to.
OPERATOR = "platform_operator"


def operator_contacts(entries: list[str]) -> list[tuple[str, str]]:
    """``channel:address`` settings entries as (channel, address)."""
    return [(channel, address) for channel, _sep, address in (e.partition(":") for e in entries)]


class IngestWatch:
    def __init__(self, context: Context, liveness: IngestLiveness, dispatcher: Dispatcher) -> None:
        self.context = context
        self.liveness = liveness
        self.dispatcher = dispatcher
        self.every_s = min(1.0, liveness.stall_after_s / 4)
        #: The stall being told about: its id (wall-clock seconds at its start), or None.
        self.episode: int | None = None
        #: Notices raised so far, by subject type (the metrics count them).
        self.raised: dict[str, int] = {STALLED: 0, RECOVERED: 0}
        self._unwritten: list[Notification] = []
        self._next_write = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="ingest-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._unwritten and not self._write([]):  # one last try
            log.error("%d operator notices not recorded in the outbox", len(self._unwritten))

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            try:
                self.check()
            except Exception:  # keep watching: this is what reports the others
                log.exception("ingest watch failed")

    def check(self) -> IngestStatus:
        """Compare ingest with what was last told; raise a notice on a change."""
        status = self.liveness.status()
        if status.state is not IngestState.OK and self.episode is None:
            self.episode = int(time.time())
            log.error("ingest %s: %s", status.state.value, status.as_dict())
            self._tell(STALLED, status)
        elif status.state is IngestState.OK and self.episode is not None:
            log.warning("ingest recovered: %s", status.as_dict())
            self._tell(RECOVERED, status)
            self.episode = None
        if self._unwritten and time.monotonic() >= self._next_write:
            self._write([])
        return status

    def _tell(self, kind: str, status: IngestStatus) -> None:
        assert self.episode is not None
        self.raised[kind] += 1
        settings = self.context.settings
        now = self.context.clock.now()
        language = settings.language
        state = translate(f"ingest.state.{status.state.value}", language)
        pending, waited = status.pending, round(status.oldest_s or status.failing_s or 0)
        subject = translate(
            f"ingest.notice.{kind}_subject", language, state=state, pending=pending, waited=waited
        )
        body = translate(
            f"ingest.notice.{kind}_body", language, state=state, pending=pending, waited=waited
        )
        payload: dict[str, Any] = {"episode": self.episode, **status.as_dict()}
        rows = [
            _notice(kind, self.episode, channel, address, subject, body, payload, now)
            for channel, address in operator_contacts(settings.operator_contacts)
        ]
        if not rows:
            log.warning("no operator contact (settings.operator_contacts): %s", subject)
            return
        if not self._write(rows):
            # the database is away (the usual stall): tell now, record when it is back
            for row in rows:
                self.dispatcher.deliver(row, now)
            self._unwritten.extend(rows)

    def _write(self, rows: list[Notification]) -> bool:
        """Write ``rows`` to the outbox, after any that waited for the database; False
        (nothing written, try again in a while) while the database is away."""
        try:
            with self.context.unit_of_work() as session:
                session.add_all([_copy(row) for row in (*self._unwritten, *rows)])
        except Exception as exc:
            if not transient(exc):
                raise
            self._next_write = time.monotonic() + RETRY_MAX_S
            return False
        self._unwritten.clear()
        self.dispatcher.wake()
        return True


def _notice(
    kind: str,
    episode: int,
    channel: str,
    address: str,
    subject: str,
    body: str,
    payload: dict[str, Any],
    now: datetime,
) -> Notification:
    return Notification(
        subject_type=kind,
        subject_id=episode,
        organisation_id=PLATFORM,
        step=0,
        round=0,
        target=OPERATOR,
        channel=channel,
        address=address or OPERATOR,
        secret=None,
        subject=subject[:300],
        body=body,
        payload=payload,
        status="pending",
        attempts=0,
        created_at=now,
        next_attempt_at=now,
    )


def _copy(row: Notification) -> Notification:
    """A fresh row with ``row``'s values (one a failed transaction held cannot be added
    again as it is)."""
    columns = Notification.__table__.columns
    return Notification(**{c.key: getattr(row, c.key) for c in columns if c.key != "id"})
