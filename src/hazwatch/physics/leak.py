"""Tank leak detection on level telemetry: a one-sided CUSUM on the excess level drop.

Each sample's level drop since the previous one is compared with the draw expected for that
hour of the week (:class:`DrawProfile`, learned from history); the excess accumulates in a
CUSUM, S = max(0, S + clip(x) − k − slack), which alarms when S > h (Page 1954).

- A leak is a sustained slope, a sensor step one sudden change. Each step's excess x is
  clipped at ±2σ, σ the standard deviation of a step's excess that the gauge's noise alone
  gives (:attr:`DrawProfile.noise_mm`, estimated from the level history, where it is above
  the tuning's assumed noise): the clip is set by the sensor, not by the leak, so a small
  leak's few mm per step pass whole. A drop beyond 4σ that stands alone (the next step is
  ordinary) is a sensor glitch and counts nothing; a burst of such drops (a large leak)
  counts, clipped. A rise is only clipped: ignoring one would let the return from a high
  outlier count.
- The excess rate reported at the alarm is a least-squares hinge fit (:func:`hinge_rate`) of
  the unclipped block means since the CUSUM last stood at zero, the expected draw added back:
  the clipped sum would read low (19.8 mm/h for a 28.4 mm/h excess).
- Each CUSUM step is a block mean of samples (:func:`block_for`): at least five minutes of
  them (the allowance is per step), more for a noisy gauge (the mean's noise stays under
  the clip); samples less than a minute apart are skipped.
- A rise of more than ``refill_mm`` is a refill: a new baseline, S restarts from zero.
- A gap is a longer step in time: the expected draw is integrated over it, and the clip
  keeps a sensor step hidden in a gap from counting more than a clip.
- The expected draw is a median profile and real days differ: the slack per sample is
  :data:`DRAW_TOLERANCE` of the expected drop plus the profile's own standard error, so a
  busy day is not summed into a leak (the 2·7 leak is 4–15 times the draw, well above).

Tuning (:func:`tune`): differenced, clipped noise is neither independent nor Gaussian, so
Siegmund's ARL approximation would mislead; instead noise-only levels are simulated and h is
set so that the number of CUSUM excursions rising above it (each one a latched false alarm)
stays within the budget per tank-year (the same clip and glitch rule as the detector). The
CUSUM of a whole simulated record is computed at once with the Lindley identity
S = C − min(0, min C) (C the cumulative sum), so tuning on 20 simulated years takes well under
a second.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

HOURS_PER_YEAR = 24 * 365
#: Each step's excess is clipped at this many standard deviations of a step's noise.
CLIP_SIGMAS = 2.0
#: A step beyond this many standard deviations that stands alone is a sensor glitch.
GLITCH_SIGMAS = 4.0
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


def step_noise(noise_mm: float, block: int) -> float:
    """Standard deviation of a CUSUM step's excess (the difference of two block means) that a
    gauge of ``noise_mm`` (σ per sample, white) gives on its own: σ·√(2/n)."""
    return noise_mm * math.sqrt(2.0 / max(block, 1))


def level_noise(samples: Iterable[tuple[datetime, float]]) -> float | None:
    """The gauge's noise σ (mm per sample) from level history: second differences
    l[i+1] − 2·l[i] + l[i−1] cancel any draw that is steady over three samples and carry 6σ²
    of white noise; the MAD makes the estimate robust to refills, steps and gaps."""
    levels = np.fromiter((level for _, level in samples), dtype=float)
    if levels.size < 10:
        return None
    second = levels[2:] - 2 * levels[1:-1] + levels[:-2]
    return float(1.4826 * np.median(np.abs(second - np.median(second))) / math.sqrt(6.0))


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
    #: The gauge's noise σ per sample (mm) estimated from the same history, None if unknown.
    noise_mm: float | None = None

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
        odd hour with a sensor step). Hours with a refill or a gap are left out. A tank's draw
        never fills it: a slot whose noisy slopes give a rising level expects no draw."""
        samples = list(samples)
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
        medians = {slot: statistics.median(rates) for slot, rates in per_slot.items()}
        error = _median_error(per_slot, medians)
        by_hour = {slot: max(0.0, rate) for slot, rate in medians.items()}
        everything = [rate for rates in per_slot.values() for rate in rates]
        default = max(0.0, statistics.median(everything))
        return cls(by_hour, default, error, level_noise(samples))

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
            "noise_mm": self.noise_mm,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DrawProfile:
        return cls(
            {int(k): float(v) for k, v in data["by_hour"].items()},
            float(data["default"]),
            float(data.get("uncertainty", 0.0)),
            None if data.get("noise_mm") is None else float(data["noise_mm"]),
        )


