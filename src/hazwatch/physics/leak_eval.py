"""Evaluation harness for the leak detector on synthetic tank telemetry.

A simulated LN2 tank (the 2·7 geometry: 1.62 kg per mm) draws about 5.5 kg/h on average
with a working-day pattern, is refilled from 300 mm to 2,200 mm, loses samples in gaps and
suffers sensor steps; a leak of 30.9 mm/h (the 2·7 rate) is injected in leak runs. Reports
the detection delay and the false alarms per tank-year.
"""

from __future__ import annotations

import random
import statistics
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hazwatch.physics.leak import HOURS_PER_YEAR, DrawProfile, LeakDetector, tune_threshold

STEP = timedelta(minutes=5)
LEAK_MM_H = 30.9
START = datetime(2025, 1, 6, tzinfo=UTC)  # a Monday


def draw_mm_h(at: datetime) -> float:
    """About 3.4 mm/h on average: heavier on weekday working hours, light at night/weekend."""
    working = at.weekday() < 5 and 8 <= at.hour < 18
    return 8.0 if working else 1.2


@dataclass
class Telemetry:
    samples: list[tuple[datetime, float]]
    leak_start: datetime | None


def synthesise(
    hours: float,
    noise_mm: float,
    seed: int,
    leak_after: float | None = None,
    gap_every_h: float = 50.0,
    step_every_h: float = 400.0,
) -> Telemetry:
    rng = random.Random(seed)
    level, at = 2200.0, START
    samples: list[tuple[datetime, float]] = []
    offset = 0.0
    leak_start = START + timedelta(hours=leak_after) if leak_after is not None else None
    gap_until = START
    end = START + timedelta(hours=hours)
    while at < end:
        at += STEP
        level -= draw_mm_h(at) * STEP.total_seconds() / 3600
        if leak_start is not None and at >= leak_start:
            level -= LEAK_MM_H * STEP.total_seconds() / 3600
        if level < 300:
            level = 2200.0  # refill
        if rng.random() < STEP.total_seconds() / 3600 / step_every_h:
            offset += rng.choice((-1, 1)) * rng.uniform(15, 40)  # sensor step
        if rng.random() < STEP.total_seconds() / 3600 / gap_every_h:
            gap_until = at + timedelta(hours=rng.uniform(0.5, 3))
        if at < gap_until:
            continue
        samples.append((at, level + offset + rng.gauss(0, noise_mm)))
    return Telemetry(samples, leak_start)


@dataclass(frozen=True)
class Evaluation:
    noise_mm: float
    threshold_mm: float
    false_alarms_per_year: float
    delays_h: tuple[float, ...]

    @property
    def median_delay_h(self) -> float:
        return statistics.median(self.delays_h) if self.delays_h else float("nan")

    @property
    def missed(self) -> int:
        return sum(1 for d in self.delays_h if d != d)  # NaN: never detected


def _detector(profile: DrawProfile, allowance: float, threshold: float) -> LeakDetector:
    return LeakDetector(profile, threshold, allowance)


def evaluate(
    noise_mm: float,
    budget_per_year: float = 1.0,
    years: float = 2.0,
    leak_runs: int = 10,
    seed: int = 1,
) -> Evaluation:
    allowance, threshold = tune_threshold(noise_mm, STEP, budget_per_year, seed=seed)
    history = synthesise(24 * 28, 0.0, seed, step_every_h=1e9, gap_every_h=1e9)
    profile = DrawProfile.learn(history.samples)
    quiet = synthesise(years * HOURS_PER_YEAR, noise_mm, seed + 1)
    detector, alarms = _detector(profile, allowance, threshold), 0
    for at, level in quiet.samples:
        if detector.update(at, level):
            alarms += 1
            detector = _detector(profile, allowance, threshold)
            detector.update(at, level)
    delays = []
    for run in range(leak_runs):
        leaky = synthesise(24 * 10, noise_mm, seed + 100 + run, leak_after=24 * 7 + run * 2.3)
        detector = _detector(profile, allowance, threshold)
        delay = float("nan")
        assert leaky.leak_start is not None
        for at, level in leaky.samples:
            if detector.update(at, level) and at >= leaky.leak_start:
                delay = (at - leaky.leak_start).total_seconds() / 3600
                break
            if detector.alarmed_at is not None and detector.alarmed_at < leaky.leak_start:
                detector = _detector(profile, allowance, threshold)
        delays.append(delay)
    return Evaluation(noise_mm, threshold, alarms / years, tuple(delays))
