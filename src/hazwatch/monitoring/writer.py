"""Batched persistence of readings, per-minute aggregates, current point state and
rejections, off the alarm path.

The engine hands over plain rows; a writer thread drains a bounded queue (back-pressure: a
full queue blocks ingest rather than dropping readings) and writes each batch in one
transaction with dialect upserts, so a re-sent reading is stored once (the primary key
(point_id, ts) is the backstop behind the engine's in-memory dedupe, which a restart empties).

Which readings are stored, and the minute aggregates of all of them, the engine decides
(``monitoring.archive``); aggregates arrive as partial rows that the upsert adds up. Late
readings (older than what the engine already evaluated: a buffering gateway, or a reading
redelivered after a restart) are different: their aggregates are built here from the rows the
insert returned, so one already stored is not counted twice (one that was not stored, by
exception, can be: see ``docs/ingest.md``), and they never replace a minute's ``last``.
Callbacks registered with a batch run after its commit: MQTT acknowledgements are sent only
for readings that are durably stored.

A write that fails because the database is away (connection lost, refused, locked) is retried
with back-off, for as long as it takes, and the batch's callbacks wait: the broker keeps
the messages until they are stored, and ingest resumes by itself. A write that fails for a
row the database refuses (which decoding should have caught) is split in halves until the
row is alone: the others are stored, and the row is recorded as an ``ingest_rejection``
(``not_storable``) instead of taking the whole merged batch, other devices' readings
included, with it.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache, partial
from operator import itemgetter
from typing import Any, cast

from psycopg.types.array import ListBinaryDumper
from sqlalchemy import Connection, Engine, Table, bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.types import TypeDecorator, TypeEngine

from hazwatch.monitoring.access.models import AccessDecision
from hazwatch.monitoring.archive import MinuteAggregate, StoredReading
from hazwatch.monitoring.ingest import clean_text
from hazwatch.monitoring.models import IngestRejection, PointState, Reading, ReadingMinute
from hazwatch.monitoring.retry import Retry, Stopped, transient
from hazwatch.monitoring.tanks.models import TankState

log = logging.getLogger(__name__)

#: The fields of a batch whose rows can be written separately (isolating a refused row).
_ROW_FIELDS = ("readings", "late", "minutes", "states", "rejections", "decisions", "tank_states")


@dataclass
class Batch:
    readings: list[StoredReading] = field(default_factory=list)
    #: Readings older than their point's evaluated present (aggregated from what is new).
    late: list[StoredReading] = field(default_factory=list)
    #: Partial minute aggregates: added to what the minute's row already holds.
    minutes: list[dict[str, Any]] = field(default_factory=list)
    states: dict[int, dict[str, Any]] = field(default_factory=dict)
    rejections: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    tank_states: list[dict[str, Any]] = field(default_factory=list)
    #: Readings the engine took into this batch, stored or not (storage is by exception).
    taken: int = 0
    after_commit: list[Callable[[], None]] = field(default_factory=list)

    def merge(self, other: Batch) -> None:
        self.readings.extend(other.readings)
        self.late.extend(other.late)
        self.minutes.extend(other.minutes)
        self.states.update(other.states)
        self.rejections.extend(other.rejections)
        self.decisions.extend(other.decisions)
        self.tank_states.extend(other.tank_states)
        self.taken += other.taken
        self.after_commit.extend(other.after_commit)

    def pieces(self) -> list[tuple[str, Any]]:
        """Every row, as (field, row)."""
        out: list[tuple[str, Any]] = []
        for name in _ROW_FIELDS:
            rows = getattr(self, name)
            out.extend((name, row) for row in (rows.items() if name == "states" else rows))
        return out

    @classmethod
    def of_pieces(cls, pieces: Iterable[tuple[str, Any]]) -> Batch:
        """A batch of rows only: no callbacks, nothing taken."""
        batch = cls()
        for name, row in pieces:
            if name == "states":
                batch.states[row[0]] = row[1]
            else:
                getattr(batch, name).append(row)
        return batch

    def halves(self) -> tuple[Batch, Batch]:
        pieces = self.pieces()
        middle = len(pieces) // 2
        return Batch.of_pieces(pieces[:middle]), Batch.of_pieces(pieces[middle:])

    def rows(self) -> int:
        return (
            len(self.readings)
            + len(self.late)
            + len(self.minutes)
            + len(self.states)
            + len(self.rejections)
            + len(self.decisions)
            + len(self.tank_states)
        )

    def __bool__(self) -> bool:
        return bool(
            self.readings
            or self.late
            or self.minutes
            or self.states
            or self.rejections
            or self.decisions
            or self.tank_states
            or self.taken
            or self.after_commit
        )


def minute_rows(readings: Iterable[tuple[int, datetime, float | None]]) -> list[dict[str, Any]]:
    """Aggregate (point, time, value) rows per point and minute (in time order, so ``last``
    is the newest value whatever order the rows came in)."""
    return merge_minutes(
        MinuteAggregate(ts.replace(second=0, microsecond=0), 1, value, value, value, value).row(
            point_id
        )
        for point_id, ts, value in sorted(readings, key=itemgetter(1))
        if value is not None
    )


def merge_minutes(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per point and minute, partial aggregates added up and the later row's
    ``last`` kept: PostgreSQL refuses a statement that upserts one row twice."""
    merged: dict[tuple[int, datetime], dict[str, Any]] = {}
    for row in rows:
        key = (row["point_id"], row["minute"])
        into = merged.get(key)
        if into is None:
            merged[key] = dict(row)
            continue
        into["count"] += row["count"]
        into["minimum"] = min(into["minimum"], row["minimum"])
        into["maximum"] = max(into["maximum"], row["maximum"])
        into["total"] += row["total"]
        into["last"] = row["last"]
    return list(merged.values())


