"""Storage by exception and minute aggregates (``monitoring.archive``), decision by decision."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hazwatch.monitoring.archive import Archive, StoredReading

T0 = datetime(2025, 2, 7, 4, 30, tzinfo=UTC)
EVERY = timedelta(seconds=60)


def at(second: int, value: float | None, status: str | None = None) -> StoredReading:
    return StoredReading(1, T0 + timedelta(seconds=second), value, status, None, None, T0)


def offer(archive: Archive, reading: StoredReading, changed: bool = False) -> list[float | None]:
    """The values stored for ``reading`` (deviation 0.1, heartbeat 60 s)."""
    return [r.value for r in archive.offer(reading, 0.1, EVERY, changed)]


def test_the_first_reading_is_kept_then_steady_ones_are_held() -> None:
    archive = Archive()
    assert offer(archive, at(0, 20.90)) == [20.90]
    assert offer(archive, at(1, 20.95)) == []
    assert offer(archive, at(2, 20.80)) == []  # exactly the deviation away: still steady
    assert archive.held == at(2, 20.80)


def test_a_move_keeps_the_reading_before_it_so_the_line_stays_true() -> None:
    archive = Archive()
    offer(archive, at(0, 20.90))
    offer(archive, at(1, 20.92))
    assert offer(archive, at(2, 20.70)) == [20.92, 20.70]
    assert offer(archive, at(3, 20.75)) == []  # measured from the new kept value
    assert offer(archive, at(4, 20.62)) == []
    assert offer(archive, at(5, 20.85)) == [20.62, 20.85]


def test_a_heartbeat_keeps_a_flat_point_once_a_minute_without_the_held_one() -> None:
    archive = Archive()
    offer(archive, at(0, 20.9))
    kept = [second for second in range(1, 181) if offer(archive, at(second, 20.9))]
    assert kept == [60, 120, 180]


def test_alarm_or_quality_changes_are_always_kept() -> None:
    archive = Archive()
    offer(archive, at(0, 19.60))
    offer(archive, at(1, 19.55))
    assert offer(archive, at(2, 19.52), changed=True) == [19.55, 19.52]
    assert offer(archive, at(3, None, "sensor_fault")) == [None]  # a fault is kept
    assert offer(archive, at(4, None, "sensor_fault")) == []  # and not repeated
    assert offer(archive, at(5, 19.52)) == [None, 19.52]  # nor is the value after it lost


def test_steady_says_whether_a_whole_group_would_be_held() -> None:
    archive = Archive()
    assert not archive.steady(20.8, 20.9, T0, 0.1, EVERY)  # nothing kept yet
    offer(archive, at(0, 20.85))
    assert archive.steady(20.8, 20.9, T0 + timedelta(seconds=5), 0.1, EVERY)
    assert not archive.steady(20.7, 20.9, T0 + timedelta(seconds=5), 0.1, EVERY)
    assert not archive.steady(20.8, 20.9, T0 + timedelta(seconds=60), 0.1, EVERY)


def test_minutes_count_every_good_reading_and_close_when_the_next_begins() -> None:
    archive = Archive()
    assert archive.count(T0 + timedelta(seconds=0), 20.9) is None
    assert archive.count(T0 + timedelta(seconds=30), 15.0) is None  # a dip between kept rows
    assert archive.count_within(T0 + timedelta(seconds=59), [20.8, 21.0], 20.8, 21.0)
    assert not archive.count_within(T0 + timedelta(seconds=61), [20.9], 20.9, 20.9)
    closed = archive.count(T0 + timedelta(seconds=61), 20.9)
    assert closed is not None
    assert closed.row(7) == {
        "point_id": 7,
        "minute": T0,
        "count": 4,
        "minimum": 15.0,
        "maximum": 21.0,
        "total": pytest.approx(77.7),
        "last": 21.0,
    }
    assert archive.close_minute(T0 + timedelta(seconds=90)) is None  # still open
    still = archive.close_minute(T0 + timedelta(seconds=120))
    assert still is not None and (still.minute, still.count) == (T0 + EVERY, 1)
    assert archive.close_minute() is None
