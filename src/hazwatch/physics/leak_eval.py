"""Evaluation harness for the leak detector on synthetic tank telemetry.

The simulated tank is the 2·7 one (:data:`~hazwatch.physics.tank.TANK_2_7`, 1.83 kg LN2
per mm) drawing 4000 kg a month (5.5 kg/h on average): heavy in weekday working hours, light
at night and at weekends, each day's draw scaled by a random ±20 % so that the learned
profile is never exact. It is refilled from 300 mm to 2,100 mm, loses samples in gaps of
0.5–3 h (one every ~50 h), and its gauge jumps by 15–40 mm up or down (a sensor step, one
every ~400 h). The detector learns its profile from four weeks of the same noisy telemetry
(``profile="learned"``) or takes the supply agreement's flat monthly draw (``"contract"``),
then runs over leak-free years (false alarms, each reset by a person as in operation) and
over leak runs of each leak rate (default the 2·7 leak, 30.9 mm/h) starting at a random time
of the week. Alongside, the modelled O2 of the 2·7 dry room (83.1 m³, no exhaust, as it was)
takes the excess the detector attributes (:mod:`hazwatch.monitoring.tanks.attribution`) and
alarms at 19.5 %: its false alarms (a person then finds the room in fresh air) and delays
are counted too.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from hazwatch.physics.attribution import ExcessAttribution
from hazwatch.physics.leak import HOURS_PER_YEAR, DrawProfile, LeakDetector, Tuning, tune
from hazwatch.physics.room import C0, RoomState
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
ROOM_M3 = 83.1  # the 2·7 dry room 1 (7.33 × 4.05 × 2.8 m)
N2_KG_M3 = 1.16483  # nitrogen gas at 20 °C, 1 atm
GAS_M3_PER_MM = KG_PER_MM / N2_KG_M3
O2_ALARM = 0.195  # GB/T 50493-2019 O2 low alarm, 19.5 %
PROFILES = ("learned", "contract")


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


def _summary(delays: tuple[float, ...]) -> dict[str, float | int | None]:
    found = sorted(d for d in delays if not math.isnan(d))
    if not found:
        return {"median_h": None, "p90_h": None, "missed": len(delays)}
    p90 = found[min(len(found) - 1, math.ceil(0.9 * len(found)) - 1)]
    return {
        "median_h": round(statistics.median(found), 2),
        "p90_h": round(p90, 2),
        "missed": len(delays) - len(found),
    }


@dataclass(frozen=True)
class RateResult:
    """Leak runs of one rate: delays of the leak alarm and of the modelled O2's 19.5 % alarm
    (NaN where missed within a day) and the excess rates estimated at the leak alarms."""

    leak_mm_h: float
    delays_h: tuple[float, ...]
    o2_delays_h: tuple[float, ...]
    estimated_mm_h: tuple[float, ...]

    def to_dict(self) -> dict[str, Any]:
        found = [e for e in self.estimated_mm_h if not math.isnan(e)]
        return {
            "leak_mm_h": self.leak_mm_h,
            "runs": len(self.delays_h),
            "leak_alarm": _summary(self.delays_h),
            "modelled_o2_alarm": _summary(self.o2_delays_h),
            "estimated_mm_h_median": round(statistics.median(found), 2) if found else None,
        }


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
    profile: str = "learned"
    o2_false_alarms: int = 0
    rates: tuple[RateResult, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "noise_mm": self.noise_mm,
            "profile": self.profile,
            "budget_per_year": self.budget_per_year,
            "threshold_mm": round(self.tuning.threshold_mm, 2),
            "suspicion_mm": round(self.tuning.suspicion_mm, 2),
            "block": self.tuning.block,
            "years": self.years,
            "false_alarms_per_year": round(self.false_alarms_per_year, 3),
            "modelled_o2_false_alarms_per_year": round(self.o2_false_alarms / self.years, 3),
            "leaks": [rate.to_dict() for rate in self.rates],
        }

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


@dataclass
class _Watch:
    """A detector and the modelled O2 of the room its tank feeds, as in operation."""

    detector: LeakDetector
    attribution: ExcessAttribution
    room: RoomState
    seen_mm: float = 0.0
    at: datetime | None = None

    @classmethod
    def of(cls, detector: LeakDetector) -> _Watch:
        return cls(detector, ExcessAttribution(), RoomState(ROOM_M3, C0))

    def update(self, at: datetime, level: float) -> tuple[bool, bool]:
        """(leak alarm, modelled O2 alarm) raised by this sample."""
        taken = self.detector.last
        alarmed = self.detector.update(at, level)
        if self.detector.last is taken:
            return False, False
        self.attribution.record(self.detector)
        fresh = self.attribution.total_mm - self.seen_mm
        self.seen_mm = self.attribution.total_mm
        hours = 0.0 if self.at is None else (at - self.at).total_seconds() / 3600
        self.at = at
        if hours > 0:
            self.room = self.room.step(hours, fresh * GAS_M3_PER_MM / hours, 0.0)
        low = self.room.o2 < O2_ALARM
        if low:  # a person goes (with a meter) and finds the room as it is: fresh air
            self.room = RoomState(ROOM_M3, C0)
        return alarmed, low


def _false_alarms(watch: _Watch, telemetry: Telemetry) -> tuple[int, int]:
    alarms = o2_alarms = 0
    for at, level in telemetry.samples:
        alarmed, low = watch.update(at, level)
        o2_alarms += low
        if alarmed:
            alarms += 1
            watch.detector.reset()
    return alarms, o2_alarms


def _leak_run(watch: _Watch, telemetry: Telemetry) -> tuple[float, float, float]:
    """(leak alarm delay h, modelled O2 alarm delay h, estimated mm/h) after the leak began;
    earlier alarms are false ones, reset as a person would."""
    assert telemetry.leak_start is not None
    delay = o2_delay = estimate = math.nan
    for at, level in telemetry.samples:
        alarmed, low = watch.update(at, level)
        after = at > telemetry.leak_start
        hours = (at - telemetry.leak_start).total_seconds() / 3600
        if low and after and math.isnan(o2_delay):
            o2_delay = hours
        if alarmed:
            alarm = watch.detector.alarm
            if after and alarm is not None and math.isnan(delay):
                delay, estimate = hours, alarm.excess_mm_h
            elif not after:
                watch.detector.reset()
        if not math.isnan(delay) and not math.isnan(o2_delay):
            break
    return delay, o2_delay, estimate


def contract_profile() -> DrawProfile:
    """The supply agreement's draw, flat over the week (what a tank without history uses)."""
    return DrawProfile(default=MONTHLY_KG / (HOURS_PER_YEAR / 12) / KG_PER_MM)


