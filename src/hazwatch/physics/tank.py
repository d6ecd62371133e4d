"""Tank geometry: liquid level ↔ volume ↔ mass for a vertical or horizontal cylinder with
flat, 2:1 ellipsoidal or hemispherical heads (DOMAIN §5).

Dished heads matter: on a 4.99 m³ tank of 1.7 m bore two 2:1 heads hold 1.29 m³, a quarter
of the tank, so taking them flat misstates the mass and fill by up to that much and puts the
top of a vertical tank 0.28 m too low. Both dished shapes are half-ellipsoids (semi-axes the
bore radius R and the head depth a), so one closed form serves: the liquid below height z in
a bottom head is π·R²/a²·(a·z² − z³/3); in the two heads of a horizontal tank filled to h it
is π·a·h²·(3R − h)/(3R) (a sphere's cap scaled by a/R). Depths from GB/T 25198-2023
(压力容器封头): EHA 2:1 ellipsoidal a = D/4 (Annex C), HHA hemispherical a = D/2 (Annex B);
straight flanges are counted in the shell.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from hazwatch.physics.expansion import ROOM_C, gas_volume_from_mass

#: LN2 at its boiling point, kg/m³ (DOMAIN §5; CoolProp: 806.08).
LN2_DENSITY_KG_M3 = 806.0


class HeadShape(StrEnum):
    FLAT = "flat"
    ELLIPSOIDAL_2_1 = "ellipsoidal_2_1"
    HEMISPHERICAL = "hemispherical"


#: Head depth as a fraction of the bore (GB/T 25198-2023, Annexes B and C).
HEAD_DEPTH_PER_DIAMETER = {
    HeadShape.FLAT: 0.0,
    HeadShape.ELLIPSOIDAL_2_1: 0.25,
    HeadShape.HEMISPHERICAL: 0.5,
}


@dataclass(frozen=True)
class TankGeometry:
    volume_m3: float
    diameter_m: float
    horizontal: bool = False
    heads: HeadShape = HeadShape.FLAT

    def __post_init__(self) -> None:
        if self.volume_m3 <= 0 or self.diameter_m <= 0:
            raise ValueError("tank volume and diameter must be positive")
        if self.heads_volume_m3 >= self.volume_m3:
            raise ValueError("the heads alone hold more than the tank's volume")

    @property
    def radius_m(self) -> float:
        return self.diameter_m / 2

    @property
    def area_m2(self) -> float:
        return math.pi * self.radius_m**2

    @property
    def head_depth_m(self) -> float:
        return HEAD_DEPTH_PER_DIAMETER[self.heads] * self.diameter_m

    @property
    def heads_volume_m3(self) -> float:
        """Both heads together: one whole ellipsoid (4/3·π·R²·a)."""
        return 4 / 3 * math.pi * self.radius_m**2 * self.head_depth_m

    @property
    def length_m(self) -> float:
        """Length of the straight shell (height of a vertical tank without its heads)."""
        return (self.volume_m3 - self.heads_volume_m3) / self.area_m2

    @property
    def max_level_mm(self) -> float:
        if self.horizontal:
            return self.diameter_m * 1000
        return (self.length_m + 2 * self.head_depth_m) * 1000

    def volume_at(self, level_mm: float) -> float:
        """Liquid volume (m³) at a level measured from the bottom."""
        level = min(max(level_mm / 1000, 0.0), self.max_level_mm / 1000)
        r, a = self.radius_m, self.head_depth_m
        if self.horizontal:
            segment = r**2 * math.acos((r - level) / r) - (r - level) * math.sqrt(
                max(2 * r * level - level**2, 0.0)
            )
            heads = math.pi * a * level**2 * (3 * r - level) / (3 * r)
            return segment * self.length_m + heads
        if level <= a:
            return self._bottom_head(level)
        if level <= a + self.length_m:
            return self.heads_volume_m3 / 2 + self.area_m2 * (level - a)
        return self.volume_m3 - self._bottom_head(self.max_level_mm / 1000 - level)

    def _bottom_head(self, z: float) -> float:
        """Liquid below height ``z`` (≤ a) in a vertical tank's bottom head."""
        a = self.head_depth_m
        return math.pi * self.radius_m**2 / a**2 * (a * z**2 - z**3 / 3) if a > 0 else 0.0

    def level_at(self, volume_m3: float) -> float:
        """Inverse of :meth:`volume_at` (closed form in a vertical straight shell, else
        bisection: the volume rises monotonically with the level)."""
        if not 0 <= volume_m3 <= self.volume_m3 * (1 + 1e-12):
            raise ValueError("volume outside the tank")
        a, half_heads = self.head_depth_m, self.heads_volume_m3 / 2
        if not self.horizontal and half_heads <= volume_m3 <= half_heads + self.area_m2 * (
            self.length_m
        ):
            return (a + (volume_m3 - half_heads) / self.area_m2) * 1000
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
