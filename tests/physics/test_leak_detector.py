"""Leak detector: resume from a dict, alarm estimate, gaps, tuning, 2·7 tank figures."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

import pytest

from hazwatch.physics.leak import DrawProfile, LeakDetector, tune
from hazwatch.physics.leak_eval import KG_PER_MM
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