def evaluate(
    noise_mm: float,
    budget_per_year: float = 1.0,
    years: float = 20.0,
    leak_runs: int = 50,
    seed: int = 1,
    progress: Callable[[float], None] | None = None,
    profile: str = "learned",
    leak_rates: tuple[float, ...] = (LEAK_MM_H,),
) -> LeakEvaluation:
    """Tune for ``noise_mm`` and the budget, then measure. ``progress`` gets the fraction done."""
    if profile not in PROFILES:
        raise ValueError(f"profile must be one of {PROFILES}")
    rng = np.random.default_rng(seed)
    tuned = tune(noise_mm, STEP, budget_per_year, seed=seed)
    history = synthesise(START, HISTORY_H, noise_mm, rng).samples
    learned = DrawProfile.learn(history)
    drawn = learned if profile == "learned" else contract_profile()
    if profile == "contract":  # the gauge's noise is still known from its levels
        drawn.noise_mm = learned.noise_mm
    chunks = max(1, math.ceil(years))
    work = chunks + leak_runs * len(leak_rates)
    false_alarms = o2_false_alarms = 0
    watch = _Watch.of(tuned.detector(drawn, KG_PER_MM))
    quiet_start = START + timedelta(hours=HISTORY_H)
    for chunk in range(chunks):
        hours = min(years - chunk, 1.0) * HOURS_PER_YEAR
        begin = quiet_start + timedelta(hours=chunk * HOURS_PER_YEAR)
        found, low = _false_alarms(watch, synthesise(begin, hours, noise_mm, rng))
        false_alarms, o2_false_alarms = false_alarms + found, o2_false_alarms + low
        if progress is not None:
            progress((chunk + 1) / work)
    results = []
    for index, rate in enumerate(leak_rates):
        delays, o2_delays, estimates = [], [], []
        for run in range(leak_runs):
            warm_up = 24 + float(rng.uniform(0, 7 * 24))
            leak_start = quiet_start + timedelta(hours=warm_up)
            telemetry = synthesise(
                quiet_start, warm_up + LEAK_RUN_H, noise_mm, rng, leak_start, leak_mm_h=rate
            )
            delay, o2_delay, estimate = _leak_run(
                _Watch.of(tuned.detector(drawn, KG_PER_MM)), telemetry
            )
            delays.append(delay)
            o2_delays.append(o2_delay)
            estimates.append(estimate)
            if progress is not None:
                progress((chunks + index * leak_runs + run + 1) / work)
        results.append(RateResult(rate, tuple(delays), tuple(o2_delays), tuple(estimates)))
    first = results[0]
    return LeakEvaluation(
        noise_mm,
        budget_per_year,
        tuned,
        years,
        false_alarms,
        first.delays_h,
        tuple(e * KG_PER_MM for e in first.estimated_mm_h),
        profile,
        o2_false_alarms,
        tuple(results),
    )
