"""The 2·7 validation: fitted inflow, crossing times, O2 at each entry, the reconstruction band."""

from __future__ import annotations

import pytest

from hazwatch.physics.fit import fit_inflow, validate_2_7
from hazwatch.physics.tank import TankGeometry


def test_fit_of_a_single_reading_inverts_the_model() -> None:
    # R = (V/t)·ln(C0/C) = (83.1/4)·ln(0.209/0.02) = 20.775·2.3466 = 48.75
    assert fit_inflow(83.1, [(4.0, 0.02)]) == pytest.approx(48.75, abs=0.01)


def test_the_2_7_case() -> None:
    result = validate_2_7()
    assert result.inflow_m3_h == pytest.approx(48.9, abs=0.5)  # DOMAIN §3
    low, high = result.inflow_range_m3_h
    assert 43 <= low <= 45 and 53 <= high <= 55  # DOMAIN: 44–54
    assert result.tank_inflow_m3_h == pytest.approx(result.inflow_m3_h, rel=0.03)
    assert result.within_band and 0.0184 <= result.o2_at_reference <= 0.0222
    assert [f"{at:%H:%M}" for at in result.crossings.values()] == ["04:37", "04:45", "05:58"]
    assert [round(o2 * 100, 2) for o2 in result.o2_at_entries.values()] == [2.14, 0.23, 0.11]


def test_a_1_6_m_tank_would_not_match_the_reconstruction() -> None:
    result = validate_2_7(TankGeometry(4.99, 1.6))
    assert result.tank_inflow_m3_h == pytest.approx(43.0, abs=0.1)
