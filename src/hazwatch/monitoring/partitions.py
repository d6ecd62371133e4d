"""Raw-reading retention, and on PostgreSQL the daily range partitions behind it.

On PostgreSQL ``reading`` is partitioned by ``ts`` (``RANGE``), one partition a day named
``reading_pYYYYMMDD`` plus ``reading_pdefault`` for anything outside them; retention drops
whole partitions (no vacuum-heavy deletes). Partitions are created a week ahead so readings
land in them, not in the default. On SQLite retention deletes rows.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Connection, Engine, delete, event, text

from hazwatch.monitoring.models import Reading, ReadingMinute

PREFIX = "reading_p"
DEFAULT_PARTITION = f"{PREFIX}default"
DAYS_AHEAD = 7


def is_partition(table_name: str) -> bool:
    """Partitions are managed here, not by Alembic (the migration check skips them)."""
    return table_name.startswith(PREFIX)


def _create_default(_table: object, connection: Connection, **_kw: object) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            f"CREATE TABLE IF NOT EXISTS {DEFAULT_PARTITION} PARTITION OF reading DEFAULT"
        )


event.listen(Reading.__table__, "after_create", _create_default)


def partition_name(day: date) -> str:
    return f"{PREFIX}{day:%Y%m%d}"


def ensure_partitions(engine: Engine, today: date, days_ahead: int = DAYS_AHEAD) -> list[str]:
    """Create the daily partitions from ``today`` on; returns the ones created."""
    if engine.dialect.name != "postgresql":
        return []
    created = []
    with engine.begin() as connection:
        existing = set(
            connection.scalars(
                text("SELECT tablename FROM pg_tables WHERE tablename LIKE 'reading_p%'")
            )
        )
        for offset in range(days_ahead + 1):
            day = today + timedelta(days=offset)
            name = partition_name(day)
            if name in existing:
                continue
            _create_partition(connection, name, day, day + timedelta(days=1))
            created.append(name)
    return created


def _create_partition(connection: Connection, name: str, day: date, following: date) -> None:
    """A day's partition. Readings of that day already in the default partition (the clock
    was set back, or a device sent a late day) would make a plain ``PARTITION OF`` fail on
    every tick; they are moved into the new table before it is attached."""
    bounds = {"start": day.isoformat(), "end": following.isoformat()}
    connection.exec_driver_sql(
        f"CREATE TABLE {name} (LIKE reading INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
    )
    connection.exec_driver_sql(
        f"WITH moved AS (DELETE FROM {DEFAULT_PARTITION} "
        "WHERE ts >= %(start)s AND ts < %(end)s RETURNING *) "
        f"INSERT INTO {name} SELECT * FROM moved",
        bounds,
    )
    connection.exec_driver_sql(
        f"ALTER TABLE reading ATTACH PARTITION {name} "
        f"FOR VALUES FROM ('{bounds['start']}') TO ('{bounds['end']}')"
    )


def apply_retention(engine: Engine, now: datetime, raw_days: int, minute_days: int) -> list[str]:
    """Drop raw readings older than ``raw_days`` and aggregates older than ``minute_days``;
    returns the partitions dropped."""
    raw_cutoff = now - timedelta(days=raw_days)
    dropped: list[str] = []
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = connection.scalars(
                text("SELECT tablename FROM pg_tables WHERE tablename LIKE 'reading_p%'")
            ).all()
            for name in names:
                if name == DEFAULT_PARTITION:
                    continue
                day = datetime.strptime(name[len(PREFIX) :], "%Y%m%d").replace(tzinfo=UTC)
                if day + timedelta(days=1) <= raw_cutoff:
                    connection.exec_driver_sql(f"DROP TABLE {name}")
                    dropped.append(name)
            connection.exec_driver_sql(
                f"DELETE FROM {DEFAULT_PARTITION} WHERE ts < %(cutoff)s", {"cutoff": raw_cutoff}
            )
        else:
            connection.execute(delete(Reading).where(Reading.ts < raw_cutoff))
        connection.execute(
            delete(ReadingMinute).where(ReadingMinute.minute < now - timedelta(days=minute_days))
        )
    return dropped
