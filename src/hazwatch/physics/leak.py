"""Tank leak detection on level telemetry: a one-sided CUSUM on the excess level drop.

Each sample's level drop since the previous one is compared with the draw expected for that
hour of the week (:class:`DrawProfile`, learned from history); the excess accumulates in a
CUSUM, S = max(0, S + min(x, c) − k − slack), which alarms when S > h (Page 1954).

- A leak is a sustained slope, a sensor step one sudden change: each sample's excess is
  clipped at c = h/3, so a step (of any size) moves S by at most a third of the way, while a
  leak's few mm per sample pass unclipped and keep accumulating.
- Each CUSUM step is a block mean of samples (:func:`block_for`): at least five minutes of
  them (the allowance is per step), more for a noisy gauge (the mean's noise stays under
  the clip); samples less than a minute apart are skipped.
- A rise of more than ``refill_mm`` is a refill: a new baseline, S restarts from zero.
- A gap is a longer step in time: the expected draw is integrated over it, and the clip
  keeps a sensor step hidden in a gap from counting more than once.
- The expected draw is a median profile and real days differ: the slack per sample is
  :data:`DRAW_TOLERANCE` of the expected drop plus the profile's own standard error, so a
  busy day is not summed into a leak (the 2·7 leak is 4–15 times the draw, well above).

Tuning (:func:`tune`): differenced, clipped noise is neither independent nor Gaussian, so
Siegmund's ARL approximation would mislead; instead noise-only levels are simulated and h is
set so that the number of CUSUM excursions rising above it (each one a latched false alarm)
stays within the budget per tank-year. The CUSUM of a whole simulated record is computed at
once with the Lindley identity S = C − min(0, min C) (C the cumulative sum), so tuning on
20 simulated years takes well under a second.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

HOURS_PER_YEAR = 24 * 365
#: Per-sample clip of the excess as a fraction of the threshold (see the module docstring).
CLIP_FRACTION = 1 / 3
#: Share of the expected draw by which a day's real draw may exceed it without counting.
DRAW_TOLERANCE = 0.5
#: Standard errors of its slot's expected draw a sample's drop may exceed it by without
#: counting: the profile's errors are the same every week, so at one standard error the
#: worst of 168 slots would add an excess week after week.
PROFILE_SIGMAS = 2.0
#: A gap longer than this inside an hour of history leaves that hour out of the profile.
PROFILE_MAX_GAP_H = 0.5
#: The detector looks at the level at most once a minute. A leak moves the level by mm per
#: hour; per-second samples add nothing but differences whose noise telescopes away, while
#: they would multiply the work and the tuning's simulated record (20 years at 1 s is
#: 630 million samples).
MIN_STEP = timedelta(minutes=1)
#: A CUSUM step spans at least this long. The allowance k is per step, so a faster gauge
#: stepping every minute would take five times the allowance out of each hour's leak.
STEP_SPAN = timedelta(minutes=5)
#: Level noise (σ, mm) a CUSUM step copes with. A noisier gauge is averaged over longer
#: blocks, so that a block mean carries about this much noise (σ/√n): per-sample
#: differences of a 10 mm gauge are clipped so often that the clip eats the leak's drift.
BLOCK_NOISE_MM = 7.5
#: Samples per block for noise at most: a longer block would put a leak's whole drop inside
#: one clipped step, like a sensor step's.
MAX_NOISE_BLOCK = 6


def block_for(noise_mm: float, interval: timedelta) -> int:
    """Samples averaged per CUSUM step for a gauge of this noise and sample interval: enough
    to span :data:`STEP_SPAN`, more for a gauge noisier than :data:`BLOCK_NOISE_MM`."""
    pace = max(interval, MIN_STEP)
    by_span = math.ceil(STEP_SPAN / pace - 1e-9)
    by_noise = min(MAX_NOISE_BLOCK, math.ceil((noise_mm / BLOCK_NOISE_MM) ** 2 - 1e-9))
    return max(1, by_span, by_noise)


def _sample(entry: list[Any]) -> tuple[datetime, float]:
    return datetime.fromisoformat(entry[0]), float(entry[1])


def _hours(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 3600


def _median_error(per_slot: Mapping[int, list[float]], medians: Mapping[int, float]) -> float:
    """Standard error of a slot median, 1.2533·σ/√n: σ from the pooled MAD (robust to the
    odd hour with a sensor step), n the typical number of weeks per slot."""
    residuals = [abs(r - medians[slot]) for slot, rates in per_slot.items() for r in rates]
    sigma = 1.4826 * statistics.median(residuals)
    weeks = statistics.median(len(rates) for rates in per_slot.values())
    return 1.2533 * sigma / math.sqrt(weeks)


@dataclass
class DrawProfile:
    """Expected draw (mm/h) per hour of the week; ``default`` where a slot has no history."""

    by_hour: dict[int, float] = field(default_factory=dict)
    default: float = 0.0
    #: Standard error of a slot's expected draw (mm/h): how far the profile itself may be off.
    uncertainty: float = 0.0

    @staticmethod
    def slot(at: datetime) -> int:
        return at.weekday() * 24 + at.hour

    @classmethod
    def learn(
        cls, samples: Iterable[tuple[datetime, float]], refill_mm: float = 100.0
    ) -> DrawProfile:
        """From (time, level mm) history: each clock hour's draw as the least-squares slope of
        its samples (level noise cancels far better in a slope than in per-sample
        differences), then the median per hour-of-week slot over the weeks (robust to the
        odd hour with a sensor step). Hours with a refill or a gap are left out."""
        per_slot: dict[int, list[float]] = {}
        hours = itertools.groupby(
            samples, key=lambda s: s[0].replace(minute=0, second=0, microsecond=0)
        )
        for _, group in hours:
            hour = list(group)
            if len(hour) < 3 or any(
                l1 - l0 > refill_mm or _hours(t0, t1) > PROFILE_MAX_GAP_H
                for (t0, l0), (t1, l1) in itertools.pairwise(hour)
            ):
                continue
            times = [_hours(hour[0][0], t) for t, _ in hour]
            slope = statistics.linear_regression(times, [level for _, level in hour]).slope
            per_slot.setdefault(cls.slot(hour[0][0]), []).append(-slope)
        if not per_slot:
            return cls()
        by_hour = {slot: statistics.median(rates) for slot, rates in per_slot.items()}
        everything = [rate for rates in per_slot.values() for rate in rates]
        return cls(by_hour, statistics.median(everything), _median_error(per_slot, by_hour))

    def expected(self, at: datetime) -> float:
        return self.by_hour.get(self.slot(at), self.default)

    def expected_drop(self, start: datetime, end: datetime) -> float:
        """Expected level drop (mm) between two times, slot by slot across a gap."""
        drop, at = 0.0, start
        while at < end:
            boundary = at.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
            until = min(boundary, end)
            drop += self.expected(at) * _hours(at, until)
            at = until
        return drop

    def to_dict(self) -> dict[str, Any]:
        return {
            "by_hour": {str(k): v for k, v in sorted(self.by_hour.items())},
            "default": self.default,
            "uncertainty": self.uncertainty,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DrawProfile:
        return cls(
            {int(k): float(v) for k, v in data["by_hour"].items()},
            float(data["default"]),
            float(data.get("uncertainty", 0.0)),
        )


@dataclass(frozen=True)
class LeakAlarm:
    """A detected leak: when it was detected, when the excess began (the CUSUM's last zero)
    and how much faster than expected the tank empties."""

    at: datetime
    onset: datetime
    excess_mm_h: float
    excess_kg_h: float | None  # when the detector knows the tank's kg per mm


@dataclass
class LeakDetector:
    """Streaming detector; feed it samples in time order with :meth:`update`."""

    profile: DrawProfile
    threshold: float  # h, mm of excess level drop
    allowance: float  # k, mm of excess per sample
    clip_fraction: float = CLIP_FRACTION
    refill_mm: float = 100.0  # a refill adds hundreds of mm; noise must never look like one
    kg_per_mm: float | None = None
    cusum: float = 0.0
    last: tuple[datetime, float] | None = None  # the last sample used
    alarmed_at: datetime | None = None
    onset_at: datetime | None = None
    excess_mm: float = 0.0  # clipped excess accumulated since the onset
    excess_mm_h: float | None = None  # the excess rate estimated at the alarm
    block: int = 1  # samples averaged per CUSUM step (:func:`block_for`)
    #: The previous CUSUM point (a block mean) and the samples of the block being filled.
    anchor: tuple[datetime, float] | None = None
    filling: list[tuple[datetime, float]] = field(default_factory=list)

    def update(self, at: datetime, level_mm: float) -> bool:
        """True the moment the excess drop crosses the threshold (then :attr:`alarm` says
        what was found). Out-of-order and duplicate samples, and samples less than
        :data:`MIN_STEP` after the last one used, are ignored."""
        previous = self.last
        if previous is not None and at - previous[0] < MIN_STEP:
            return False
        self.last = (at, level_mm)
        if previous is not None and level_mm - previous[1] > self.refill_mm:
            # refill: a new baseline from this sample on
            self.cusum, self.onset_at, self.excess_mm = 0.0, None, 0.0
            self.anchor, self.filling = None, []
        self.filling.append((at, level_mm))
        if len(self.filling) < self.block:
            return False
        first = self.filling[0][0]  # mean time and mean level: a gap inside stays unbiased
        point = (
            first + sum((t - first for t, _ in self.filling), timedelta(0)) / len(self.filling),
            sum(level for _, level in self.filling) / len(self.filling),
        )
        self.filling = []
        previous, self.anchor = self.anchor, point
        if previous is None:
            return False
        return self._step(previous, point, at)

    def _step(
        self, previous: tuple[datetime, float], point: tuple[datetime, float], now: datetime
    ) -> bool:
        """One CUSUM step from the previous block mean to this one; ``now`` is the sample
        that completed the block (the alarm's time)."""
        at, level_mm = point
        excess = min(
            previous[1] - level_mm - self.profile.expected_drop(previous[0], at), self.clip
        )
        slack = DRAW_TOLERANCE * self.profile.expected_drop(previous[0], at)
        slack += PROFILE_SIGMAS * self.profile.uncertainty * _hours(previous[0], at)
        if self.cusum == 0:
            self.onset_at, self.excess_mm = previous[0], 0.0
        self.cusum = max(0.0, self.cusum + excess - self.allowance - slack)
        self.excess_mm = self.excess_mm + excess if self.cusum > 0 else 0.0
        if self.cusum > self.threshold and self.alarmed_at is None:
            self.alarmed_at = now
            onset = self.onset_at or previous[0]
            self.excess_mm_h = self.excess_mm / max(_hours(onset, at), 1e-9)
            return True
        return False

    @property
    def clip(self) -> float:
        return self.threshold * self.clip_fraction

    @property
    def alarm(self) -> LeakAlarm | None:
        if self.alarmed_at is None or self.excess_mm_h is None:
            return None
        return LeakAlarm(
            self.alarmed_at,
            self.onset_at or self.alarmed_at,
            self.excess_mm_h,
            None if self.kg_per_mm is None else self.excess_mm_h * self.kg_per_mm,
        )

    def reset(self) -> None:
        """A person has dealt with the alarm: start accumulating afresh."""
        self.cusum, self.alarmed_at, self.excess_mm_h = 0.0, None, None
        self.onset_at, self.excess_mm = None, 0.0

    def to_dict(self) -> dict[str, Any]:
        """Everything needed to resume after a restart (JSON-safe)."""

        def stamp(value: datetime | None) -> str | None:
            return None if value is None else value.isoformat()

        return {
            "profile": self.profile.to_dict(),
            "threshold": self.threshold,
            "allowance": self.allowance,
            "clip_fraction": self.clip_fraction,
            "refill_mm": self.refill_mm,
            "kg_per_mm": self.kg_per_mm,
            "cusum": self.cusum,
            "last": None if self.last is None else [self.last[0].isoformat(), self.last[1]],
            "alarmed_at": stamp(self.alarmed_at),
            "onset_at": stamp(self.onset_at),
            "excess_mm": self.excess_mm,
            "excess_mm_h": self.excess_mm_h,
            "block": self.block,
            "anchor": None if self.anchor is None else [self.anchor[0].isoformat(), self.anchor[1]],
            "filling": [[t.isoformat(), level] for t, level in self.filling],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LeakDetector:
        def moment(value: str | None) -> datetime | None:
            return None if value is None else datetime.fromisoformat(value)

        last = data["last"]
        return cls(
            DrawProfile.from_dict(data["profile"]),
            float(data["threshold"]),
            float(data["allowance"]),
            float(data["clip_fraction"]),
            float(data["refill_mm"]),
            data["kg_per_mm"],
            float(data["cusum"]),
            None if last is None else (datetime.fromisoformat(last[0]), float(last[1])),
            moment(data["alarmed_at"]),
            moment(data["onset_at"]),
            float(data["excess_mm"]),
            data["excess_mm_h"],
            int(data.get("block", 1)),
            _sample(data["anchor"]) if data.get("anchor") else None,
            [_sample(entry) for entry in data.get("filling", [])],
        )


@dataclass(frozen=True)
class Tuning:
    allowance_mm: float
    threshold_mm: float
    block: int = 1

    def detector(self, profile: DrawProfile, kg_per_mm: float | None = None) -> LeakDetector:
        return LeakDetector(
            profile, self.threshold_mm, self.allowance_mm, kg_per_mm=kg_per_mm, block=self.block
        )


def _excursion_peaks(increments: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Peak of every CUSUM excursion above zero (Lindley: S = C − min(0, min C))."""
    total = np.cumsum(increments)
    cusum = total - np.minimum(np.minimum.accumulate(total), 0.0)
    positive = cusum > 0
    starts = np.flatnonzero(positive & ~np.concatenate([[False], positive[:-1]]))
    if starts.size == 0:
        return np.zeros(0)
    return np.asarray(np.maximum.reduceat(np.where(positive, cusum, 0.0), starts))


def tune(
    noise_mm: float,
    interval: timedelta,
    budget_per_year: float,
    years: float = 20.0,
    seed: int = 7,
) -> Tuning:
    """Allowance k and threshold h so that level noise alone alarms at most
    ``budget_per_year`` times per tank-year.

    Per-sample drops telescope (the sum of n differences carries only the noise of its two
    ends), so a small allowance k = 0.1 σ suffices to bring the CUSUM back to zero between
    excursions; h is the height only ⌊budget × years⌋ excursions of the simulated record
    exceed. The clip is h/3, so h and the clip are iterated to their fixed point from above
    (a lower h clips harder and lowers the peaks).
    """
    if noise_mm <= 0 or budget_per_year <= 0:
        raise ValueError("noise and false-alarm budget must be positive")
    block = block_for(noise_mm, interval)
    # the detector's own pace (``LeakDetector.update``): one step per block of samples
    step = max(interval, MIN_STEP) * block
    count = int(years * HOURS_PER_YEAR * 3600 / step.total_seconds())
    noise_mm /= math.sqrt(block)  # of a block mean
    level = np.random.default_rng(seed).normal(0.0, noise_mm, count)
    drops = level[:-1] - level[1:]
    allowance = 0.1 * noise_mm
    allowed = math.floor(budget_per_year * years)
    threshold = 20.0 * noise_mm
    for _ in range(50):
        clipped = np.minimum(drops, threshold * CLIP_FRACTION) - allowance
        peaks = np.sort(_excursion_peaks(clipped))[::-1]
        proposed = float(peaks[allowed]) if allowed < peaks.size else 0.0
        if abs(proposed - threshold) <= 1e-3 * threshold:
            break
        threshold = proposed
    return Tuning(allowance, threshold, block)
