"""Which alarm conditions a point's readings call for: limits with deadband, on/off delays,
rate of change. Pure logic over a point's runtime, driven by reading timestamps, so live
ingest and replay behave identically.

Boundaries: a low limit alarms strictly below its setpoint (19.5 % O2 is still acceptable,
GB/T 50493-2019), a high limit strictly above; a condition clears once the value is back
past the setpoint by the deadband.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

from hazwatch.monitoring.archive import Archive
from hazwatch.monitoring.choices import Condition, Quality
from hazwatch.monitoring.config import LOW_CONDITIONS, PointConfig

RECENT_KEYS = 512


class PointPresent(NamedTuple):
    """A point as its engine knows it now: the newest reading taken, not the newest stored
    (storage by exception keeps the stored state up to a heartbeat behind)."""

    at: datetime | None
    value: float | None  # only when the quality is good
    quality: str
    conditions: tuple[str, ...]


@dataclass(slots=True)
class PointRuntime:
    """What the engine remembers of one point between readings."""

    last_ts: datetime | None = None
    last_value: float | None = None
    quality: Quality = Quality.UNKNOWN
    active: set[Condition] = field(default_factory=set)
    #: First time a condition was seen wanting to change (for on/off delays).
    pending: dict[Condition, datetime] = field(default_factory=dict)
    #: Timestamps of the newest readings, ascending (in-order readings only append).
    recent: list[datetime] = field(default_factory=list)
    archive: Archive = field(default_factory=Archive)

    def seen(self, ts: datetime) -> bool:
        """True if this timestamp was already ingested (remember it otherwise). The newest
        :data:`RECENT_KEYS` or more are remembered: enough for redeliveries, and in-order
        readings, nearly all of them, cost one append."""
        recent = self.recent
        if not recent or ts > recent[-1]:
            recent.append(ts)
        else:
            index = bisect_left(recent, ts)
            if index < len(recent) and recent[index] == ts:
                return True
            recent.insert(index, ts)
        self.forget_old()
        return False

    def forget_old(self) -> None:
        if len(self.recent) > 2 * RECENT_KEYS:
            del self.recent[: len(self.recent) - RECENT_KEYS]


def _violates(condition: Condition, setpoint: float, value: float) -> bool:
    return value < setpoint if condition in LOW_CONDITIONS else value > setpoint


def _cleared(condition: Condition, setpoint: float, value: float, deadband: float) -> bool:
    if condition in LOW_CONDITIONS:
        return value >= setpoint + deadband
    return value <= setpoint - deadband


def settled(config: PointConfig, runtime: PointRuntime) -> bool:
    """No condition active or pending and no rate-of-change limit: a good reading inside
    ``[config.quiet_low, config.quiet_high]`` then changes nothing but the value."""
    return not runtime.active and not runtime.pending and config.roc_limit_per_min is None


def wanted_changes(
    config: PointConfig, runtime: PointRuntime, ts: datetime, value: float
) -> dict[Condition, bool]:
    """Conditions to raise (True) or clear (False) after a good reading at ``ts``."""
    changes: dict[Condition, bool] = {}
    for condition, setpoint in config.limits:
        if condition not in runtime.active:
            if _violates(condition, setpoint, value):
                _after_delay(runtime, condition, ts, config.on_delay_s, changes, True)
            else:
                runtime.pending.pop(condition, None)
        elif _cleared(condition, setpoint, value, config.deadband):
            _after_delay(runtime, condition, ts, config.off_delay_s, changes, False)
        else:
            runtime.pending.pop(condition, None)
    if config.roc_limit_per_min is not None and runtime.last_ts and runtime.last_value is not None:
        minutes = (ts - runtime.last_ts).total_seconds() / 60
        if minutes > 0:
            rate = abs(value - runtime.last_value) / minutes
            active = Condition.RATE_OF_CHANGE in runtime.active
            if rate > config.roc_limit_per_min and not active:
                changes[Condition.RATE_OF_CHANGE] = True
            elif rate <= config.roc_limit_per_min and active:
                changes[Condition.RATE_OF_CHANGE] = False
    for condition in (Condition.STALE, Condition.FAULT):
        if condition in runtime.active:
            changes[condition] = False
    return changes


def _after_delay(
    runtime: PointRuntime,
    condition: Condition,
    ts: datetime,
    delay_s: int,
    changes: dict[Condition, bool],
    raise_it: bool,
) -> None:
    first = runtime.pending.setdefault(condition, ts)
    if ts - first >= timedelta(seconds=delay_s):
        runtime.pending.pop(condition, None)
        changes[condition] = raise_it


def due_after_delay(
    config: PointConfig, runtime: PointRuntime, now: datetime
) -> dict[Condition, bool]:
    """Pending delays that have run out by ``now`` with no reading to confirm them: the
    last value still stands, so the change takes effect."""
    changes: dict[Condition, bool] = {}
    for condition, first in list(runtime.pending.items()):
        delay = config.off_delay_s if condition in runtime.active else config.on_delay_s
        if now - first >= timedelta(seconds=delay):
            runtime.pending.pop(condition)
            changes[condition] = condition not in runtime.active
    return changes


def is_stale(config: PointConfig, runtime: PointRuntime, now: datetime, since: datetime) -> bool:
    """A point is stale once 1.5 expected intervals pass with no reading (a half-interval
    grace absorbs jitter); a point that never reported counts from ``since``."""
    reference = runtime.last_ts or since
    return now - reference > config.stale_after
