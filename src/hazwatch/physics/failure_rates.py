"""Illustrative failure rates for ODH assessments, with their sources.

Rates (per hour) and failure-on-demand probabilities as quoted from FESHM 4240 Table 1 in
DOMAIN §3. They are defaults for a first screen: a site with its own reliability data (a
tested interlock, a clamped and inspected hose) should replace them, which is why each
figure carries its source.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Basis(StrEnum):
    PER_HOUR = "per_hour"
    PER_DEMAND = "per_demand"


@dataclass(frozen=True)
class FailureRate:
    key: str
    value: float
    basis: Basis
    source: str


FESHM_4240_TABLE_1 = "Fermilab FESHM 4240 Table 1 (DOMAIN §3)"

FAILURE_RATES: tuple[FailureRate, ...] = (
    FailureRate("fluid_line_leak", 5e-7, Basis.PER_HOUR, FESHM_4240_TABLE_1),
    FailureRate("fluid_line_rupture", 2e-8, Basis.PER_HOUR, FESHM_4240_TABLE_1),
    FailureRate("flange_leak", 4e-7, Basis.PER_HOUR, FESHM_4240_TABLE_1),
    FailureRate("fan_failure_to_run", 9e-6, Basis.PER_HOUR, FESHM_4240_TABLE_1),
    FailureRate("power_failure", 1e-4, Basis.PER_HOUR, FESHM_4240_TABLE_1),
    FailureRate("odh_detection_system", 2e-3, Basis.PER_DEMAND, FESHM_4240_TABLE_1),
    # Human-made connections (hoses, U-tubes): a range; the ends are both kept.
    FailureRate("human_connection_low", 1e-3, Basis.PER_DEMAND, FESHM_4240_TABLE_1),
    FailureRate("human_connection_high", 3e-2, Basis.PER_DEMAND, FESHM_4240_TABLE_1),
)

FAILURE_RATES_PER_HOUR: dict[str, float] = {
    rate.key: rate.value for rate in FAILURE_RATES if rate.basis is Basis.PER_HOUR
}
FAILURE_ON_DEMAND: dict[str, float] = {
    rate.key: rate.value for rate in FAILURE_RATES if rate.basis is Basis.PER_DEMAND
}
