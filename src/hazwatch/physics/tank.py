"""Tank geometry: liquid level ↔ volume ↔ mass (vertical or horizontal flat-ended cylinder).

Heads are taken flat: a dished head changes the level-to-volume curve only in its bottom
and top few hundred millimetres, where a tank is refilled or nearly full anyway, and the
leak detector works on level changes in the straight part.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from hazwatch.physics.expansion import ROOM_C, gas_volume_from_mass

#: LN2 at its boiling point, kg/m³ (DOMAIN §5; CoolProp: 806.08).
LN2_DENSITY_KG_M3 = 806.0


@dataclass(frozen=True)
class TankGeometry:
    volume_m3: float
    diameter_m: float
    horizontal: bool = False

    def __post_init__(self) -> None:
        if self.volume_m3 <= 0 or self.diameter_m <= 0:
            raise ValueError("tank volume and diameter must be positive")

    @property
    def area_m2(self) -> float:
        return math.pi * self.diameter_m**2 / 4

    @property
    def length_m(self) -> float:
        """Height of a vertical tank, length of a horizontal one."""
        return self.volume_m3 / self.area_m2

    @property
    def max_level_mm(self) -> float:
        return (self.diameter_m if self.horizontal else self.length_m) * 1000

    def volume_at(self, level_mm: float) -> float:
        """Liquid volume (m³) at a level measured from the bottom."""
        level = min(max(level_mm / 1000, 0.0), self.max_level_mm / 1000)
        if not self.horizontal:
            return self.area_m2 * level
        r = self.diameter_m / 2
        segment = r**2 * math.acos((r - level) / r) - (r - level) * math.sqrt(
            2 * r * level - level**2
        )
        return segment * self.length_m

    def level_at(self, volume_m3: float) -> float:
        """Inverse of :meth:`volume_at` (bisection for the horizontal case)."""
        if not 0 <= volume_m3 <= self.volume_m3 * (1 + 1e-12):
            raise ValueError("volume outside the tank")
        if not self.horizontal:
            return volume_m3 / self.area_m2 * 1000
        low, high = 0.0, self.max_level_mm
        for _ in range(60):
            middle = (low + high) / 2
            if self.volume_at(middle) < volume_m3:
                low = middle
            else:
                high = middle
        return (low + high) / 2

    def mass_at(self, level_mm: float, density_kg_m3: float) -> float:
        return self.volume_at(level_mm) * density_kg_m3

    def kg_per_mm(self, level_mm: float, density_kg_m3: float) -> float:
        """Mass in the millimetre of liquid just below ``level_mm``."""
        below = max(level_mm - 1.0, 0.0)
        return (self.volume_at(level_mm) - self.volume_at(below)) * density_kg_m3


@dataclass(frozen=True)
class LevelDrop:
    """A level drop rate expressed as what leaves the tank."""

    mm_h: float
    kg_h: float
    gas_m3_h: float  # at room conditions


def level_drop(
    shape: TankGeometry,
    mm_h: float,
    level_mm: float,
    density_kg_m3: float = LN2_DENSITY_KG_M3,
    fluid: str = "Nitrogen",
    room_c: float = ROOM_C,
) -> LevelDrop:
    """What a level drop of ``mm_h`` at ``level_mm`` means in kg/h and gas m³/h."""
    kg_h = mm_h * shape.kg_per_mm(level_mm, density_kg_m3)
    return LevelDrop(mm_h, kg_h, gas_volume_from_mass(kg_h, fluid, room_c))


#: The 2·7 tank: 4.99 m³ water volume, 2.5 MPa, vertical (seed 000). The report gives no
#: diameter. The inner vessel of a 5 m³ vertical cryogenic tank is 1.6–1.8 m across; 1.7 m is
#: taken because it is what the reconstruction implies: its O2 after about 4 h fits an inflow
#: of 49 m³/h (:mod:`hazwatch.physics.fit`), and 30.9 mm/h through a 1.71 m bore gives that.
#: (1.6 m would give 43 m³/h and 2.6 % O2 after 4 h, outside the measured 1.84–2.22 %.)
#: Then 1 mm of level is 2.27 L of liquid, 1.83 kg of LN2, 1.57 m³ of gas at 20 °C.
TANK_2_7 = TankGeometry(volume_m3=4.99, diameter_m=1.7)
