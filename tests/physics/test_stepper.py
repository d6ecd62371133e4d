"""The exact stepper against the closed forms of cases A–D, time to a level, instant release."""

from __future__ import annotations

import math

import pytest

from hazwatch.physics.room import (
    C0,
    RoomState,
    advance,
    after_instant_release,
    exhaust,
    fresh_air_supply,
    no_ventilation,
    recovery,
    steady_state,
    time_to_level,
)

V, R = 83.1, 48.9


def stepped(
    hours: float, steps: int, inflow: float, extract: float = 0.0, supply: float = 0.0
) -> float:
    state = RoomState(V)
    for _ in range(steps):
        state = state.step(hours / steps, inflow, extract, supply)
    return state.o2


@pytest.mark.parametrize("steps", [1, 60, 3600])
def test_stepper_agrees_with_every_case(steps: int) -> None:
    assert stepped(1.0, steps, R) == pytest.approx(no_ventilation(1.0, V, R), rel=1e-9)
    assert stepped(1.0, steps, R, extract=831) == pytest.approx(exhaust(1.0, V, R, 831), rel=1e-9)
    assert stepped(1.0, steps, R, extract=30) == pytest.approx(no_ventilation(1.0, V, R), rel=1e-9)
    assert stepped(1.0, steps, R, supply=200) == pytest.approx(
        fresh_air_supply(1.0, V, R, 200), rel=1e-9
    )


def test_recovery_after_the_release_stops() -> None:
    # case D: from 2 % with 831 m³/h, 0.1 h later: 0.209 − 0.189·e^(−1) = 0.209 − 0.06953 = 0.13947
    assert recovery(0.1, V, 831, 0.02) == pytest.approx(0.13947, abs=1e-5)
    assert advance(0.02, 0.1, V, 0.0, 831) == pytest.approx(recovery(0.1, V, 831, 0.02))


def test_steady_states_by_hand() -> None:
    # B: 10 ACH against the 2·7 leak: 0.209·(1 − 48.9/831) = 0.209·0.94116 = 0.19670 (DOMAIN 19.7 %)
    assert steady_state(R, extract=831) == pytest.approx(0.19670, abs=1e-5)
    # A: 0.209·200/248.9 = 0.16794
    assert steady_state(R, supply=200) == pytest.approx(0.16794, abs=1e-5)
    assert steady_state(R) == 0.0
    assert steady_state(0.0) == C0


def test_time_to_level_for_each_case() -> None:
    # C: (83.1/48.9)·ln(0.209/0.195) = 1.69939·0.069337 = 0.11783 h
    assert time_to_level(0.195, V, R) == pytest.approx(0.11783, abs=1e-5)
    # A with 200 m³/h supply: Cs = 0.16794; t = (83.1/248.9)·ln((0.209 − Cs)/(0.18 − Cs))
    # = 0.33387·ln(0.04106/0.01206) = 0.33387·1.2252 = 0.40906 h
    assert time_to_level(0.18, V, R, supply=200) == pytest.approx(0.4090, abs=1e-3)
    assert fresh_air_supply(time_to_level(0.18, V, R, supply=200), V, R, 200) == pytest.approx(0.18)
    # B never falls below its steady state 19.67 %
    assert math.isinf(time_to_level(0.195, V, R, extract=831))
    t = time_to_level(0.2, V, R, extract=831)
    assert exhaust(t, V, R, 831) == pytest.approx(0.2)
    # rising back: recovery from 2 % to 19.5 % with 831 m³/h
    back = time_to_level(0.195, V, 0.0, extract=831, start=0.02)
    assert recovery(back, V, 831, 0.02) == pytest.approx(0.195)


def test_instant_release_displaces_its_own_volume() -> None:
    # 50 L of LN2 ≈ 34.6 m³ of gas in 83.1 m³: 0.209·(83.1 − 34.6)/83.1 = 0.12198
    assert after_instant_release(V, 34.6) == pytest.approx(0.12198, abs=1e-5)
    assert after_instant_release(V, 200.0) == 0.0
    # the most conservative of the three readings of "instant"
    x = 34.6 / V
    assert after_instant_release(V, 34.6) < C0 * math.exp(-x) < C0 / (1 + x)
    with pytest.raises(ValueError):
        after_instant_release(0.0, 1.0)


def test_negative_inputs_are_refused() -> None:
    with pytest.raises(ValueError):
        advance(C0, 1.0, V, -1.0)
