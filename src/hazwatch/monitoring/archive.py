"""Storage by exception: which of a point's readings become rows, and the per-minute
aggregate of all of them.

Every reading is evaluated for alarms; not every reading needs a row. A detector sampled
each second repeats itself within its noise for hours, and writing each sample made storage
two thirds of ingest. Process historians solve this with exception reporting (OSIsoft PI's
*exception deviation*, the deadband of IEC 61850 reporting): a point keeps a reading when

- it moved more than the point's storage deviation from the last kept value;
- its quality changed (a fault, a value after a fault or after a silence);
- it raised or cleared an alarm condition (the value that tripped an alarm is always there);
- the last kept reading is ``max_interval`` old (a heartbeat: a flat line is still proof
  the point reported).

When a reading is kept for moving, the reading before it is kept too, so a straight line
between kept readings never strays from what the sensor said by more than the deviation.
The minute aggregate (count, minimum, maximum, total, last) counts every good reading, so a
one-second dip between kept readings still shows in the minimum.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

ONE_MINUTE = timedelta(minutes=1)


class StoredReading(NamedTuple):
    """A reading as the ``reading`` table keeps it."""

    point_id: int
    ts: datetime
    value: float | None
    status: str | None
    seq: int | None
    device_id: int | None
    received_at: datetime


@dataclass(slots=True)
class MinuteAggregate:
    """Good readings of one point in one minute, counted since this aggregate was opened.

    Several aggregates of one minute (before and after a restart, or written early for an
    acknowledgement) add up in storage: the writer's upsert sums counts and totals."""

    minute: datetime
    count: int
    minimum: float
    maximum: float
    total: float
    last: float

    @property
    def end(self) -> datetime:
        return self.minute + ONE_MINUTE

    def row(self, point_id: int) -> dict[str, Any]:
        return {
            "point_id": point_id,
            "minute": self.minute,
            "count": self.count,
            "minimum": self.minimum,
            "maximum": self.maximum,
            "total": self.total,
            "last": self.last,
        }


_NOTHING: tuple[StoredReading, ...] = ()


@dataclass(slots=True)
class Archive:
    """What one point has kept so far, the reading it holds back, and its open minute."""

    kept_ts: datetime | None = None
    kept_value: float | None = None
    kept_status: str | None = None
    #: The newest reading not kept: kept after all if the next one moves.
    held: StoredReading | None = None
    open_minute: MinuteAggregate | None = None
    #: Cached ``open_minute.end`` (compared for every reading).
    _minute_end: datetime | None = None

    def offer(
        self,
        reading: StoredReading,
        deviation: float,
        max_interval: timedelta,
        changed: bool,
    ) -> tuple[StoredReading, ...]:
        """The readings to store now: none, this one, or the one held back and this one.
        ``changed``: the reading raised or cleared an alarm or changed the point's quality."""
        kept_ts = self.kept_ts
        if kept_ts is not None and not changed and reading.status == self.kept_status:
            value, kept_value = reading.value, self.kept_value
            if value is None or kept_value is None:
                steady = (value is None) == (kept_value is None)
            else:
                steady = abs(value - kept_value) <= deviation
            if steady:
                if reading.ts - kept_ts < max_interval:
                    self.held = reading
                    return _NOTHING
                self.held = None  # a heartbeat: the flat line to it is already true
        held, self.held = self.held, None
        self.kept_ts, self.kept_value, self.kept_status = reading.ts, reading.value, reading.status
        return (reading,) if held is None else (held, reading)

    def steady(
        self, low: float, high: float, until: datetime, deviation: float, max_interval: timedelta
    ) -> bool:
        """Would good readings between ``low`` and ``high``, the newest at ``until``, all be
        held back? (Then only the newest needs holding.)"""
        kept_ts, kept_value = self.kept_ts, self.kept_value
        return (
            kept_ts is not None
            and kept_value is not None
            and self.kept_status is None
            and until - kept_ts < max_interval
            and high - kept_value <= deviation
            and kept_value - low <= deviation
        )

    def count_within(self, last: datetime, values: list[float], low: float, high: float) -> bool:
        """:meth:`count` for good in-order readings that all fall in the open minute (the
        newest at ``last``; ``low`` and ``high`` their extremes). False, counting nothing,
        when they do not."""
        bucket, end = self.open_minute, self._minute_end
        if bucket is None or end is None or last >= end:
            return False
        bucket.count += len(values)
        bucket.total += sum(values)
        bucket.last = values[-1]
        bucket.minimum = min(bucket.minimum, low)
        bucket.maximum = max(bucket.maximum, high)
        return True

    def count(self, ts: datetime, value: float) -> MinuteAggregate | None:
        """Add a good in-order reading to its minute; returns the minute it closed, if any."""
        bucket = self.open_minute
        if bucket is not None and self._minute_end is not None and ts < self._minute_end:
            bucket.count += 1
            bucket.total += value
            bucket.last = value
            if value < bucket.minimum:
                bucket.minimum = value
            elif value > bucket.maximum:
                bucket.maximum = value
            return None
        minute = ts.replace(second=0, microsecond=0)
        self.open_minute = MinuteAggregate(minute, 1, value, value, value, value)
        self._minute_end = minute + ONE_MINUTE
        return bucket

    def close_minute(self, before: datetime | None = None) -> MinuteAggregate | None:
        """Hand over the open minute (only if it ended by ``before``, when given)."""
        bucket = self.open_minute
        if bucket is None or (before is not None and bucket.end > before):
            return None
        self.open_minute = self._minute_end = None
        return bucket
