"""Liquid to gas (CoolProp): how much gas a cryogenic liquid becomes at room conditions.

Rules of thumb (LN2 "about 692") differ between tables by a few per cent with the room
temperature they assume; CoolProp's reference equations of state give the figure for the
actual room, so the O2 models are fed the same numbers everywhere.
"""

from __future__ import annotations

from functools import cache
from typing import Any

ATMOSPHERE_PA = 101_325.0
ROOM_C = 20.0  # room conditions unless told otherwise (DOMAIN §3 quotes 692 at 20 °C)


def _props_si(*inputs: Any) -> float:
    """CoolProp's ``PropsSI``, imported on first use: importing CoolProp takes about 3 s, a
    third of a command's start-up, and most commands and a starting server never call it."""
    from CoolProp.CoolProp import PropsSI

    return float(PropsSI(*inputs))


@cache
def liquid_density(fluid: str = "Nitrogen") -> float:
    """Saturated liquid at 1 atm (kg/m³): a vented cryogenic tank stores it at its boiling
    point. CO2 has no liquid at 1 atm (triple point 5.2 bar): give its mass instead. Cached
    because CoolProp calls cost tens of microseconds and inputs repeat."""
    if _props_si("ptriple", fluid) > ATMOSPHERE_PA:
        raise ValueError(f"{fluid} has no liquid at 1 atm")
    return _props_si("D", "P", ATMOSPHERE_PA, "Q", 0, fluid)


@cache
def gas_density(fluid: str = "Nitrogen", room_c: float = ROOM_C) -> float:
    """Gas at ``room_c`` and 1 atm (kg/m³)."""
    return _props_si("D", "P", ATMOSPHERE_PA, "T", room_c + 273.15, fluid)


def expansion_ratio(fluid: str = "Nitrogen", room_c: float = ROOM_C) -> float:
    """Volumes of gas at ``room_c`` and 1 atm per volume of saturated liquid at 1 atm."""
    return liquid_density(fluid) / gas_density(fluid, room_c)


def gas_volume_from_mass(mass_kg: float, fluid: str = "Nitrogen", room_c: float = ROOM_C) -> float:
    """Gas volume (m³ at room conditions) of ``mass_kg`` of the fluid, in whatever phase."""
    return mass_kg / gas_density(fluid, room_c)


def gas_volume_from_liquid(
    liquid_m3: float, fluid: str = "Nitrogen", room_c: float = ROOM_C
) -> float:
    """Gas volume (m³ at room conditions) of ``liquid_m3`` of saturated liquid."""
    return liquid_m3 * expansion_ratio(fluid, room_c)
