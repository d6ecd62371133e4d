"""Tank leak detection on level telemetry: a one-sided CUSUM on the excess draw.

Each sample's draw rate (mm/h, from the level drop since the previous sample) is compared
with the expected draw for that hour of the week (learned from history, median per bin).
Level rises are refills and reset the detector; a single large drop followed by a flat level
is a sensor step, not a leak, so each sample's excess is clipped before it is accumulated.
CUSUM: S = max(0, S + x − k); alarm when S > h (Page 1954). The threshold h is tuned to a
false-alarm budget per tank-year by simulating the noise-only process (no closed form fits
the clipped, differenced noise well), see :func:`tune_threshold`.
"""

from __future__ import annotations

import itertools
import random
import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta

HOURS_PER_YEAR = 24 * 365


@dataclass
class DrawProfile:
    """Expected draw (mm/h) per hour of the week, learned as medians."""

    by_hour: dict[int, float] = field(default_factory=dict)
    default: float = 0.0

    @staticmethod
    def slot(at: datetime) -> int:
        return at.weekday() * 24 + at.hour

    @classmethod
    def learn(cls, samples: list[tuple[datetime, float]]) -> DrawProfile:
        """From (time, level mm) history: median draw per slot, refills ignored."""
        rates: dict[int, list[float]] = {}
        for (t0, l0), (t1, l1) in itertools.pairwise(samples):
            hours = (t1 - t0).total_seconds() / 3600
            if hours <= 0 or l1 > l0:
                continue
            rates.setdefault(cls.slot(t1), []).append((l0 - l1) / hours)
        by_hour = {slot: statistics.median(values) for slot, values in rates.items()}
        everything = [v for values in rates.values() for v in values]
        return cls(by_hour, statistics.median(everything) if everything else 0.0)

    def expected(self, at: datetime) -> float:
        return self.by_hour.get(self.slot(at), self.default)


@dataclass
class LeakDetector:
    """Streaming detector; feed it samples in time order with :meth:`update`."""

    profile: DrawProfile
    threshold: float  # h, in mm of excess level drop
    allowance: float  # k, in mm of excess per sample
    #: Per-sample cap on the excess: a third of the threshold, so that a sensor step (one
    #: sudden drop that then stays) cannot trip the alarm alone, while a leak's steady
    #: excess of a few mm per sample is never clipped.
    clip_fraction: float = 1 / 3
    refill_mm: float = 100.0  # a refill adds hundreds of mm; noise must never look like one
    cusum: float = 0.0
    last: tuple[datetime, float] | None = None
    alarmed_at: datetime | None = None

    def update(self, at: datetime, level_mm: float) -> bool:
        """True the moment the excess drop crosses the threshold."""
        previous, self.last = self.last, (at, level_mm)
        if previous is None:
            return False
        hours = (at - previous[0]).total_seconds() / 3600
        if hours <= 0:
            return False
        if level_mm - previous[1] > self.refill_mm:  # refill: a new baseline
            self.cusum = 0.0
            return False
        drop = previous[1] - level_mm
        excess = min(drop - self.profile.expected(at) * hours, self.threshold * self.clip_fraction)
        self.cusum = max(0.0, self.cusum + excess - self.allowance)
        if self.cusum > self.threshold and self.alarmed_at is None:
            self.alarmed_at = at
            return True
        return False


def simulate_noise(noise_mm: float, interval: timedelta, hours: float, seed: int) -> list[float]:
    rng = random.Random(seed)
    return [rng.gauss(0.0, noise_mm) for _ in range(int(hours * 3600 / interval.total_seconds()))]


def tune_threshold(
    noise_mm: float, interval: timedelta, budget_per_year: float, years: int = 20, seed: int = 7
) -> tuple[float, float]:
    """Allowance k and threshold h so that noise alone alarms at most ``budget_per_year``.

    Per-sample drops telescope (the sum of n differenced samples carries only the noise of
    its two ends), so a small allowance k = 0.1 σ suffices and h ends near a few σ; h is
    raised until the simulated noise-only run (restarting after each alarm) stays within
    the budget.
    """
    allowance = 0.1 * noise_mm
    noise = simulate_noise(noise_mm, interval, years * HOURS_PER_YEAR, seed)
    threshold = noise_mm
    while True:
        alarms, cusum, previous = 0, 0.0, noise[0]
        for value in noise[1:]:
            cusum = max(0.0, cusum + min(previous - value, threshold / 3) - allowance)
            previous = value
            if cusum > threshold:
                alarms += 1
                cusum = 0.0
        if alarms / years <= budget_per_year:
            return allowance, threshold
        threshold *= 1.25
