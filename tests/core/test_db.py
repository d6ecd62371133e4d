"""Column types that keep values exact across backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import Column, DateTime, MetaData, Table, select

from hazwatch.core.db import UTCDateTime, make_engine


def test_sqlite_stores_timestamps_as_sqlalchemy_datetime_text(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """UTCDateTime writes SQLite text itself (faster); it must be the text SQLAlchemy's
    DATETIME writes and reads, or comparisons with stored rows would break."""
    engine = make_engine(f"sqlite:///{tmp_path / 'times.db'}")
    table = Table("t", MetaData(), Column("ours", UTCDateTime()), Column("theirs", DateTime()))
    table.create(engine)
    shanghai = datetime(2025, 2, 7, 4, 30, 0, 5, tzinfo=timezone(timedelta(hours=8)))
    with engine.begin() as connection:
        connection.execute(
            table.insert(),
            {"ours": shanghai, "theirs": shanghai.astimezone(UTC).replace(tzinfo=None)},
        )
        stored = connection.exec_driver_sql("SELECT ours, theirs FROM t").one()
        back = connection.execute(select(table.c.ours).where(table.c.ours == shanghai)).scalar()
    engine.dispose()
    assert stored[0] == stored[1] == "2025-02-06 20:30:00.000005"
    assert back == shanghai
