"""The leak's gas inflow fitted to the tank's level drop, checked against the 2·7
reconstruction.

The investigation gives the leak only as the tank level drop it caused (30.9 mm/h) and the
O2 the reconstruction measured in the sealed room after about 4 h (2.22 / 2.00 / 1.87 /
1.84 % at four points; seed 000, "鉴定意见" item 6). The level drop becomes a gas flow through
the tank's cross-section, the liquid density and the gas density at room conditions
(CoolProp); the well-mixed model with that inflow must then land inside the measured band.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from hazwatch.physics.expansion import gas_volume_from_mass
from hazwatch.physics.fit import CROSSINGS, RECONSTRUCTION_HOURS, RECONSTRUCTION_O2
from hazwatch.physics.room import C0, no_ventilation, time_to_reach
from hazwatch.physics.tank import HeadShape, TankGeometry
from hazwatch.scenarios.format import Scenario, SourceSpec, TankSpec

#: The span of the O2 fractions the 2·7 reconstruction measured after about 4 h.
RECONSTRUCTION_BAND = (min(RECONSTRUCTION_O2), max(RECONSTRUCTION_O2))
ROOM_C = 20.0  # gas temperature at room conditions, °C


def geometry(tank: TankSpec) -> TankGeometry:
    return TankGeometry(
        tank.volume_m3, tank.diameter_m, tank.orientation == "horizontal", HeadShape(tank.heads)
    )


def gas_m3_per_mm(tank: TankSpec, level_mm: float) -> float:
    """Gas at room conditions from the liquid in the millimetre just below ``level_mm``."""
    shape = geometry(tank)
    liquid_m3 = shape.volume_at(level_mm) - shape.volume_at(max(level_mm - 1.0, 0.0))
    return gas_volume_from_mass(liquid_m3 * tank.density_kg_m3, tank.fluid, ROOM_C)


def inflow_m3_h(source: SourceSpec, tank: TankSpec | None) -> float:
    """The source's gas inflow once released (m³/h at room conditions)."""
    if source.release.inflow_m3_h is not None:
        return source.release.inflow_m3_h
    assert tank is not None and source.release.tank_level_drop_mm_h is not None
    return source.release.tank_level_drop_mm_h * gas_m3_per_mm(tank, tank.initial_level_mm)


@dataclass(frozen=True)
class Fit:
    """One source's fitted inflow and what the sealed-room model makes of it."""

    source: str
    room: str
    volume_m3: float
    tank_level_drop_mm_h: float | None
    gas_m3_per_mm: float | None
    inflow_m3_h: float
    o2_after_reference: float
    within_band: bool
    #: Hours after the release until O2 falls to each of :data:`CROSSINGS` (no ventilation).
    crossing_hours: dict[float, float]

    def as_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "room": self.room,
            "volume_m3": round(self.volume_m3, 2),
            "tank_level_drop_mm_h": self.tank_level_drop_mm_h,
            "gas_m3_per_mm": None if self.gas_m3_per_mm is None else round(self.gas_m3_per_mm, 4),
            "inflow_m3_h": round(self.inflow_m3_h, 2),
            "reference_hours": RECONSTRUCTION_HOURS,
            "reference_band_percent": [round(b * 100, 3) for b in RECONSTRUCTION_BAND],
            "o2_after_reference_percent": round(self.o2_after_reference * 100, 3),
            "within_band": self.within_band,
            "crossing_minutes": {
                f"{level * 100:g}": round(hours * 60, 1) if math.isfinite(hours) else None
                for level, hours in self.crossing_hours.items()
            },
        }


def fit_sources(spec: Scenario) -> list[Fit]:
    """Every source's inflow, and the sealed-room check of each against the 2·7 band."""
    rooms = {room.id: room for room in spec.rooms}
    fits = []
    for source in spec.sources:
        volume = rooms[source.room].volume
        inflow = inflow_m3_h(source, spec.tank)
        per_mm = (
            gas_m3_per_mm(spec.tank, spec.tank.initial_level_mm)
            if spec.tank is not None and source.release.tank_level_drop_mm_h is not None
            else None
        )
        after = no_ventilation(RECONSTRUCTION_HOURS, volume, inflow)
        low, high = RECONSTRUCTION_BAND
        fits.append(
            Fit(
                source.id,
                source.room,
                volume,
                source.release.tank_level_drop_mm_h,
                per_mm,
                inflow,
                after,
                low <= after <= high,
                {
                    level: time_to_reach(level, volume, inflow) if level < C0 else 0.0
                    for level in CROSSINGS
                },
            )
        )
    return fits
