"""Validation of the room model against the 2·7 investigation (seed 000).

The report gives the leak twice over: as the tank level drop it caused (30.9 mm/h from about
04:30) and through the reconstruction, which measured 2.22 / 2.00 / 1.87 / 1.84 % O2 at four
points of the sealed dry room "after about 4 hours" (鉴定意见 item 6). The inflow is fitted to
the reconstruction (the only direct measurement of the room) and cross-checked against the
tank: through :data:`~hazwatch.physics.tank.TANK_2_7` and CoolProp's LN2 expansion.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hazwatch.physics.room import C0, no_ventilation, time_to_reach
from hazwatch.physics.tank import TANK_2_7, TankGeometry, level_drop

#: Dry room 1: 7.33 m × 4.05 m × 2.8 m (seed 000).
VOLUME_M3 = 7.33 * 4.05 * 2.8
SHANGHAI = ZoneInfo("Asia/Shanghai")
#: The leak began about 04:30 on 7 February 2025 (tank level chart, seed 000).
LEAK_START = datetime(2025, 2, 7, 4, 30, tzinfo=SHANGHAI)
LEVEL_DROP_MM_H = 30.9
#: The reconstruction's four O2 readings "after about 4 h" (seed 000, 鉴定意见 item 6).
RECONSTRUCTION_HOURS = 4.0
RECONSTRUCTION_O2 = (0.0222, 0.0200, 0.0187, 0.0184)
#: "About 4 h" read as 4 h ± 15 min, for the plausible range of the fitted inflow.
RECONSTRUCTION_SPREAD_H = 0.25
#: Low alarm, low-low alarm (GB/T 50493-2019) and the FESHM 4240 certain-fatality level.
CROSSINGS = (0.195, 0.18, 0.088)
#: When people opened the door (seed 000): the worker, the technical director, the manager.
ENTRIES = (
    datetime(2025, 2, 7, 8, 22, tzinfo=SHANGHAI),
    datetime(2025, 2, 7, 12, 11, tzinfo=SHANGHAI),
    datetime(2025, 2, 7, 13, 28, tzinfo=SHANGHAI),
)


def fit_inflow(volume: float, samples: Sequence[tuple[float, float]]) -> float:
    """Least-squares inflow (m³/h) of a sealed room from (hours, O2 fraction) samples.

    ln(C0/C) = (R/V)·t is a line through the origin, so R/V = Σ tᵢ·yᵢ / Σ tᵢ²; fitting in logs
    weighs the readings by their relative error, which is how O2 cells err near 2 %.
    """
    if not samples:
        raise ValueError("no samples to fit")
    numerator = sum(t * math.log(C0 / o2) for t, o2 in samples)
    denominator = sum(t * t for t, _ in samples)
    return volume * numerator / denominator


@dataclass(frozen=True)
class Validation:
    volume_m3: float
    inflow_m3_h: float  # fitted to the reconstruction
    inflow_range_m3_h: tuple[float, float]  # the readings' spread and "about" 4 h
    tank_inflow_m3_h: float  # the tank's level drop through its geometry
    tank_kg_h: float
    o2_at_reference: float  # modelled, after RECONSTRUCTION_HOURS
    crossings: dict[float, datetime]
    o2_at_entries: dict[datetime, float]

    @property
    def time_constant_h(self) -> float:
        return self.volume_m3 / self.inflow_m3_h

    @property
    def within_band(self) -> bool:
        return min(RECONSTRUCTION_O2) <= self.o2_at_reference <= max(RECONSTRUCTION_O2)


def validate_2_7(tank: TankGeometry = TANK_2_7, level_mm: float | None = None) -> Validation:
    """Fit, cross-check and replay the 2·7 leak; ``level_mm`` defaults to mid-tank."""
    samples = [(RECONSTRUCTION_HOURS, o2) for o2 in RECONSTRUCTION_O2]
    inflow = fit_inflow(VOLUME_M3, samples)
    early = RECONSTRUCTION_HOURS - RECONSTRUCTION_SPREAD_H
    late = RECONSTRUCTION_HOURS + RECONSTRUCTION_SPREAD_H
    low = fit_inflow(VOLUME_M3, [(late, max(RECONSTRUCTION_O2))])
    high = fit_inflow(VOLUME_M3, [(early, min(RECONSTRUCTION_O2))])
    drop = level_drop(
        tank, LEVEL_DROP_MM_H, tank.max_level_mm / 2 if level_mm is None else level_mm
    )
    return Validation(
        VOLUME_M3,
        inflow,
        (low, high),
        drop.gas_m3_h,
        drop.kg_h,
        no_ventilation(RECONSTRUCTION_HOURS, VOLUME_M3, inflow),
        {
            level: LEAK_START + timedelta(hours=time_to_reach(level, VOLUME_M3, inflow))
            for level in CROSSINGS
        },
        {
            at: no_ventilation((at - LEAK_START).total_seconds() / 3600, VOLUME_M3, inflow)
            for at in ENTRIES
        },
    )
