"""Room ODH assessment: event trees, classes, controls, JSON round trip; expansion figures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hazwatch.physics.expansion import expansion_ratio, gas_volume_from_liquid, liquid_density
from hazwatch.physics.failure_rates import FAILURE_ON_DEMAND, FAILURE_RATES
from hazwatch.physics.fatality import Control, fatality_factor, odh_class
from hazwatch.physics.odh import (
    RoomInputs,
    Safeguard,
    Source,
    Ventilation,
    VentilationMode,
    assess_room,
)

HOSE = Source("N2 hose", inflow_m3_h=48.9, rate_per_hour=1e-2)


def test_fatality_factor_at_12_percent() -> None:
    # log10 F = 6.5 − 76·0.12 = −2.62 → F = 2.399e-3
    assert fatality_factor(0.12) == pytest.approx(2.399e-3, rel=1e-3)


@pytest.mark.parametrize(
    ("phi", "expected"),
    [("1e-7", 1), ("1e-5", 2), ("1e-3", 3), ("1e-1", 4), ("9.9999e-8", 0), ("0.0999", 3)],
)
def test_exact_boundaries_as_decimals(phi: str, expected: int) -> None:
    assert odh_class(Decimal(phi)) == expected


def test_a_float_product_on_a_boundary_lands_in_the_higher_class() -> None:
    assert 1e-2 * 1e-3 != 1e-5 or odh_class(1e-2 * 1e-3) == 2
    assert odh_class(1e-5) == 2


def test_the_2_7_room_as_it_was_is_class_3() -> None:
    outcome = assess_room(RoomInputs(83.1, sources=(HOSE,)))
    # sealed room, endless supply: O2 → 0, F = 1, φ = 1e-2 → class 3, not acceptable
    assert outcome.phi == pytest.approx(1e-2)
    assert outcome.odh_class == 3 and not outcome.acceptable
    assert Control.TWO_PERSON_RULE in outcome.controls


def test_interlocked_exhaust_with_detection() -> None:
    inputs = RoomInputs(
        83.1,
        Ventilation(831, VentilationMode.EXHAUST, on_demand=True),
        (HOSE,),
        (Safeguard("detection", 2e-3), Safeguard("fan", 3.285e-3)),
    )
    outcome = assess_room(inputs)
    # φ = 1e-2·2e-3 + 1e-2·0.998·3.285e-3 = 2e-5 + 3.2784e-5 = 5.278e-5; started branch at
    # 19.67 % has F = 0 → class 2
    assert outcome.phi == pytest.approx(5.278e-5, rel=1e-3)
    assert outcome.odh_class == 2
    assert [e.fatality_factor for e in outcome.events] == [1.0, 1.0, 0.0]
    assert RoomInputs.from_dict(inputs.to_dict()) == inputs


def test_engineered_class_0_needs_its_safeguards() -> None:
    rare = Source("flange", 48.9, 4e-7)  # FESHM flange leak: alone φ = 4e-7 → class 1
    inputs = RoomInputs(
        83.1, Ventilation(831, on_demand=True), (rare,), (Safeguard("detection", 2e-3),)
    )
    outcome = assess_room(inputs)
    assert outcome.odh_class == 0 and outcome.engineered
    assert outcome.controls == (
        Control.FIXED_O2_MONITOR,
        Control.HORN_STROBE,
        Control.AUTO_VENTILATION,
    )
    assert outcome.to_dict()["engineered_class_0"] is True


def test_a_small_dewar_runs_dry_before_the_room_is_lethal() -> None:
    # 10 m³ of gas in 83.1 m³ sealed: 0.209·e^(−10/83.1) = 0.18533 → F = 0
    dewar = Source("dewar", 20.0, 1e-3, inventory_m3=10.0)
    assert assess_room(RoomInputs(83.1, sources=(dewar,))).phi == 0.0


def test_continuous_supply_ventilation() -> None:
    inputs = RoomInputs(83.1, Ventilation(200, VentilationMode.SUPPLY), (HOSE,))
    (event,) = assess_room(inputs).events
    assert event.o2 == pytest.approx(0.16794, abs=1e-5)  # 0.209·200/248.9


def test_failure_rate_table_carries_sources() -> None:
    assert FAILURE_ON_DEMAND["odh_detection_system"] == 2e-3
    assert all("FESHM 4240" in rate.source for rate in FAILURE_RATES)


def test_cryogen_expansion_ratios() -> None:
    assert liquid_density() == pytest.approx(806, abs=0.5)
    assert 690 <= expansion_ratio("Nitrogen") <= 700
    assert expansion_ratio("Argon") == pytest.approx(840, rel=0.01)
    assert gas_volume_from_liquid(0.05) == pytest.approx(34.6, abs=0.1)
    with pytest.raises(ValueError):
        liquid_density("CarbonDioxide")
