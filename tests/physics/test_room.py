"""The well-mixed room models against hand-computed values and the 2·7 reconstruction."""

from __future__ import annotations

import math

import pytest

from hazwatch.physics.room import (
    C0,
    RoomState,
    exhaust,
    exhaust_needed,
    fresh_air_supply,
    no_ventilation,
    recovery,
    time_to_reach,
)

V, R = 83.1, 48.9  # dry room 1 (7.33 × 4.05 × 2.8 m) and the fitted leak (DOMAIN §3)


def test_no_ventilation_by_hand() -> None:
    # C = 0.209·e^(−48.9·1/83.1) = 0.209·e^(−0.58845) = 0.209·0.55519 = 0.11603
    assert no_ventilation(1.0, V, R) == pytest.approx(0.11603, abs=1e-5)


def test_crossing_times_of_the_2_7_leak() -> None:
    # t = (V/R)·ln(C0/C): 19.5 % after 7.1 min (04:37), 18 % after 15.2 min (04:45),
    # 8.8 % after 88 min (05:58)
    assert time_to_reach(0.195, V, R) * 60 == pytest.approx(7.07, abs=0.01)
    assert time_to_reach(0.18, V, R) * 60 == pytest.approx(15.23, abs=0.01)
    assert time_to_reach(0.088, V, R) * 60 == pytest.approx(88.2, abs=0.1)


def test_oxygen_at_the_door_times_falls_in_the_reconstruction_band() -> None:
    # 04:30 → 08:22 is 3 h 52 min; the reconstruction gave 1.84–2.22 % after about 4 h
    assert 0.0184 <= no_ventilation(3 + 52 / 60, V, R) <= 0.0222
    assert no_ventilation(7 + 41 / 60, V, R) == pytest.approx(0.0023, abs=2e-4)  # 12:11


def test_exhaust_holds_the_room_above_19_5_percent() -> None:
    # 10 air changes: Q = 831 m³/h, steady state C0·(1 − R/Q) = 0.209·(1 − 0.05884) = 0.19670
    assert exhaust(10.0, V, R, 831.0) == pytest.approx(0.19670, abs=1e-5)
    assert exhaust_needed(R, 0.195) / V == pytest.approx(8.78, abs=0.01)  # ≥ 8.8 ACH
    assert exhaust(1.0, V, R, R) == no_ventilation(1.0, V, R)  # Q ≤ R counts as none


def test_fresh_air_supply_and_recovery() -> None:
    # case A steady state: C0·Q/(Q+R) = 0.209·831/879.9 = 0.19739
    assert fresh_air_supply(10.0, V, R, 831.0) == pytest.approx(0.19739, abs=1e-5)
    assert fresh_air_supply(0.0, V, R, 831.0) == pytest.approx(C0)
    # case D: from 2 % with 831 m³/h, after 0.5 h: 0.209 − 0.189·e^(−5) = 0.20773
    assert recovery(0.5, V, 831.0, 0.02) == pytest.approx(0.20773, abs=1e-5)


@pytest.mark.parametrize("extract", [0.0, 20.0, 831.0])
def test_stepper_agrees_with_the_closed_forms(extract: float) -> None:
    state = RoomState(V)
    for _ in range(3600):
        state = state.step(1 / 3600, R, extract)
    assert state.o2 == pytest.approx(exhaust(1.0, V, R, extract), rel=1e-9)


def test_stepper_recovers_when_the_leak_stops() -> None:
    state = RoomState(V, 0.02).step(0.5, 0.0, 831.0)
    assert state.o2 == pytest.approx(recovery(0.5, V, 831.0, 0.02), rel=1e-12)
    assert RoomState(V, 0.1).step(1.0, 0.0, 0.0).o2 == 0.1  # sealed room keeps its air
    with pytest.raises(ValueError):
        RoomState(V).step(-1.0, R, 0.0)
    with pytest.raises(ValueError):
        time_to_reach(0.25, V, R)
    assert time_to_reach(0.18, V, 0.0) == math.inf
