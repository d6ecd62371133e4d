"""Fatality factor and ODH classification (Fermilab FESHM 4240, as used by US national labs;
DOMAIN §3).

F(C) = 0 for C ≥ 18 %, 1 for C ≤ 8.8 %, and log10 F = 6.5 − 76·C in between (C as a fraction,
sea level). The fatality rate φ = Σ Pᵢ·Fᵢ per hour over failure events, each Pᵢ multiplied
by the failure-on-demand probability of every safeguard that must fail for the event to harm.
Class boundaries are compared as exact decimals; a rate exactly on a boundary takes the
higher class (1e-5 is class 2), because the boundary is where the controls change.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

F_ZERO_AT = 0.18  # FESHM 4240: no fatality expected at or above 18 % O2
F_ONE_AT = 0.088  # FESHM 4240: certain fatality at or below 8.8 % O2

#: (lower bound inclusive, class) — FESHM 4240 Table 2.
CLASS_BOUNDS: tuple[tuple[Decimal, int], ...] = (
    (Decimal("1e-1"), 4),
    (Decimal("1e-3"), 3),
    (Decimal("1e-5"), 2),
    (Decimal("1e-7"), 1),
)

#: Illustrative failure rates and probabilities (FESHM 4240 Table 1; DOMAIN §3).
FAILURE_RATES_PER_HOUR = {
    "fluid_line_leak": 5e-7,
    "fluid_line_rupture": 2e-8,
    "flange_leak": 4e-7,
    "fan_failure_to_run": 9e-6,
    "power_failure": 1e-4,
}
FAILURE_ON_DEMAND = {
    "odh_detection_system": 2e-3,
    "human_connection_low": 1e-3,
    "human_connection_high": 3e-2,
}


def fatality_factor(o2: float) -> float:
    if o2 >= F_ZERO_AT:
        return 0.0
    if o2 <= F_ONE_AT:
        return 1.0
    return float(10 ** (6.5 - 76 * o2))


@dataclass(frozen=True)
class FailureEvent:
    """A way the room's O2 falls: its rate (per hour), the O2 it leads to, and the
    safeguards that must all fail on demand for it to reach a person."""

    name: str
    rate_per_hour: float
    o2: float
    safeguards_fail_on_demand: tuple[float, ...] = ()

    @property
    def probability(self) -> float:
        return self.rate_per_hour * math.prod(self.safeguards_fail_on_demand)

    @property
    def fatality_rate(self) -> float:
        return self.probability * fatality_factor(self.o2)


@dataclass(frozen=True)
class Assessment:
    phi: float
    odh_class: int
    events: tuple[FailureEvent, ...] = field(default_factory=tuple)


def odh_class(phi: float) -> int:
    value = Decimal(repr(phi))
    for bound, klass in CLASS_BOUNDS:
        if value >= bound:
            return klass
    return 0


def assess(events: Iterable[FailureEvent]) -> Assessment:
    chosen = tuple(events)
    phi = sum(event.fatality_rate for event in chosen)
    return Assessment(phi, odh_class(phi), chosen)
