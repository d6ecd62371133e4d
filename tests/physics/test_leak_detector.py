"""Leak detector: resume from a dict, alarm estimate, gaps, tuning, 2·7 tank figures."""

from __future__ import annotations

import json
import random
import statistics
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from hazwatch.physics.leak import DrawProfile, LeakDetector, tune
from hazwatch.physics.leak_eval import HISTORY_H, KG_PER_MM, START, STEP, synthesise
from hazwatch.physics.tank import TANK_2_7, level_drop

T0 = datetime(2025, 2, 6, 20, tzinfo=UTC)


def series(hours: float, leak_after: float | None = None) -> list[tuple[datetime, float]]:
    level, out = 1500.0, []
    for n in range(int(hours * 12)):
        at = T0 + timedelta(minutes=5 * n)
        level -= 3.0 * 5 / 60
        if leak_after is not None and n / 12 >= leak_after:
            level -= 30.9 * 5 / 60
        out.append((at, level + (1.5 if n % 2 else -1.5)))  # ±1.5 mm of gauge ripple
    return out


def detector() -> LeakDetector:
    return LeakDetector(DrawProfile(default=3.0), threshold=12.0, allowance=0.3, kg_per_mm=1.83)


def test_the_2_7_level_drop_in_mass_and_gas() -> None:
    # 1.7 m bore: area 2.2698 m²; 30.9 mm/h → 0.070137 m³/h of liquid · 806 = 56.53 kg/h;
    # / 1.16483 kg/m³ (N2, 20 °C, 1 atm) = 48.53 m³/h
    drop = level_drop(TANK_2_7, 30.9, 1000.0)
    assert drop.kg_h == pytest.approx(56.53, abs=0.01)
    assert drop.gas_m3_h == pytest.approx(48.53, abs=0.01)
    assert round(KG_PER_MM, 4) == 1.8295
    assert TANK_2_7.level_at(TANK_2_7.volume_at(987.6)) == pytest.approx(987.6)


def test_alarm_names_time_onset_and_excess() -> None:
    found = detector()
    for at, level in series(8, leak_after=6):
        if found.update(at, level):
            break
    alarm = found.alarm
    assert alarm is not None
    assert timedelta(0) < alarm.at - (T0 + timedelta(hours=6)) <= timedelta(hours=1)
    assert alarm.onset >= T0 + timedelta(hours=5, minutes=50)
    assert alarm.excess_mm_h == pytest.approx(30.9, rel=0.25)
    assert alarm.excess_kg_h == pytest.approx(alarm.excess_mm_h * 1.83)
    found.reset()
    assert found.alarm is None and found.cusum == 0.0


def test_a_restored_detector_continues_exactly() -> None:
    samples = series(8, leak_after=6)
    straight, interrupted = detector(), detector()
    for at, level in samples[:80]:
        straight.update(at, level)
        interrupted.update(at, level)
    resumed = LeakDetector.from_dict(json.loads(json.dumps(interrupted.to_dict())))
    for at, level in samples[80:]:
        assert straight.update(at, level) == resumed.update(at, level)
    assert resumed.to_dict() == straight.to_dict()


def test_gaps_and_out_of_order_samples_do_not_alarm() -> None:
    watch = detector()
    for n, (at, level) in enumerate(series(24)):
        if 30 <= n % 60 < 50:  # a 100-minute gap every 5 hours
            continue
        assert not watch.update(at, level)
        assert not watch.update(at - timedelta(minutes=1), level - 500)


def test_profile_learns_the_draw_from_noisy_history() -> None:
    rng = random.Random(4)
    # 3 mm/h draw, 3 mm gauge noise, 5-min samples over four weeks
    history = [
        (T0 + timedelta(minutes=5 * n), 2000.0 - 0.25 * n + rng.gauss(0.0, 3.0))
        for n in range(4 * 7 * 24 * 12)
    ]
    profile = DrawProfile.learn(history)
    assert len(profile.by_hour) == 7 * 24
    assert profile.default == pytest.approx(3.0, abs=0.2)


def test_tuning_trades_threshold_for_budget() -> None:
    step = timedelta(minutes=5)
    strict, loose = tune(3.0, step, 0.2, years=10), tune(3.0, step, 5.0, years=10)
    assert strict.threshold_mm > loose.threshold_mm > 0
    assert strict.allowance_mm == pytest.approx(0.3)
    with pytest.raises(ValueError):
        tune(0.0, step, 1.0)


def test_per_second_samples_are_used_once_a_minute() -> None:
    """A 1 s gauge costs what a 1 min gauge costs, and is tuned as one (MIN_STEP)."""
    every_second, every_minute = detector(), detector()
    level = 1500.0
    for second in range(3 * 3600):
        at = T0 + timedelta(seconds=second)
        level -= (3.0 + 30.9) / 3600  # the draw plus the 2·7 leak
        every_second.update(at, level)
        if second % 60 == 0:
            every_minute.update(at, level)
        assert every_second.last == every_minute.last
    assert every_second.alarmed_at == every_minute.alarmed_at is not None
    assert tune(3.0, timedelta(seconds=1), 1.0, years=1) == tune(
        3.0, timedelta(minutes=1), 1.0, years=1
    )