@dataclass(frozen=True)
class LeakAlarm:
    """A detected leak: when it was detected, when the excess began (the CUSUM's last zero)
    and how much faster than expected the tank empties."""

    at: datetime
    onset: datetime
    excess_mm_h: float
    excess_kg_h: float | None  # when the detector knows the tank's kg per mm


#: Points after the onset a hinge fit needs on its sloping side (:func:`hinge_rate`).
MIN_FIT_POINTS = 3


#: Break candidates a hinge fit tries at most (evenly spread): a leak alarmed hours ago keeps
#: adding points, and the fit runs on every step while a leak is suspected.
MAX_BREAKS = 48
#: Noise-only CUSUM excursions per tank-year that rise above the suspicion level: from there
#: on the modelled O2 takes the estimated excess (:mod:`hazwatch.monitoring.tanks.attribution`).
SUSPICIONS_PER_YEAR = 12.0


def hinge_rate(points: list[tuple[float, float]]) -> float | None:
    """The rate of :func:`hinge_fit`."""
    fitted = hinge_fit(points)
    return None if fitted is None else fitted[0]


def hinge_fit(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """Excess rate (mm/h) from (hours since onset, level with the expected draw added back)
    points: least squares of y = a − r·max(0, t − τ) over the break τ at each point, keeping
    the break with the least squared error. The CUSUM's onset often comes before the leak (a
    noise excursion it grows out of), and a straight line through the flat part read low
    (24 mm/h for 28.4 at 10 mm noise); the unclipped points carry the rate whole. Returns
    (rate mm/h, break τ in hours since the onset)."""
    if len(points) < MIN_FIT_POINTS:
        return None
    t = np.array([p[0] for p in points])
    y = np.array([p[1] for p in points])
    best: tuple[float, float, float] | None = None
    last = len(points) - MIN_FIT_POINTS
    for k in sorted({round(i * last / MAX_BREAKS) for i in range(MAX_BREAKS + 1)}):
        x = np.maximum(0.0, t - t[k])
        spread = float(np.sum((x - x.mean()) ** 2))
        if spread <= 1e-12:
            continue
        slope = float(np.sum((x - x.mean()) * (y - y.mean())) / spread)
        error = float(np.sum((y - y.mean() - slope * (x - x.mean())) ** 2))
        if best is None or error < best[0]:
            best = (error, -slope, float(t[k]))
    return None if best is None else (best[1], best[2])


@dataclass
class LeakDetector:
    """Streaming detector; feed it samples in time order with :meth:`update`."""

    profile: DrawProfile
    threshold: float  # h, mm of excess level drop
    allowance: float  # k, mm of excess per sample
    #: σ of a step's excess from noise alone (mm); 0 = from the profile's estimated noise.
    step_noise_mm: float = 0.0
    #: CUSUM height from which a leak is suspected (mm; 0 = half the threshold).
    suspicion_mm: float = 0.0
    refill_mm: float = 100.0  # a refill adds hundreds of mm; noise must never look like one
    kg_per_mm: float | None = None
    cusum: float = 0.0
    last: tuple[datetime, float] | None = None  # the last sample used
    alarmed_at: datetime | None = None
    onset_at: datetime | None = None
    excess_mm: float = 0.0  # counted (clipped) excess accumulated since the onset
    excess_mm_h: float | None = None  # the excess rate estimated at the alarm
    block: int = 1  # samples averaged per CUSUM step (:func:`block_for`)
    #: The previous CUSUM point (a block mean) and the samples of the block being filled.
    anchor: tuple[datetime, float] | None = None
    filling: list[tuple[datetime, float]] = field(default_factory=list)
    #: A step beyond the glitch bound waiting for the next one to tell glitch from burst.
    pending: float | None = None
    #: The held step's point (hours since onset, detrended level) not yet in the fit.
    pending_point: tuple[float, float] | None = None
    bursting: bool = False
    #: Since the onset: expected drop so far (mm), glitch offsets (mm), and the unclipped
    #: points (hours since onset, level + expected drop + offsets) the rate is fitted to.
    expected_mm: float = 0.0
    offset_mm: float = 0.0
    fit: list[tuple[float, float]] = field(default_factory=list)

    @property
    def sigma(self) -> float:
        """σ of a step's excess from the gauge's noise alone: the configured one, else the
        profile's estimated noise over this block, else (no estimate at all) h/6, so that
        the clip is the former h/3."""
        if self.step_noise_mm > 0:
            return self.step_noise_mm
        if self.profile.noise_mm:
            return step_noise(self.profile.noise_mm, self.block)
        return self.threshold / 6

    @property
    def clip(self) -> float:
        return CLIP_SIGMAS * self.sigma

    @property
    def suspicion(self) -> float:
        return self.suspicion_mm or self.threshold / 2

    @property
    def suspected(self) -> bool:
        """A leak is alarmed, or the CUSUM stands above the suspicion level."""
        return self.alarmed_at is not None or self.cusum > self.suspicion

    def excess_drop(self) -> float | None:
        """Excess level drop (mm) of the excursion the CUSUM is in, from the hinge fit: the
        rate times the time since the fitted break; None outside an excursion."""
        if self.cusum == 0 or not self.fit:
            return None
        fitted = hinge_fit(self.fit)
        if fitted is None:
            return max(self.excess_mm, 0.0)
        rate, start = fitted
        return max(0.0, rate) * max(0.0, self.fit[-1][0] - start)

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
            self.pending, self.pending_point, self.bursting = None, None, False
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

    def _count(self, raw: float) -> tuple[float, bool]:
        """The excess this step counts (clipped; a held step's too once a burst shows) and
        whether this step is held back; resolves a held step as glitch or burst."""
        clip = self.clip
        big = raw > GLITCH_SIGMAS * self.sigma
        clipped = min(max(raw, -clip), clip)
        if not big:
            if self.pending is not None:  # the held step stood alone: a sensor glitch
                self.offset_mm += self.pending
                if self.pending_point is not None:
                    t, y = self.pending_point
                    self.fit.append((t, y + self.pending))
            self.pending, self.pending_point, self.bursting = None, None, False
            return clipped, False
        if self.bursting:
            return clipped, False
        if self.pending is None:
            self.pending = raw
            return 0.0, True
        held = min(max(self.pending, -clip), clip)
        if self.pending_point is not None:
            self.fit.append(self.pending_point)
        self.pending, self.pending_point, self.bursting = None, None, True
        return held + clipped, False

    def _step(
        self, previous: tuple[datetime, float], point: tuple[datetime, float], now: datetime
    ) -> bool:
        """One CUSUM step from the previous block mean to this one; ``now`` is the sample
        that completed the block (the alarm's time)."""
        at, level_mm = point
        expected = self.profile.expected_drop(previous[0], at)
        raw = previous[1] - level_mm - expected
        slack = DRAW_TOLERANCE * expected
        slack += PROFILE_SIGMAS * self.profile.uncertainty * _hours(previous[0], at)
        if self.cusum == 0:  # a new excursion may begin: fit from the previous point
            self.onset_at, self.excess_mm = previous[0], 0.0
            self.expected_mm, self.offset_mm, self.fit = 0.0, 0.0, [(0.0, previous[1])]
            self.pending_point = None  # a held step's point is the fit's first
        counted, held = self._count(raw)
        self.expected_mm += expected
        onset = self.onset_at or previous[0]
        here = (_hours(onset, at), level_mm + self.expected_mm + self.offset_mm)
        if held:
            self.pending_point = here
        else:
            self.fit.append(here)
        self.cusum = max(0.0, self.cusum + counted - self.allowance - slack)
        self.excess_mm = self.excess_mm + counted if self.cusum > 0 else 0.0
        if self.cusum > self.threshold and self.alarmed_at is None:
            self.alarmed_at = now
            self.excess_mm_h = self.excess_rate()
            return True
        return False

    def excess_rate(self) -> float | None:
        """The excess draw (mm/h) since the onset by least squares on the unclipped block
        means (:func:`hinge_rate`); None while the CUSUM stands at zero. With too few
        points, the counted excess over the time since the onset."""
        if self.cusum == 0 or self.onset_at is None or self.anchor is None:
            return None
        rate = hinge_rate(self.fit)
        if rate is not None:
            return rate
        return self.excess_mm / max(_hours(self.onset_at, self.anchor[0]), 1e-9)

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
        self.pending, self.pending_point, self.bursting = None, None, False
        self.expected_mm, self.offset_mm, self.fit = 0.0, 0.0, []

    def to_dict(self) -> dict[str, Any]:
        """Everything needed to resume after a restart (JSON-safe)."""

        def stamp(value: datetime | None) -> str | None:
            return None if value is None else value.isoformat()

        return {
            "profile": self.profile.to_dict(),
            "threshold": self.threshold,
            "allowance": self.allowance,
            "step_noise_mm": self.step_noise_mm,
            "suspicion_mm": self.suspicion_mm,
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
            "pending": self.pending,
            "pending_point": None if self.pending_point is None else list(self.pending_point),
            "bursting": self.bursting,
            "expected_mm": self.expected_mm,
            "offset_mm": self.offset_mm,
            "fit": [list(point) for point in self.fit],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LeakDetector:
        """A detector saved by :meth:`to_dict`; one saved before the glitch rule and the fit
        (with ``clip_fraction``) resumes with their state empty."""

        def moment(value: str | None) -> datetime | None:
            return None if value is None else datetime.fromisoformat(value)

        last, point = data["last"], data.get("pending_point")
        return cls(
            DrawProfile.from_dict(data["profile"]),
            float(data["threshold"]),
            float(data["allowance"]),
            step_noise_mm=float(data.get("step_noise_mm", 0.0)),
            suspicion_mm=float(data.get("suspicion_mm", 0.0)),
            refill_mm=float(data["refill_mm"]),
            kg_per_mm=data["kg_per_mm"],
            cusum=float(data["cusum"]),
            last=None if last is None else (datetime.fromisoformat(last[0]), float(last[1])),
            alarmed_at=moment(data["alarmed_at"]),
            onset_at=moment(data["onset_at"]),
            excess_mm=float(data["excess_mm"]),
            excess_mm_h=data["excess_mm_h"],
            block=int(data.get("block", 1)),
            anchor=_sample(data["anchor"]) if data.get("anchor") else None,
            filling=[_sample(entry) for entry in data.get("filling", [])],
            pending=None if data.get("pending") is None else float(data["pending"]),
            pending_point=None if point is None else (float(point[0]), float(point[1])),
            bursting=bool(data.get("bursting", False)),
            expected_mm=float(data.get("expected_mm", 0.0)),
            offset_mm=float(data.get("offset_mm", 0.0)),
            fit=[(float(t), float(y)) for t, y in data.get("fit", [])],
        )


@dataclass(frozen=True)
class Tuning:
    allowance_mm: float
    threshold_mm: float
    block: int = 1
    #: σ of a step's excess for the noise tuned for (0: none given); a profile's own
    #: estimate from history wins when larger (:meth:`detector`).
    step_noise_mm: float = 0.0
    #: CUSUM height noise alone passes :data:`SUSPICIONS_PER_YEAR` times a year (0: h/2).
    suspicion_mm: float = 0.0

    def detector(self, profile: DrawProfile, kg_per_mm: float | None = None) -> LeakDetector:
        """A fresh detector: the clip follows the profile's estimated noise where the gauge
        is noisier than tuned for, else the noise tuned for (a quiet or rounded history
        would make the clip so tight that a leak's drift counted almost nothing)."""
        own = step_noise(profile.noise_mm, self.block) if profile.noise_mm else 0.0
        return LeakDetector(
            profile,
            self.threshold_mm,
            self.allowance_mm,
            step_noise_mm=max(own, self.step_noise_mm),
            suspicion_mm=self.suspicion_mm,
            kg_per_mm=kg_per_mm,
            block=self.block,
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


def counted(excess: npt.NDArray[np.float64], sigma: float) -> npt.NDArray[np.float64]:
    """What the detector counts of each step's excess, for a whole record at once: clipped at
    ±2σ, nothing for a drop beyond 4σ that stands alone (:meth:`LeakDetector._count`)."""
    big = excess > GLITCH_SIGMAS * sigma
    before = np.concatenate([[False], big[:-1]])
    after = np.concatenate([big[1:], [False]])
    clip = CLIP_SIGMAS * sigma
    return np.where(big & ~before & ~after, 0.0, np.clip(excess, -clip, clip))


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
    exceed, counted as the detector counts (clip at 2σ of a step, lone glitches nothing).
    """
    if noise_mm <= 0 or budget_per_year <= 0:
        raise ValueError("noise and false-alarm budget must be positive")
    block = block_for(noise_mm, interval)
    # the detector's own pace (``LeakDetector.update``): one step per block of samples
    step = max(interval, MIN_STEP) * block
    count = int(years * HOURS_PER_YEAR * 3600 / step.total_seconds())
    sigma = step_noise(noise_mm, block)
    level = np.random.default_rng(seed).normal(0.0, noise_mm / math.sqrt(block), count)
    drops = level[:-1] - level[1:]
    allowance = 0.1 * noise_mm / math.sqrt(block)
    allowed = math.floor(budget_per_year * years)
    peaks = np.sort(_excursion_peaks(counted(drops, sigma) - allowance))[::-1]
    threshold = float(peaks[allowed]) if allowed < peaks.size else 0.0
    suspicions = math.floor(SUSPICIONS_PER_YEAR * years)
    suspicion = float(peaks[suspicions]) if suspicions < peaks.size else 0.0
    return Tuning(allowance, threshold, block, sigma, min(suspicion, threshold))


#: The extra draws :func:`plain_sensitivity` tries, mm/h (whole numbers up to ten times the
#: 2·7 leak's 30.9 mm/h).
PLAIN_RATES_MM_H = range(1, 310)


def steady_leak_found_after(
    tuning: Tuning,
    interval: timedelta,
    usual_mm_h: float,
    excess_mm_h: float,
    within: timedelta,
) -> timedelta | None:
    """How long after it starts a steady extra draw of ``excess_mm_h`` on top of the usual
    ``usual_mm_h`` makes this detector alarm, on a gauge read every ``interval`` without
    noise: what the tuning means, in terms a person can check; None if not ``within``."""
    pace = max(interval, MIN_STEP)
    detector = tuning.detector(DrawProfile(default=usual_mm_h))
    start = datetime(2025, 2, 7, 4, 30, tzinfo=UTC)
    at = start - pace * (tuning.block + 1)  # a block and a step of history: the anchor is set
    level = 2000.0
    while at - start <= within:
        hours = _hours(start, at)
        drop = usual_mm_h * hours + excess_mm_h * max(hours, 0.0)
        if detector.update(at, level - drop):
            return at - start
        at += pace
    return None


def plain_sensitivity(
    tuning: Tuning, interval: timedelta, usual_mm_h: float, within: timedelta
) -> tuple[int, timedelta] | None:
    """The smallest whole extra draw (mm/h) this detector alarms on ``within`` a time, and
    how long it takes: "12 mm/h above usual for 40 min" says more than a CUSUM threshold."""
    for rate in PLAIN_RATES_MM_H:
        found = steady_leak_found_after(tuning, interval, usual_mm_h, rate, within)
        if found is not None:
            return rate, found
    return None
