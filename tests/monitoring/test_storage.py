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
from hazwatch.monitoring.models import Reading, ReadingMinute
from hazwatch.monitoring.partitions import partition_name
from hazwatch.monitoring.service import downsample
from hazwatch.monitoring.writer import Batch, ReadingWriter


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