def _learned(seed: int, noise_mm: float) -> tuple[LeakDetector, np.random.Generator]:
    """A detector tuned for the noise (1 false alarm per tank-year) with the weekly profile
    learned from four leak-free weeks of the evaluation's synthetic 2·7 tank."""
    rng = np.random.default_rng(seed)
    profile = DrawProfile.learn(synthesise(START, HISTORY_H, noise_mm, rng).samples)
    return tune(noise_mm, STEP, 1.0, years=5).detector(profile, KG_PER_MM), rng


def test_a_small_working_day_leak_is_found_with_a_learned_profile() -> None:
    """A 10 mm/h leak (a third of the 2·7 one) from Tuesday 09:00, 3 mm noise: found within
    a day in seeds 1–5 (the clip at h/3 missed it in every seed: the clip and the working
    hours' slack ate it). An 8 mm/h leak is found in seeds 1, 4, 7, 8 and missed in 2, 3, 5
    and 6 of 1–8: in working hours the slack for a busy day and the profile's error
    exceed it, so it shows only in the evening. Delays 2.4–13 h."""
    begin = START + timedelta(hours=HISTORY_H)
    leak = begin + timedelta(days=1, hours=9)
    estimates = []
    for seed in range(1, 6):
        found, rng = _learned(seed, 3.0)
        telemetry = synthesise(begin, 33 + 24, 3.0, rng, leak, step_every_h=1e9, leak_mm_h=10.0)
        alarm = None
        for at, level in telemetry.samples:
            if found.update(at, level):
                assert at > leak, f"seed {seed}: a false alarm at {at}"
                alarm = found.alarm
                break
        assert alarm is not None, f"seed {seed}: missed"
        estimates.append(alarm.excess_mm_h)
    # an early alarm on a noisy excursion reads high (seed 1: 24 mm/h after 2.4 h)
    assert statistics.median(estimates) == pytest.approx(10.0, rel=0.15)


def test_a_quiet_10_mm_gauge_raises_no_false_alarm() -> None:
    """Four leak-free weeks after learning, 10 mm noise, seeds 1–5: no alarm (before the
    glitch rule took only drops, the return from a high outlier counted after the outlier
    was ignored: one false alarm in seed 2)."""
    begin = START + timedelta(hours=HISTORY_H)
    for seed in range(1, 6):
        watch, rng = _learned(seed, 10.0)
        telemetry = synthesise(begin, 4 * 7 * 24, 10.0, rng, step_every_h=1e9)
        alarms = [at for at, level in telemetry.samples if watch.update(at, level)]
        assert alarms == [], f"seed {seed}"


def test_noisy_slopes_never_make_a_slot_expect_a_rising_level() -> None:
    rng = random.Random(9)
    # nights only: 0.5 mm/h draw under 10 mm noise, four weeks of 5-min samples
    history = [
        (T0 + timedelta(minutes=5 * n), 2000.0 - 0.5 * n / 12 + rng.gauss(0.0, 10.0))
        for n in range(4 * 7 * 24 * 12)
    ]
    profile = DrawProfile.learn(history)
    assert len(profile.by_hour) == 7 * 24
    assert min(profile.by_hour.values()) >= 0.0 and profile.default >= 0.0
    assert profile.noise_mm == pytest.approx(10.0, rel=0.1)


def test_an_isolated_sensor_step_counts_nothing_but_a_burst_counts() -> None:
    def flat_then(change: list[float]) -> LeakDetector:
        # σ of a step 2 mm: clip 4 mm, a lone drop beyond 8 mm is a glitch
        watch = LeakDetector(DrawProfile(default=0.0), 12.0, 0.3, step_noise_mm=2.0)
        level = 1000.0
        for n in range(60):
            level -= change[n - 12] if 12 <= n < 12 + len(change) else 0.0
            watch.update(T0 + timedelta(minutes=5 * n), level)
        return watch

    glitch = flat_then([30.0])  # the gauge jumps 30 mm down and stays there
    assert glitch.cusum == 0.0 and glitch.alarmed_at is None
    burst = flat_then([20.0] * 6)  # 240 mm/h for half an hour
    assert burst.alarmed_at == T0 + timedelta(minutes=5 * 15)
    assert burst.alarm is not None and burst.alarm.excess_mm_h == pytest.approx(240.0, rel=0.05)


def test_the_excess_rate_is_estimated_from_unclipped_data() -> None:
    """28.4 mm/h over a 2.5 mm/h draw, 10 mm noise: the least-squares slope since the onset
    reads it within 10 % in the median of seeds 1–5 (the clipped excess over the time since
    the onset read 19.8; a straight line from the onset, which often precedes the leak, 24)."""
    estimates = []
    for seed in range(1, 6):
        rng = np.random.default_rng(seed)
        watch = tune(10.0, STEP, 1.0, years=5).detector(DrawProfile(default=2.5))
        for n in range(24 * 12):
            hours = n / 12
            level = 1500.0 - 2.5 * hours - 28.4 * max(0.0, hours - 6) + rng.normal(0.0, 10.0)
            if watch.update(T0 + n * STEP, level):
                assert watch.alarm is not None
                estimates.append(watch.alarm.excess_mm_h)
                break
    assert len(estimates) == 5
    assert statistics.median(estimates) == pytest.approx(28.4, rel=0.1)