#: The tables themselves: Core statements on them skip the ORM's per-row bulk bookkeeping,
#: the largest share of a reading's storage cost.
READINGS, MINUTES, STATES, TANK_STATES = (
    cast(Table, model.__table__) for model in (Reading, ReadingMinute, PointState, TankState)
)


@dataclass(frozen=True)
class Statements:
    """The writer's statements for one dialect, built once (building and caching a
    statement per batch cost more than executing it).

    On PostgreSQL the readings, minutes and states go as one statement per table whose
    parameters are one array per column (``INSERT … SELECT … FROM unnest(…)``, ``columnar``):
    an ``executemany`` sends and binds every row on its own, which was three quarters of
    the writer's time for a gateway's batches."""

    readings: Any
    late_readings: Any
    add_minutes: Any
    add_late_minutes: Any
    states: Any
    rejections: Any
    decisions: Any
    tank_states: Any
    columnar: bool = False

    def rows(self, rows: list[dict[str, Any]]) -> Any:
        """Parameters for a statement of many rows given as dictionaries."""
        if not self.columnar:
            return rows
        return {name: [row[name] for row in rows] for name in rows[0]}

    def readings_rows(self, readings: list[StoredReading]) -> Any:
        if not self.columnar:
            return [reading._asdict() for reading in readings]
        return dict(zip(StoredReading._fields, map(list, zip(*readings, strict=True)), strict=True))


def _element_type(column_type: TypeEngine[Any]) -> TypeEngine[Any]:
    """The type an array of this column's values is sent as: the plain database type (a
    decorator's per-value conversion would run in Python for every element)."""
    return column_type.impl_instance if isinstance(column_type, TypeDecorator) else column_type


