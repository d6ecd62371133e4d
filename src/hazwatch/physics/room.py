"""Well-mixed room O2 models (DOMAIN §3). C is the O2 volume fraction, V the free room volume
(m³), R the inert-gas inflow (m³/h at room conditions), Q the fan flow (m³/h), t hours.

Perfect mixing is assumed and stratification never credited: that errs towards danger for
a detector mounted at 1.5–2 m, which is the safe side.

Every case is one linear ODE, V·dC/dt = fresh·C0 − outflow·C, with the air leaving the room
at ``outflow = max(exhaust, supply + R)`` (a room cannot hold more gas than it has, so
whatever the fans do not move leaks out through the door gaps) and ``fresh = outflow − R``.
:func:`advance` solves it exactly over a step of constant inputs; the closed forms of
cases A–D are the same solution from fresh air, kept separate because the DOMAIN and the
standards quote them by case.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: O2 volume fraction of fresh air (DOMAIN §3, as in FESHM 4240).
C0 = 0.209


def fresh_air_supply(t: float, volume: float, inflow: float, supply: float) -> float:
    """Case A: a fan blows fresh air in (room air leaves by displacement)."""
    total = supply + inflow
    if total == 0:
        return C0
    return C0 / total * (supply + inflow * math.exp(-total * t / volume))


def exhaust(t: float, volume: float, inflow: float, extract: float) -> float:
    """Case B/C: an exhaust fan; when it cannot out-pull the leak (Q ≤ R) the room fills with
    inert gas as if unventilated (case C): the leak's own overpressure pushes room air out at
    R and no fresh air is drawn in, the conservative reading of DOMAIN §3."""
    if extract <= inflow:
        return no_ventilation(t, volume, inflow)
    return C0 * (1 - (inflow / extract) * (1 - math.exp(-extract * t / volume)))


def no_ventilation(t: float, volume: float, inflow: float) -> float:
    """Case C: C0·e^(−Rt/V)."""
    return C0 * math.exp(-inflow * t / volume)


def recovery(t_since_stop: float, volume: float, extract: float, at_stop: float) -> float:
    """Case D: after the release stops, ventilation restores fresh air."""
    return C0 - (C0 - at_stop) * math.exp(-extract * t_since_stop / volume)


def steady_state(inflow: float, extract: float = 0.0, supply: float = 0.0) -> float:
    """Where the room settles if the inputs never change (0 for a sealed room with a leak)."""
    outflow = max(extract, supply + inflow)
    return C0 if outflow == 0 else C0 * (outflow - inflow) / outflow


def advance(
    o2: float, hours: float, volume: float, inflow: float, extract: float = 0.0, supply: float = 0.0
) -> float:
    """O2 after ``hours`` of constant inflow, exhaust and supply, starting from ``o2``.

    Exact for constant inputs, so a virtual sensor stepping every second and a replay stepping
    every hour agree with each other and with cases A–D; plain float math because the live
    engine calls it for every modelled room every tick.
    """
    if hours < 0 or inflow < 0 or extract < 0 or supply < 0:
        raise ValueError("time, inflow, exhaust and supply must not be negative")
    outflow = max(extract, supply + inflow)
    if outflow == 0:
        return o2
    steady = C0 * (outflow - inflow) / outflow
    return steady + (o2 - steady) * math.exp(-outflow * hours / volume)


def time_to_reach(level: float, volume: float, inflow: float) -> float:
    """Hours until an unventilated room falls to ``level``: (V/R)·ln(C0/C)."""
    if not 0 < level < C0:
        raise ValueError("level must be between 0 and C0")
    if inflow <= 0:
        return math.inf
    return volume / inflow * math.log(C0 / level)


def time_to_level(
    level: float,
    volume: float,
    inflow: float,
    extract: float = 0.0,
    supply: float = 0.0,
    start: float = C0,
) -> float:
    """Hours until O2 first reaches ``level`` from ``start`` under constant inputs (any case);
    ``math.inf`` when the room settles on the near side of it, 0 if it is there already.

    Inverts C(t) = Cs + (start − Cs)·e^(−outflow·t/V): t = (V/outflow)·ln((start − Cs)/(C − Cs)).
    """
    if not 0 < level < 1:
        raise ValueError("level must be a fraction between 0 and 1")
    if level == start:
        return 0.0
    outflow = max(extract, supply + inflow)
    steady = steady_state(inflow, extract, supply)
    falling = level < start
    if outflow == 0 or (falling and level <= steady) or (not falling and level >= steady):
        return math.inf
    return volume / outflow * math.log((start - steady) / (level - steady))


def exhaust_needed(inflow: float, hold: float) -> float:
    """Exhaust (m³/h) that holds O2 at or above ``hold`` against ``inflow``: R/(1 − C*/C0)."""
    if not 0 < hold < C0:
        raise ValueError("hold must be between 0 and C0")
    return inflow / (1 - hold / C0)


def after_instant_release(volume: float, gas_m3: float, o2: float = C0) -> float:
    """O2 once ``gas_m3`` of inert gas (at room conditions) has suddenly entered the room
    (a dewar or cold-box rupture): C = C·(V − Vgas)/V, never below 0.

    Three readings of "instant" exist: the gas pushes out its own volume of room air before
    mixing, C·(1 − x) with x = Vgas/V (UK practice after BCGA, e.g. the University of
    Nottingham and Oxigraf calculators); it mixes while the excess leaves, C·e^(−x) (a flow,
    what :func:`advance` gives for a sealed room); or it all arrives, mixes, then the excess
    leaves, C/(1 + x). They order C·(1 − x) ≤ C·e^(−x) ≤ C/(1 + x): the first is taken because
    a life-safety screen must not depend on how the gas happens to mix.
    """
    if volume <= 0 or gas_m3 < 0:
        raise ValueError("volume must be positive and the gas volume not negative")
    return o2 * max(volume - gas_m3, 0.0) / volume


@dataclass(frozen=True, slots=True)
class RoomState:
    """The modelled O2 fraction of a room, advanced step by step with piecewise-constant
    inflow and exhaust (the exact solution over each step, so a 1 s or a 1 h step agree)."""

    volume: float
    o2: float = C0

    def step(self, hours: float, inflow: float, extract: float, supply: float = 0.0) -> RoomState:
        return RoomState(self.volume, advance(self.o2, hours, self.volume, inflow, extract, supply))
