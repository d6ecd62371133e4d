"""Tank geometry: liquid level ↔ volume ↔ mass (vertical or horizontal flat-ended cylinder).

The 2·7 tank: 4.99 m³ water volume, 2.5 MPa, vertical; its diameter is not in the report,
so the demo assumes 1.6 m (a common size for a 5 m³ cryogenic tank), giving a 2.48 m
cylindrical height: 1 mm of level is then 2.01 L of liquid, 1.62 kg of LN2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


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