def _insert(dialect: str, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT of many rows: on PostgreSQL every column as one array, unnested."""
    if dialect != "postgresql":
        return sqlite.insert(table)
    names = [column.name for column in table.c]
    arrays = [
        # one dimension: a JSON value that is a list is an element, not a nested array
        bindparam(column.name, type_=postgresql.ARRAY(_element_type(column.type), dimensions=1))
        for column in table.c
    ]
    rows = func.unnest(*arrays).table_valued(*names).render_derived()
    return postgresql.insert(table).from_select(names, select(*(rows.c[n] for n in names)))


@cache
def statements(dialect: str) -> Statements:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    least, greatest = (
        (func.least, func.greatest) if dialect == "postgresql" else (func.min, func.max)
    )
    readings = _insert(dialect, READINGS).on_conflict_do_nothing(index_elements=["point_id", "ts"])
    minutes = _insert(dialect, MINUTES)
    added = {  # a partial aggregate adds to the minute's row
        "count": MINUTES.c.count + minutes.excluded.count,
        "minimum": least(MINUTES.c.minimum, minutes.excluded.minimum),
        "maximum": greatest(MINUTES.c.maximum, minutes.excluded.maximum),
        "total": MINUTES.c.total + minutes.excluded.total,
    }
    states = _insert(dialect, STATES)
    tank_states = insert(TANK_STATES)
    return Statements(
        readings=readings,
        late_readings=readings.returning(READINGS.c.point_id, READINGS.c.ts, READINGS.c.value),
        add_minutes=minutes.on_conflict_do_update(
            index_elements=["point_id", "minute"],
            set_={**added, "last": minutes.excluded["last"]},
        ),
        # a late reading counts in its minute but is not the minute's newest value
        add_late_minutes=minutes.on_conflict_do_update(
            index_elements=["point_id", "minute"], set_=added
        ),
        states=states.on_conflict_do_update(
            index_elements=["point_id"],
            set_={
                "value": states.excluded.value,
                "at": states.excluded.at,
                "quality": states.excluded.quality,
                "conditions": states.excluded.conditions,
            },
        ),
        rejections=insert(IngestRejection),
        decisions=insert(AccessDecision),
        tank_states=tank_states.on_conflict_do_update(
            index_elements=["tank_id"],
            set_={
                name: tank_states.excluded[name]
                for name in ("organisation_id", "point_id", "detector", "alarm_rooms", "updated_at")
            },
        ),
        columnar=dialect == "postgresql",
    )


def write_batch(engine: Engine, batch: Batch) -> None:
    """One transaction for the whole batch; its callbacks run after the commit."""
    store_batch(engine, batch)
    for callback in batch.after_commit:
        callback()


def _arrays_in_binary(connection: Connection) -> None:
    """Have psycopg send this connection's list parameters in binary: in text it escapes
    every element of every array with a regular expression (a sixth of the writer's time
    for a gateway's batches). Lists reach the database only as the writer's arrays."""
    pooled = connection.connection
    if not pooled.info.get("binary_arrays"):
        driver = pooled.driver_connection
        assert driver is not None  # a checked-out connection
        driver.adapters.register_dumper(list, ListBinaryDumper)
        pooled.info["binary_arrays"] = True


def store_batch(engine: Engine, batch: Batch) -> None:
    """One transaction for the whole batch's rows (its callbacks are the caller's)."""
    sql = statements(engine.dialect.name)
    with engine.begin() as connection:
        if sql.columnar:
            _arrays_in_binary(connection)
        if batch.readings:
            connection.execute(sql.readings, sql.readings_rows(batch.readings))
        if batch.minutes:
            connection.execute(sql.add_minutes, sql.rows(merge_minutes(batch.minutes)))
        if batch.late:
            inserted = connection.execute(sql.late_readings, sql.readings_rows(batch.late))
            late_minutes = minute_rows(inserted)  # rows unpack as (point_id, ts, value)
            if late_minutes:
                connection.execute(sql.add_late_minutes, sql.rows(late_minutes))
        if batch.states:
            connection.execute(sql.states, sql.rows(list(batch.states.values())))
        if batch.rejections:
            connection.execute(sql.rejections, batch.rejections)
        if batch.decisions:
            connection.execute(sql.decisions, batch.decisions)
        if batch.tank_states:
            connection.execute(sql.tank_states, batch.tank_states)


class ReadingWriter:
    """Writes batches from a writer thread (``threaded``: a live server) or inline (tests,
    replay). An inline writer may ``hold`` batches until they make that many rows and
    write them in one transaction (a replay, where nobody waits for a row: a transaction
    per five simulated seconds was half its time); a batch with callbacks is never held."""

    def __init__(
        self,
        engine: Engine,
        *,
        threaded: bool,
        hold: int = 0,
        max_queued_batches: int = 2_000,
        max_batch: int = 20_000,
    ) -> None:
        self._engine = engine
        self._threaded = threaded
        self._hold = 0 if threaded else hold
        self._held = Batch()
        self._max_batch = max_batch
        #: Batches the queue holds before ``submit`` waits (back-pressure on ingest).
        self.capacity = max_queued_batches
        self._queue: queue.Queue[Batch] = queue.Queue(maxsize=max_queued_batches)
        self.stopping = threading.Event()
        #: Set by :meth:`close` only: a stopped writer still drains what its engine flushes
        #: on the way down (the open minutes), or that flush would wait forever.
        self._closing = threading.Event()
        #: Waits out the database while it is away (threaded), until stopping.
        self.retry = Retry(self.stopping, patient=threaded)
        self._thread: threading.Thread | None = None
        self.written = 0  # readings taken into committed batches
        self.refused = 0  # rows the database refused, recorded as rejections
        #: time.monotonic() of the last committed write (or of the start).
        self.last_progress = time.monotonic()
        if threaded:
            self._thread = threading.Thread(target=self._run, name="reading-writer", daemon=True)
            self._thread.start()

    def submit(self, batch: Batch) -> None:
        if not batch:
            return
        if self._threaded:
            self._queue.put(batch)
            return
        if not self._hold:
            self._write(batch)
            return
        self._held.merge(batch)
        if batch.after_commit or self._held.rows() >= self._hold:
            self._write_held()

    def flush(self) -> None:
        """Return once everything submitted so far is written."""
        if self._threaded:
            self._queue.join()
        elif self._held:
            self._write_held()

    def _write_held(self) -> None:
        held, self._held = self._held, Batch()
        self._write(held)

    def stop(self) -> None:
        """Stop waiting for the database: what is left is tried once, then given up
        (unacknowledged, so the broker redelivers it)."""
        self.stopping.set()

    def close(self) -> None:
        self.stop()
        self._closing.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def queued(self) -> int:
        """Batches waiting for the writer thread."""
        return self._queue.qsize()

    def busy(self) -> bool:
        """Whether batches are queued or being written."""
        return self._queue.unfinished_tasks > 0

    def _write(self, batch: Batch) -> None:
        """Store ``batch``, then run its callbacks. A threaded writer retries while the
        database is away (an inline one raises: its caller answers the device); a row the
        database refuses is isolated and recorded. Returns without running the callbacks
        (nothing acknowledged) only when stopping while the database is still away."""
        pending = [batch]
        while pending:
            piece = pending[0]
            try:
                self.retry(
                    partial(store_batch, self._engine, piece), f"writing {piece.rows()} rows"
                )
            except Stopped:
                log.error("stopping: %d rows unwritten, not acknowledged", batch.rows())
                return
            except Exception as exc:
                if transient(exc):  # an inline writer's: its caller answers the device
                    raise
                if piece.rows() <= 1:
                    pending.pop(0)
                    self._refuse(piece, exc)
                else:
                    pending[0:1] = piece.halves()
                continue
            pending.pop(0)
            self.last_progress = time.monotonic()
        self.written += batch.taken
        for callback in batch.after_commit:
            callback()

    def _refuse(self, piece: Batch, exc: Exception) -> None:
        """A row the database will not take: recorded as a rejection, never retried."""
        self.refused += 1
        ((name, row),) = piece.pieces()
        shown = row._asdict() if isinstance(row, StoredReading) else row
        log.error("the database refused a %s row %r: %s", name, shown, exc)
        record = {
            "at": datetime.now(UTC),
            "source": "writer",
            "device_code": None,
            "point_code": None,
            "organisation_id": None,
            "reason": "not_storable",
            "excerpt": clean_text(f"{name}: {shown!r}", 300),
        }
        if name == "readings" or name == "late":
            record["excerpt"] = clean_text(f"point {row.point_id}: {shown!r}", 300)
        try:
            store_batch(self._engine, Batch(rejections=[record]))
        except Exception:  # the refusal is logged above
            log.exception("recording the refused row failed")

    def _run(self) -> None:
        while not (self._closing.is_set() and self._queue.empty()):
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
            except Exception:  # keep the writer alive; the failure is logged
                log.exception("writing %d readings failed", len(batch.readings))
            for _ in range(taken):
                self._queue.task_done()
