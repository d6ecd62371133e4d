"""Fatality factor anchors, class boundaries and a worked assessment; LN2 expansion."""

from __future__ import annotations

import pytest

from hazwatch.physics.expansion import expansion_ratio, gas_volume_from_mass
from hazwatch.physics.fatality import fatality_factor, odh_class
from hazwatch.physics.odh import FailureEvent, assess


def test_fatality_factor_anchor_points() -> None:
    assert fatality_factor(0.209) == 0.0
    assert fatality_factor(0.18) == 0.0
    assert fatality_factor(0.088) == 1.0
    assert fatality_factor(0.05) == 1.0
    assert fatality_factor(0.12) == pytest.approx(10 ** (6.5 - 9.12))  # 2.40e-3


@pytest.mark.parametrize(
    ("phi", "expected"),
    [(0.0, 0), (9.99e-8, 0), (1e-7, 1), (9.99e-6, 1), (1e-5, 2), (1e-3, 3), (0.1, 4), (1.0, 4)],
)
def test_class_boundaries_take_the_higher_class(phi: float, expected: int) -> None:
    assert odh_class(phi) == expected


def test_the_2_7_hose_without_and_with_safeguards() -> None:
    # a push-on hose without a clamp: a human connection, 1e-2 per hour of use (FESHM range
    # 1e-3..3e-2); with no ventilation the room goes to ~0 % O2 (F = 1): φ = 1e-2 → class 3
    bare = assess([FailureEvent("hose_off", 1e-2, 0.0)])
    assert bare.phi == pytest.approx(1e-2) and bare.odh_class == 3
    # a fixed O2 detector with an interlocked exhaust (fails on demand 2e-3) and 8.8 ACH that
    # holds 19.5 %: the residual is the safeguard failing → φ = 2e-5 → class 2
    guarded = assess([FailureEvent("hose_off", 1e-2, 0.0, (2e-3,))])
    assert guarded.phi == pytest.approx(2e-5) and guarded.odh_class == 2


def test_liquid_nitrogen_expands_about_692_times() -> None:
    assert expansion_ratio("Nitrogen", 20.0) == pytest.approx(692, rel=0.005)
    # 806 kg/m³ liquid → 1 kg of LN2 is about 0.86 m³ of gas at 20 °C
    assert gas_volume_from_mass(1.0) == pytest.approx(0.859, abs=0.005)
