"""Retention on both backends; daily partitions on PostgreSQL; downsampled history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.monitoring.archive import StoredReading
from hazwatch.monitoring.engine import MonitoringEngine
from hazwatch.monitoring.ingest import ReadingIn
from hazwatch.monitoring.maintenance import StorageMaintenance
from hazwatch.monitoring.models import PointState, Reading, ReadingMinute
from hazwatch.monitoring.partitions import partition_name
from hazwatch.monitoring.service import downsample
from hazwatch.monitoring.writer import Batch, ReadingWriter, write_batch
from tests.monitoring.conftest import Plant


def test_retention_drops_old_readings_and_partitions(
    context: Context, engine: MonitoringEngine, clock: ManualClock
) -> None:
    context.settings = context.settings.model_copy(
        update={"reading_retention_days": 2, "aggregate_retention_days": 30}
    )
    now = clock.now()
    maintenance = StorageMaintenance(context)
    created, _ = maintenance.run(now - timedelta(days=5))
    postgres = context.engine.dialect.name == "postgresql"
    assert (partition_name((now - timedelta(days=5)).date()) in created) == postgres
    engine.submit(
        [
            ReadingIn("O2-DRY1", now - timedelta(days=4), 20.9, "%vol"),
            ReadingIn("O2-DRY1", now - timedelta(minutes=1), 20.8, "%vol"),
        ]
    )
    engine.flush()  # the open minute's aggregate too
    if postgres:
        with context.engine.connect() as connection:
            homes = connection.scalars(text("SELECT tableoid::regclass::text FROM reading")).all()
        assert sorted(homes) == sorted(
            [partition_name((now - timedelta(days=4)).date()), partition_name(now.date())]
        )
    _, dropped = maintenance.run(now)
    assert (partition_name((now - timedelta(days=4)).date()) in dropped) == postgres
    with context.sessions() as session:
        assert [r.value for r in session.scalars(select(Reading))] == [20.8]
        assert len(session.scalars(select(ReadingMinute)).all()) == 2  # aggregates kept longer


def test_a_day_already_in_the_default_partition_gets_its_own(
    context: Context, engine: MonitoringEngine, clock: ManualClock
) -> None:
    """Readings of a day with no partition yet (a clock set back, a late device) land in
    the default; creating that day's partition later moves them instead of failing."""
    if context.engine.dialect.name != "postgresql":
        pytest.skip("partitions are PostgreSQL's alone")
    now = clock.now()
    maintenance = StorageMaintenance(context)
    maintenance.run(now)
    earlier = now - timedelta(days=3)
    engine.submit([ReadingIn("O2-DRY1", earlier, 20.7, "%vol")])
    created, _ = maintenance.run(earlier)
    assert partition_name(earlier.date()) in created
    with context.engine.connect() as connection:
        homes = connection.scalars(text("SELECT tableoid::regclass::text FROM reading")).all()
    assert homes == [partition_name(earlier.date())]
    with context.sessions() as session:
        assert [r.value for r in session.scalars(select(Reading))] == [20.7]


def test_downsampling_keeps_the_dip() -> None:
    rows = [{"t": i, "value": 20.9} for i in range(1000)]
    rows[500]["value"] = 15.0
    out = downsample(rows, 100)
    assert len(out) == 100
    assert min(r["minimum"] for r in out) == 15.0


def test_a_holding_writer_writes_when_full_when_flushed_or_when_someone_waits(
    context: Context, clock: ManualClock
) -> None:
    writer = ReadingWriter(context.engine, threaded=False, hold=3)
    now = clock.now()

    def reading(second: int) -> StoredReading:
        return StoredReading(999, now + timedelta(seconds=second), 20.9, None, None, None, now)

    def stored() -> int:
        with context.sessions() as session:
            return len(session.scalars(select(Reading).where(Reading.point_id == 999)).all())

    writer.submit(Batch(readings=[reading(0), reading(1)]))
    assert stored() == 0  # held
    writer.submit(Batch(readings=[reading(2)]))
    assert stored() == 3  # three rows: written in one transaction
    acknowledged: list[int] = []
    writer.submit(
        Batch(readings=[reading(3)], after_commit=[lambda: acknowledged.append(stored())])
    )
    assert acknowledged == [4]  # a sender waiting for its acknowledgement is not held back
    writer.submit(Batch(readings=[reading(4)]))
    writer.flush()
    assert stored() == 5


def test_the_writer_stores_every_row_as_given(
    context: Context, plant: Plant, clock: ManualClock
) -> None:
    """The same rows on both backends (PostgreSQL sends each column as one array): values,
    faults and sequence numbers as given, a re-sent reading once, a late reading's minute
    added up without replacing its newest value, a point's state with its conditions."""
    now = clock.now()  # a minute's start
    point = plant.o2_point

    def at(second: int) -> StoredReading:
        ts = now + timedelta(seconds=30 + second)
        return StoredReading(point, ts, 20.9, None, None, 7, now)

    first = [
        at(0),
        at(1)._replace(value=None, status="E42"),
        at(2)._replace(value=18.25, seq=2**63 - 1),
    ]
    minute = {
        "point_id": point,
        "minute": now,
        "count": 2,
        "minimum": 18.25,
        "maximum": 20.9,
        "total": 39.15,
        "last": 18.25,
    }
    state = {"point_id": point, "value": 18.25, "at": now, "quality": "good"}
    write_batch(
        context.engine,
        Batch(
            readings=first,
            minutes=[minute],
            states={point: state | {"conditions": ["low", "low_low"]}},
        ),
    )
    write_batch(  # the first reading again, and one older than the point's present
        context.engine,
        Batch(
            readings=[at(0)._replace(value=1.0)],
            late=[at(-5)._replace(value=19.0), at(2)],
            states={point: state | {"conditions": []}},
        ),
    )
    with context.sessions() as session:
        stored = session.scalars(select(Reading).order_by(Reading.ts)).all()
        assert [(r.ts, r.value, r.status, r.seq, r.device_id) for r in stored] == [
            (now + timedelta(seconds=25), 19.0, None, None, 7),
            (now + timedelta(seconds=30), 20.9, None, None, 7),
            (now + timedelta(seconds=31), None, "E42", None, 7),
            (now + timedelta(seconds=32), 18.25, None, 2**63 - 1, 7),
        ]
        (aggregate,) = session.scalars(select(ReadingMinute)).all()
        assert (aggregate.count, aggregate.minimum, aggregate.maximum, aggregate.last) == (
            3,
            18.25,
            20.9,
            18.25,
        )
        assert aggregate.total == pytest.approx(58.15)
        point_state = session.get(PointState, point)
        assert point_state is not None
        assert (point_state.value, point_state.quality, point_state.conditions) == (
            18.25,
            "good",
            [],
        )
