"""Tank geometry round trips and the leak detector on synthetic telemetry."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta

import pytest

from hazwatch.physics.leak import MAX_NOISE_BLOCK, DrawProfile, LeakDetector, block_for, tune
from hazwatch.physics.leak_eval import evaluate
from hazwatch.physics.tank import HeadShape, TankGeometry

TANK = TankGeometry(4.99, 1.6)  # the 2·7 tank, diameter assumed (see tank.py)


def test_vertical_tank_level_volume_mass() -> None:
    # area π·0.8² = 2.0106 m²: 1 mm is 2.0106 L, 1.6206 kg of LN2 at 806 kg/m³
    assert TANK.volume_at(1000) == pytest.approx(2.0106, abs=1e-4)
    assert TANK.mass_at(1, 806) == pytest.approx(1.6206, abs=1e-4)
    assert TANK.level_at(TANK.volume_at(1234.5)) == pytest.approx(1234.5)
    # the 2·7 leak, 30.9 mm/h, is 50.1 kg/h of LN2 (~43 m³/h of gas at 20 °C)
    assert TANK.mass_at(30.9, 806) == pytest.approx(50.1, abs=0.1)


def test_horizontal_tank_is_half_full_at_half_its_diameter() -> None:
    tank = TankGeometry(10.0, 2.0, horizontal=True)
    assert tank.volume_at(1000) == pytest.approx(5.0)
    assert tank.volume_at(2000) == pytest.approx(10.0)
    assert tank.level_at(tank.volume_at(300)) == pytest.approx(300, abs=1e-6)
    with pytest.raises(ValueError):
        TankGeometry(0, 1)


def test_refills_and_a_sensor_step_do_not_alarm_but_a_leak_does() -> None:
    t0 = datetime(2025, 2, 6, 20, tzinfo=UTC)
    detector = LeakDetector(DrawProfile(default=3.4), threshold=15.0, allowance=0.3)
    level = 1500.0
    for minute in range(0, 6 * 60, 5):
        at = t0 + timedelta(minutes=minute)
        level -= 3.4 * 5 / 60
        if minute == 60:
            level += 1500  # refill
        if minute == 120:
            level -= 30  # sensor step
        assert not detector.update(at, level), minute
    for minute in range(6 * 60, 8 * 60, 5):  # the 2·7 leak on top of the normal draw
        level -= (3.4 + 30.9) * 5 / 60
        if detector.update(t0 + timedelta(minutes=minute), level):
            break
    assert detector.alarmed_at is not None
    assert detector.alarmed_at - (t0 + timedelta(hours=6)) <= timedelta(hours=1)


def test_detection_delay_and_false_alarms_on_synthetic_years() -> None:
    result = evaluate(3.0, budget_per_year=1.0, years=0.5, leak_runs=3, seed=3)
    assert result.false_alarms_per_year <= 2.0  # budget 1/year, half a year simulated
    assert result.missed == 0
    assert result.median_delay_h <= 1.5  # DOMAIN §5: about 1 h with 3 mm level noise


def test_a_noisy_gauge_is_averaged_in_blocks_and_still_finds_the_leak() -> None:
    """10 mm of noise: block means of two samples (BLOCK_NOISE_MM). Unblocked, the clip ate
    the leak's drift: 7.8 h median and 5 of 50 leaks missed within a day in the full
    evaluation (20 years, 50 runs), now 2.9–4.2 h and none missed (seeds 1–3; DOMAIN §5
    expects about 2.5–3 h). Six runs here: a wider bound."""
    five, second = timedelta(minutes=5), timedelta(seconds=1)
    by_noise = [block_for(noise, five) for noise in (1.0, 3.0, 7.5, 7.6, 10.0, 15.0, 40.0)]
    assert by_noise == [1, 1, 1, 2, 2, 4, MAX_NOISE_BLOCK]
    # a fast gauge: one sample a minute (MIN_STEP), five of them per step (STEP_SPAN)
    assert block_for(3.0, second) == block_for(3.0, timedelta(minutes=1)) == 5
    assert block_for(3.0, timedelta(minutes=15)) == 1
    result = evaluate(10.0, budget_per_year=1.0, years=2, leak_runs=6, seed=3)
    assert result.tuning.block == 2
    assert result.false_alarms_per_year <= 1.5  # budget 1/year, two years simulated
    assert result.missed == 0
    assert result.median_delay_h <= 7.0


def test_a_blocked_detector_resumes_mid_block_from_its_dict() -> None:
    tuned = tune(10.0, timedelta(minutes=5), 1.0, years=1)
    original = tuned.detector(DrawProfile(default=3.0))
    t0 = datetime(2025, 2, 7, tzinfo=UTC)
    hours = [n * 5 / 60 for n in range(80)]  # the draw, then the 2·7 leak from 2.5 h
    samples = [
        (t0 + timedelta(hours=h), 1500.0 - 3.0 * h - 30.9 * max(h - 2.5, 0.0)) for h in hours
    ]
    for at, level in samples[:31]:
        original.update(at, level)
    assert len(original.filling) == 1  # an odd sample waits for its block's second
    copy = LeakDetector.from_dict(json.loads(json.dumps(original.to_dict())))
    outcomes = [(original.update(*s), copy.update(*s)) for s in samples[31:]]
    assert all(a == b for a, b in outcomes) and any(a for a, _ in outcomes)
    assert copy.alarmed_at == original.alarmed_at


def _sliced_volume(tank: TankGeometry, level_mm: float, slices: int = 20_000) -> float:
    """The liquid volume summed from thin horizontal slices of the tank's cross-section: an
    independent check of the closed forms (midpoint rule)."""
    r, a, length = tank.radius_m, tank.head_depth_m, tank.length_m
    height = level_mm / 1000
    dz = height / slices
    total = 0.0
    for i in range(slices):
        z = (i + 0.5) * dz
        if tank.horizontal:
            half_chord_sq = max(r**2 - (z - r) ** 2, 0.0)
            # shell: a strip 2c wide; both heads: half-ellipses of semi-axes c and a·c/R
            total += (2 * half_chord_sq**0.5 * length + math.pi * a * half_chord_sq / r) * dz
        else:
            top = 2 * a + length
            depth = min(z, top - z)
            radius_sq = r**2 * (1 - ((a - depth) / a) ** 2) if depth < a else r**2
            total += math.pi * radius_sq * dz
    return total


@pytest.mark.parametrize("heads", [HeadShape.ELLIPSOIDAL_2_1, HeadShape.HEMISPHERICAL])
@pytest.mark.parametrize("horizontal", [False, True])
def test_dished_heads_match_the_sliced_tank(heads: HeadShape, horizontal: bool) -> None:
    tank = TankGeometry(4.99, 1.7, horizontal=horizontal, heads=heads)
    for share in (0.05, 0.1, 0.3, 0.5, 0.8, 0.97, 1.0):
        level = share * tank.max_level_mm
        assert tank.volume_at(level) == pytest.approx(_sliced_volume(tank, level), rel=1e-5)
        # to a micrometre: at the very top the volume hardly changes with the level
        assert tank.level_at(tank.volume_at(level)) == pytest.approx(level, abs=1e-3)
    assert tank.volume_at(tank.max_level_mm) == pytest.approx(4.99)


def test_the_2_7_tank_with_2_1_heads() -> None:
    # R = 0.85 m, a = D/4 = 0.425 m: both heads 4/3·π·0.85²·0.425 = 1.2862 m³, a quarter of
    # the tank; shell (4.99 − 1.2862)/(π·0.85²) = 1.6318 m, so the top is at 2481.8 mm
    # where flat heads would put it at 2198.4 mm.
    tank = TankGeometry(4.99, 1.7, heads=HeadShape.ELLIPSOIDAL_2_1)
    flat = TankGeometry(4.99, 1.7)
    assert tank.heads_volume_m3 == pytest.approx(1.28622, abs=1e-5)
    assert tank.length_m == pytest.approx(1.63176, abs=1e-5)
    assert tank.max_level_mm == pytest.approx(2481.76, abs=0.01)
    assert flat.max_level_mm == pytest.approx(2198.43, abs=0.01)
    assert tank.volume_at(425) == pytest.approx(1.28622 / 2, abs=1e-5)  # bottom head full
    # in the shell a millimetre is the same 1.83 kg of LN2 either way (the leak detector's
    # figure); in the bottom head it is less: 0 at the very bottom
    assert tank.kg_per_mm(1000, 806) == pytest.approx(flat.kg_per_mm(1000, 806))
    assert tank.kg_per_mm(100, 806) < 0.5 * flat.kg_per_mm(100, 806)


def test_heads_larger_than_the_tank_are_refused() -> None:
    with pytest.raises(ValueError, match="heads"):
        TankGeometry(1.0, 2.0, heads=HeadShape.HEMISPHERICAL)  # a 2 m sphere alone is 4.19 m³
