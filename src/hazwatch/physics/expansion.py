"""Liquid to gas (CoolProp): how much gas a cryogenic liquid becomes at room conditions."""

from __future__ import annotations

from CoolProp.CoolProp import PropsSI

ATMOSPHERE_PA = 101_325.0


def expansion_ratio(fluid: str = "Nitrogen", room_c: float = 20.0) -> float:
    """Volumes of gas at ``room_c`` and 1 atm per volume of saturated liquid at 1 atm."""
    liquid = PropsSI("D", "P", ATMOSPHERE_PA, "Q", 0, fluid)
    gas = PropsSI("D", "P", ATMOSPHERE_PA, "T", room_c + 273.15, fluid)
    return float(liquid / gas)


def gas_volume_from_mass(mass_kg: float, fluid: str = "Nitrogen", room_c: float = 20.0) -> float:
    gas = PropsSI("D", "P", ATMOSPHERE_PA, "T", room_c + 273.15, fluid)
    return float(mass_kg / gas)
