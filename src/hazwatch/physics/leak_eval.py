"""Evaluation harness for the leak detector on synthetic tank telemetry.

The simulated tank is the 2·7 one (:data:`~hazwatch.physics.tank.TANK_2_7`, 1.83 kg LN2
per mm) drawing 4000 kg a month (5.5 kg/h on average): heavy in weekday working hours, light
at night and at weekends, each day's draw scaled by a random ±20 % so that the learned
profile is never exact. It is refilled from 300 mm to 2,100 mm, loses samples in gaps of
0.5–3 h (one every ~50 h), and its gauge jumps by 15–40 mm up or down (a sensor step, one
every ~400 h). The detector learns its profile from four weeks of the same noisy telemetry,
then runs over leak-free years (false alarms, each reset by a person as in operation) and
over leak runs with the 2·7 leak (30.9 mm/h) starting at a random time of the week.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from hazwatch.physics.leak import HOURS_PER_YEAR, DrawProfile, LeakDetector, Tuning, tune
from hazwatch.physics.tank import LN2_DENSITY_KG_M3, TANK_2_7

STEP = timedelta(minutes=5)
LEAK_MM_H = 30.9  # the 2·7 leak (seed 000)
MONTHLY_KG = 4000.0  # the 2·7 supply agreement (seed 000)
KG_PER_MM = TANK_2_7.kg_per_mm(1000.0, LN2_DENSITY_KG_M3)
NIGHT_KG_H = 2.0  # nights and weekends: the furnaces' purge only
WORKING_HOURS = range(8, 18)
REFILL_AT_MM, REFILL_TO_MM = 300.0, 2100.0
HISTORY_H = 4 * 7 * 24
LEAK_RUN_H = 24.0  # a leak not found within a day counts as missed
START = datetime(2025, 1, 6, tzinfo=UTC)  # a Monday


def _working_kg_h() -> float:
    """Working-hour draw such that the week averages MONTHLY_KG over a 730 h month."""
    working = 5 * len(WORKING_HOURS)
    average = MONTHLY_KG / (HOURS_PER_YEAR / 12)
    return (average * 168 - NIGHT_KG_H * (168 - working)) / working


def draw_mm_h(at: datetime) -> float:
    """The draw pattern (mm/h) before the day's random scaling."""
    working = at.weekday() < 5 and at.hour in WORKING_HOURS
    return (_working_kg_h() if working else NIGHT_KG_H) / KG_PER_MM


@dataclass(frozen=True)
class Telemetry:
    samples: list[tuple[datetime, float]]
    leak_start: datetime | None


def synthesise(
    start: datetime,
    hours: float,
    noise_mm: float,
    rng: np.random.Generator,
    leak_start: datetime | None = None,
    gap_every_h: float = 50.0,
    step_every_h: float = 400.0,
    leak_mm_h: float = LEAK_MM_H,
) -> Telemetry:
    step_h = STEP.total_seconds() / 3600
    level, offset, gap_until = float(rng.uniform(800, REFILL_TO_MM)), 0.0, start
    day_scale: dict[datetime, float] = {}
    samples: list[tuple[datetime, float]] = []
    for n in range(1, int(hours / step_h) + 1):
        at = start + n * STEP
        day = at.replace(hour=0, minute=0, second=0, microsecond=0)
        scale = day_scale.setdefault(day, float(rng.uniform(0.8, 1.2)))
        level -= draw_mm_h(at) * scale * step_h
        if leak_start is not None and at > leak_start:
            level -= leak_mm_h * step_h
        if level < REFILL_AT_MM:
            level = REFILL_TO_MM
        if rng.random() < step_h / step_every_h:
            offset += float(rng.choice((-1.0, 1.0)) * rng.uniform(15, 40))
        if rng.random() < step_h / gap_every_h:
            gap_until = at + timedelta(hours=float(rng.uniform(0.5, 3)))
        if at >= gap_until:
            samples.append((at, level + offset + float(rng.normal(0.0, noise_mm))))
    return Telemetry(samples, leak_start)


