"""Well-mixed room O2 models (DOMAIN §3). C is the O2 volume fraction, V the free volume (m³),
R the inert-gas inflow (m³/h at room conditions), Q the fan flow (m³/h), t hours.

Perfect mixing is assumed and stratification never credited: that errs towards danger for
a detector mounted at 1.5–2 m, which is the safe side.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

C0 = 0.209  # O2 fraction of fresh air


def fresh_air_supply(t: float, volume: float, inflow: float, supply: float) -> float:
    """Case A: a fan blows fresh air in (room air leaves by displacement)."""
    total = supply + inflow
    if total == 0:
        return C0
    return C0 / total * (supply + inflow * math.exp(-total * t / volume))


def exhaust(t: float, volume: float, inflow: float, extract: float) -> float:
    """Case B/C: an exhaust fan; when it cannot out-pull the leak (Q ≤ R) the room fills with
    inert gas as if unventilated (case C), the conservative reading of DOMAIN §3."""
    if extract <= inflow:
        return no_ventilation(t, volume, inflow)
    return C0 * (1 - (inflow / extract) * (1 - math.exp(-extract * t / volume)))


def no_ventilation(t: float, volume: float, inflow: float) -> float:
    """Case C: C0·e^(−Rt/V)."""
    return C0 * math.exp(-inflow * t / volume)


def recovery(t_since_stop: float, volume: float, extract: float, at_stop: float) -> float:
    """Case D: after the release stops, ventilation restores fresh air."""
    return C0 - (C0 - at_stop) * math.exp(-extract * t_since_stop / volume)


def time_to_reach(level: float, volume: float, inflow: float) -> float:
    """Hours until an unventilated room falls to ``level``: (V/R)·ln(C0/C)."""
    if not 0 < level < C0:
        raise ValueError("level must be between 0 and C0")
    if inflow <= 0:
        return math.inf
    return volume / inflow * math.log(C0 / level)


def exhaust_needed(inflow: float, hold: float) -> float:
    """Exhaust (m³/h) that holds O2 at or above ``hold`` against ``inflow``: R/(1 − C*/C0)."""
    if not 0 < hold < C0:
        raise ValueError("hold must be between 0 and C0")
    return inflow / (1 - hold / C0)


@dataclass(frozen=True, slots=True)
class RoomState:
    """The modelled O2 fraction of a room, advanced step by step with piecewise-constant
    inflow and exhaust (the exact solution over each step, so a 1 s or a 1 h step agree)."""

    volume: float
    o2: float = C0

    def step(self, hours: float, inflow: float, extract: float) -> RoomState:
        if hours < 0 or inflow < 0 or extract < 0:
            raise ValueError("time, inflow and exhaust must not be negative")
        outflow = max(extract, inflow)  # air leaves at least as fast as gas comes in
        if outflow == 0:
            return self
        # dC/dt = (Q·C0 − outflow·C)/V with Q = fresh air drawn in = outflow − inflow
        fresh = outflow - inflow
        steady = C0 * fresh / outflow
        decay = math.exp(-outflow * hours / self.volume)
        return RoomState(self.volume, steady + (self.o2 - steady) * decay)
