"""ODH assessment of a room (Fermilab FESHM 4240 method; DOMAIN §3).

The fatality rate φ = Σ Pᵢ·Fᵢ per hour over failure events, each Pᵢ multiplied by the
failure-on-demand probability of every safeguard that must fail for the event to harm, and
Fᵢ the fatality factor of the O2 the event leads to. :func:`assess_room` builds the events
of a room from plain inputs (frozen dataclasses that round-trip through JSON, so a database
layer can store exactly what an assessment was computed from); :func:`assess` takes events
built elsewhere.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from hazwatch.physics.failure_rates import FAILURE_ON_DEMAND, FAILURE_RATES_PER_HOUR
from hazwatch.physics.fatality import (
    HIGHEST_ACCEPTABLE_CLASS,
    Control,
    fatality_factor,
    odh_class,
    required_controls,
)
from hazwatch.physics.room import C0, advance, steady_state

__all__ = [
    "FAILURE_ON_DEMAND",
    "FAILURE_RATES_PER_HOUR",
    "Assessment",
    "Branch",
    "FailureEvent",
    "RoomInputs",
    "Safeguard",
    "Source",
    "Ventilation",
    "VentilationMode",
    "assess",
    "assess_room",
]


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
    def fatality_factor(self) -> float:
        return fatality_factor(self.o2)

    @property
    def fatality_rate(self) -> float:
        return self.probability * self.fatality_factor

    def to_dict(self) -> dict[str, Any]:
        return {
            "event": self.name,
            "probability_per_hour": self.probability,
            "o2": self.o2,
            "fatality_factor": self.fatality_factor,
            "fatality_rate": self.fatality_rate,
        }


@dataclass(frozen=True)
class Assessment:
    phi: float
    odh_class: int
    events: tuple[FailureEvent, ...] = field(default_factory=tuple)
    #: Class 0 only thanks to safeguards: they become the controls to keep in service.
    engineered: bool = False

    @property
    def acceptable(self) -> bool:
        return self.odh_class <= HIGHEST_ACCEPTABLE_CLASS

    @property
    def controls(self) -> tuple[Control, ...]:
        return required_controls(self.odh_class, self.engineered)

    def to_dict(self) -> dict[str, Any]:
        return {
            "phi_per_hour": self.phi,
            "odh_class": self.odh_class,
            "acceptable": self.acceptable,
            "engineered_class_0": self.engineered,
            "controls": [control.value for control in self.controls],
            "events": [event.to_dict() for event in self.events],
        }


def assess(events: Iterable[FailureEvent]) -> Assessment:
    chosen = tuple(events)
    phi = sum(event.fatality_rate for event in chosen)
    return Assessment(phi, odh_class(phi), chosen)


class VentilationMode(StrEnum):
    EXHAUST = "exhaust"
    SUPPLY = "supply"


@dataclass(frozen=True)
class Ventilation:
    """The room's fan. ``on_demand``: started only by the O2 detection (an interlock), so it
    helps only when every safeguard of the room works on demand."""

    flow_m3_h: float = 0.0
    mode: VentilationMode = VentilationMode.EXHAUST
    on_demand: bool = False

    def o2_after(self, volume: float, inflow: float, hours: float) -> float:
        extract, supply = self._flows()
        return advance(C0, hours, volume, inflow, extract, supply)

    def steady(self, inflow: float) -> float:
        extract, supply = self._flows()
        return steady_state(inflow, extract, supply)

    def _flows(self) -> tuple[float, float]:
        if self.mode is VentilationMode.EXHAUST:
            return self.flow_m3_h, 0.0
        return 0.0, self.flow_m3_h


@dataclass(frozen=True)
class Source:
    """An inert-gas source: its largest credible inflow (m³/h at room conditions), how often
    it releases (per hour, e.g. FESHM 4240 Table 1), and optionally all the gas it holds (a
    dewar or cylinder runs dry; a bulk supply is taken as endless)."""

    name: str
    inflow_m3_h: float
    rate_per_hour: float
    inventory_m3: float | None = None


@dataclass(frozen=True)
class Safeguard:
    """Something that must work on demand for an interlocked fan to start (the ODH detection
    system, the fan itself). Its failure on demand is per FESHM 4240 Table 1 or site data."""

    name: str
    failure_on_demand: float


@dataclass(frozen=True)
class RoomInputs:
    volume_m3: float
    ventilation: Ventilation = Ventilation()
    sources: tuple[Source, ...] = ()
    safeguards: tuple[Safeguard, ...] = ()

    def __post_init__(self) -> None:
        if self.volume_m3 <= 0:
            raise ValueError("room volume must be positive")
        if self.ventilation.flow_m3_h < 0:
            raise ValueError("ventilation flow must not be negative")
        for source in self.sources:
            if source.inflow_m3_h < 0 or source.rate_per_hour < 0:
                raise ValueError(f"source {source.name!r}: inflow and rate must not be negative")
        for safeguard in self.safeguards:
            if not 0 <= safeguard.failure_on_demand <= 1:
                raise ValueError(f"safeguard {safeguard.name!r}: failure on demand not in [0, 1]")

    def to_dict(self) -> dict[str, Any]:
        return {
            "volume_m3": self.volume_m3,
            "ventilation": {
                "flow_m3_h": self.ventilation.flow_m3_h,
                "mode": self.ventilation.mode.value,
                "on_demand": self.ventilation.on_demand,
            },
            "sources": [
                {
                    "name": s.name,
                    "inflow_m3_h": s.inflow_m3_h,
                    "rate_per_hour": s.rate_per_hour,
                    "inventory_m3": s.inventory_m3,
                }
                for s in self.sources
            ],
            "safeguards": [
                {"name": s.name, "failure_on_demand": s.failure_on_demand} for s in self.safeguards
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RoomInputs:
        """Inverse of :meth:`to_dict`; missing ventilation means none, a missing inventory an
        endless supply. Raises ``KeyError``/``ValueError``/``TypeError`` on malformed data."""
        fan = data.get("ventilation") or {}
        return cls(
            float(data["volume_m3"]),
            Ventilation(
                float(fan.get("flow_m3_h", 0.0)),
                VentilationMode(fan.get("mode", VentilationMode.EXHAUST.value)),
                bool(fan.get("on_demand", False)),
            ),
            tuple(
                Source(
                    str(s["name"]),
                    float(s["inflow_m3_h"]),
                    float(s["rate_per_hour"]),
                    None if s.get("inventory_m3") is None else float(s["inventory_m3"]),
                )
                for s in data.get("sources", ())
            ),
            tuple(
                Safeguard(str(s["name"]), float(s["failure_on_demand"]))
                for s in data.get("safeguards", ())
            ),
        )


class Branch(StrEnum):
    """How an event ends; event names are ``<source>: <branch>[: <safeguard>]``."""

    SEALED = "release, no ventilation"
    VENTILATED = "release, ventilation running"
    STARTED = "release, ventilation started"
    NEVER_STARTED = "release, nothing starts the ventilation"
    SAFEGUARD_FAILS = "release, safeguard fails"


def _worst_o2(inputs: RoomInputs, source: Source, fan: Ventilation) -> float:
    """The lowest O2 the release leads to: the steady state for an endless supply, else the
    O2 when the inventory runs out (perfect mixing, no stratification credited)."""
    if source.inflow_m3_h == 0:
        return C0
    if source.inventory_m3 is None:
        return fan.steady(source.inflow_m3_h)
    hours = source.inventory_m3 / source.inflow_m3_h
    return fan.o2_after(inputs.volume_m3, source.inflow_m3_h, hours)


def _events(inputs: RoomInputs, source: Source) -> list[FailureEvent]:
    """The event tree of one source. An interlocked fan starts only if every safeguard works
    in turn; the first that fails leaves the room unventilated (later ones never act)."""
    fan, rate = inputs.ventilation, source.rate_per_hour
    sealed = _worst_o2(inputs, source, Ventilation())
    if fan.flow_m3_h == 0:
        return [FailureEvent(f"{source.name}: {Branch.SEALED}", rate, sealed)]
    vented = _worst_o2(inputs, source, fan)
    if not fan.on_demand:
        return [FailureEvent(f"{source.name}: {Branch.VENTILATED}", rate, vented)]
    if not inputs.safeguards:
        return [FailureEvent(f"{source.name}: {Branch.NEVER_STARTED}", rate, sealed)]
    events, worked = [], 1.0
    for safeguard in inputs.safeguards:
        events.append(
            FailureEvent(
                f"{source.name}: {Branch.SAFEGUARD_FAILS}: {safeguard.name}",
                rate * worked,
                sealed,
                (safeguard.failure_on_demand,),
            )
        )
        worked *= 1 - safeguard.failure_on_demand
    events.append(FailureEvent(f"{source.name}: {Branch.STARTED}", rate * worked, vented))
    return events


def _tree(inputs: RoomInputs) -> Assessment:
    return assess(event for source in inputs.sources for event in _events(inputs, source))


def assess_room(inputs: RoomInputs) -> Assessment:
    """φ, class and controls of a room. "Engineered class 0" is class 0 that the same room
    without its on-demand ventilation would not reach."""
    outcome = _tree(inputs)
    if outcome.odh_class != 0 or not inputs.ventilation.on_demand:
        return outcome
    bare = _tree(replace(inputs, ventilation=Ventilation(), safeguards=()))
    return replace(outcome, engineered=bare.odh_class > 0)