@dataclass(frozen=True)
class LeakEvaluation:
    noise_mm: float
    budget_per_year: float
    tuning: Tuning
    years: float
    false_alarms: int
    #: Hours from leak start to alarm per run; NaN where the leak was missed within a day.
    delays_h: tuple[float, ...]
    #: Excess draw the detector estimated at each alarm (kg/h); NaN where missed.
    estimated_kg_h: tuple[float, ...]

    @property
    def false_alarms_per_year(self) -> float:
        return self.false_alarms / self.years

    @property
    def detected(self) -> tuple[float, ...]:
        return tuple(d for d in self.delays_h if not math.isnan(d))

    @property
    def missed(self) -> int:
        return len(self.delays_h) - len(self.detected)

    @property
    def median_delay_h(self) -> float:
        return statistics.median(self.detected) if self.detected else math.nan

    @property
    def worst_delay_h(self) -> float:
        return max(self.detected) if self.detected else math.nan

    @property
    def median_estimate_kg_h(self) -> float:
        found = [e for e in self.estimated_kg_h if not math.isnan(e)]
        return statistics.median(found) if found else math.nan


def _false_alarms(detector: LeakDetector, telemetry: Telemetry) -> int:
    alarms = 0
    for at, level in telemetry.samples:
        if detector.update(at, level):
            alarms += 1
            detector.reset()
    return alarms


def _leak_run(detector: LeakDetector, telemetry: Telemetry) -> tuple[float, float]:
    """(delay h, estimated kg/h) of the first alarm after the leak began; earlier alarms are
    false ones, reset as a person would."""
    assert telemetry.leak_start is not None
    for at, level in telemetry.samples:
        if not detector.update(at, level):
            continue
        alarm = detector.alarm
        if at > telemetry.leak_start and alarm is not None:
            delay = (at - telemetry.leak_start).total_seconds() / 3600
            return delay, math.nan if alarm.excess_kg_h is None else alarm.excess_kg_h
        detector.reset()
    return math.nan, math.nan


def evaluate(
    noise_mm: float,
    budget_per_year: float = 1.0,
    years: float = 20.0,
    leak_runs: int = 50,
    seed: int = 1,
    progress: Callable[[float], None] | None = None,
) -> LeakEvaluation:
    """Tune for ``noise_mm`` and the budget, then measure. ``progress`` gets the fraction done."""
    rng = np.random.default_rng(seed)
    tuned = tune(noise_mm, STEP, budget_per_year, seed=seed)
    profile = DrawProfile.learn(synthesise(START, HISTORY_H, noise_mm, rng).samples)
    chunks = max(1, math.ceil(years))
    work = chunks + leak_runs
    false_alarms = 0
    detector = tuned.detector(profile, KG_PER_MM)
    quiet_start = START + timedelta(hours=HISTORY_H)
    for chunk in range(chunks):
        hours = min(years - chunk, 1.0) * HOURS_PER_YEAR
        begin = quiet_start + timedelta(hours=chunk * HOURS_PER_YEAR)
        false_alarms += _false_alarms(detector, synthesise(begin, hours, noise_mm, rng))
        if progress is not None:
            progress((chunk + 1) / work)
    delays, estimates = [], []
    for run in range(leak_runs):
        warm_up = 24 + float(rng.uniform(0, 7 * 24))
        leak_start = quiet_start + timedelta(hours=warm_up)
        telemetry = synthesise(quiet_start, warm_up + LEAK_RUN_H, noise_mm, rng, leak_start)
        delay, estimate = _leak_run(tuned.detector(profile, KG_PER_MM), telemetry)
        delays.append(delay)
        estimates.append(estimate)
        if progress is not None:
            progress((chunks + run + 1) / work)
    return LeakEvaluation(
        noise_mm, budget_per_year, tuned, years, false_alarms, tuple(delays), tuple(estimates)
    )
