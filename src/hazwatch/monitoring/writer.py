"""Batched persistence of readings, per-minute aggregates, current point state and
rejections, off the alarm path.

The engine hands over plain rows; a writer thread drains a bounded queue (back-pressure: a
full queue blocks ingest rather than dropping readings) and writes each batch in one
transaction with dialect upserts, so a re-sent reading is stored once (the primary key
(point_id, ts) is the backstop behind the engine's in-memory dedupe, which a restart empties).
Per-minute aggregates are built from the rows the insert returned, so a reading redelivered
after a restart is not counted twice. Callbacks registered
with a batch run after its commit: MQTT acknowledgements are sent only for readings that are
durably stored.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Engine, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from hazwatch.monitoring.access.models import AccessDecision
from hazwatch.monitoring.models import IngestRejection, PointState, Reading, ReadingMinute

log = logging.getLogger(__name__)


@dataclass
class Batch:
    readings: list[dict[str, Any]] = field(default_factory=list)
    states: dict[int, dict[str, Any]] = field(default_factory=dict)
    rejections: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    after_commit: list[Callable[[], None]] = field(default_factory=list)

    def merge(self, other: Batch) -> None:
        self.readings.extend(other.readings)
        self.states.update(other.states)
        self.rejections.extend(other.rejections)
        self.decisions.extend(other.decisions)
        self.after_commit.extend(other.after_commit)

    def __bool__(self) -> bool:
        return bool(
            self.readings or self.states or self.rejections or self.decisions or self.after_commit
        )


def _insert(engine: Engine, table: Any) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT (both backends support it)."""
    if engine.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def minute_rows(readings: Iterable[tuple[int, datetime, float | None]]) -> list[dict[str, Any]]:
    """Aggregate (point, time, value) rows per point and minute (in time order, so ``last``
    is the newest value whatever order the rows came in)."""
    buckets: dict[tuple[int, datetime], dict[str, Any]] = {}
    for point_id, ts, value in sorted(readings, key=itemgetter(1)):
        if value is None:
            continue
        minute = ts.replace(second=0, microsecond=0)
        bucket = buckets.get((point_id, minute))
        if bucket is None:
            buckets[(point_id, minute)] = {
                "point_id": point_id,
                "minute": minute,
                "count": 1,
                "minimum": value,
                "maximum": value,
                "total": value,
                "last": value,
            }
        else:
            bucket["count"] += 1
            bucket["minimum"] = min(bucket["minimum"], value)
            bucket["maximum"] = max(bucket["maximum"], value)
            bucket["total"] += value
            bucket["last"] = value
    return list(buckets.values())


#: The tables themselves: Core statements on them skip the ORM's per-row bulk bookkeeping,
#: the largest share of a reading's storage cost.
READINGS, MINUTES, STATES = Reading.__table__, ReadingMinute.__table__, PointState.__table__


def write_batch(engine: Engine, sessions: sessionmaker[Session], batch: Batch) -> None:
    least = func.least if engine.dialect.name == "postgresql" else func.min
    greatest = func.greatest if engine.dialect.name == "postgresql" else func.max
    with sessions.begin() as session:
        if batch.readings:
            inserted = session.execute(
                _insert(engine, READINGS)
                .on_conflict_do_nothing(index_elements=["point_id", "ts"])
                .returning(READINGS.c.point_id, READINGS.c.ts, READINGS.c.value),
                batch.readings,
            )
            minutes = minute_rows(inserted)  # rows unpack as (point_id, ts, value)
            if minutes:
                stmt = _insert(engine, MINUTES)
                excluded = stmt.excluded
                session.execute(
                    stmt.on_conflict_do_update(
                        index_elements=["point_id", "minute"],
                        set_={
                            "count": MINUTES.c.count + excluded.count,
                            "minimum": least(MINUTES.c.minimum, excluded.minimum),
                            "maximum": greatest(MINUTES.c.maximum, excluded.maximum),
                            "total": MINUTES.c.total + excluded.total,
                            "last": excluded["last"],
                        },
                    ),
                    minutes,
                )
        if batch.states:
            stmt = _insert(engine, STATES)
            session.execute(
                stmt.on_conflict_do_update(
                    index_elements=["point_id"],
                    set_={
                        "value": stmt.excluded.value,
                        "at": stmt.excluded.at,
                        "quality": stmt.excluded.quality,
                        "conditions": stmt.excluded.conditions,
                    },
                ),
                list(batch.states.values()),
            )
        if batch.rejections:
            session.execute(_insert(engine, IngestRejection), batch.rejections)
        if batch.decisions:
            session.execute(_insert(engine, AccessDecision), batch.decisions)
    for callback in batch.after_commit:
        callback()


class ReadingWriter:
    """Writes batches inline (``threaded=False``: tests, replay) or from a writer thread."""

    def __init__(
        self,
        engine: Engine,
        sessions: sessionmaker[Session],
        *,
        threaded: bool,
        max_queued_batches: int = 2_000,
        max_batch: int = 20_000,
    ) -> None:
        self._engine = engine
        self._sessions = sessions
        self._threaded = threaded
        self._max_batch = max_batch
        self._queue: queue.Queue[Batch] = queue.Queue(maxsize=max_queued_batches)
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.written = 0
        self.failures = 0
        if threaded:
            self._thread = threading.Thread(target=self._run, name="reading-writer", daemon=True)
            self._thread.start()

    def submit(self, batch: Batch) -> None:
        if not batch:
            return
        if self._threaded:
            self._queue.put(batch)
            return
        self._write(batch)

    def flush(self) -> None:
        """Return once everything submitted so far is written."""
        if self._threaded:
            self._queue.join()

    def close(self) -> None:
        if self._thread is not None:
            self._stopping.set()
            self._thread.join(timeout=30)
            self._thread = None

    def _write(self, batch: Batch) -> None:
        write_batch(self._engine, self._sessions, batch)
        self.written += len(batch.readings)

    def _run(self) -> None:
        while not (self._stopping.is_set() and self._queue.empty()):
            try:
                batch = self._queue.get(timeout=0.2)
            except queue.Empty:
                continue
            taken = 1
            while len(batch.readings) < self._max_batch:
                try:
                    batch.merge(self._queue.get_nowait())
                except queue.Empty:
                    break
                taken += 1
            try:
                self._write(batch)
            except Exception:  # keep the writer alive; the failure is logged and counted
                self.failures += 1
                log.exception("writing %d readings failed", len(batch.readings))
            for _ in range(taken):
                self._queue.task_done()
