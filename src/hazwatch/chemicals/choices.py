"""Enumerations of the chemicals domain (labels in ``locale/*/chemicals.po``)."""

from __future__ import annotations

from datetime import timedelta

from hazwatch.core.choices import Choice, with_colours


class UnitKind(Choice):
    PRODUCTION = "production"
    STORAGE = "storage"
    LOCATION = "location"


class MovementKind(Choice):
    IN = "in"
    OUT = "out"
    TRANSFER = "transfer"


@with_colours({"principal": "red", "technical": "orange", "operational": "blue"})
class PersonRole(Choice):
    PRINCIPAL = "principal"
    TECHNICAL = "technical"
    OPERATIONAL = "operational"


#: How often each accountable person checks the major hazard at least (危险化学品重大危险源
#: 安全包保责任制 rules, MEM 2021: principal quarterly, technical monthly, operational weekly).
DUTY_INTERVAL: dict[PersonRole, timedelta] = {
    PersonRole.PRINCIPAL: timedelta(days=92),
    PersonRole.TECHNICAL: timedelta(days=31),
    PersonRole.OPERATIONAL: timedelta(days=7),
}


class IdentificationTrigger(Choice):
    INVENTORY = "inventory"
    CHEMICAL = "chemical"
    UNIT = "unit"
    MANUAL = "manual"


@with_colours({"1": "red", "2": "orange", "3": "yellow", "4": "blue"})
class MajorHazardLevel(Choice):
    """GB 18218-2018 4.3.5 表6."""

    ONE = "1"
    TWO = "2"
    THREE = "3"
    FOUR = "4"


class GhsClass(Choice):
    """GHS hazard classes (GB 30000 series); physical, health and environmental."""

    EXPLOSIVE = "explosive"
    FLAMMABLE_GAS = "flammable_gas"
    AEROSOL = "aerosol"
    OXIDISING_GAS = "oxidising_gas"
    GAS_UNDER_PRESSURE = "gas_under_pressure"
    FLAMMABLE_LIQUID = "flammable_liquid"
    FLAMMABLE_SOLID = "flammable_solid"
    SELF_REACTIVE = "self_reactive"
    PYROPHORIC_LIQUID = "pyrophoric_liquid"
    PYROPHORIC_SOLID = "pyrophoric_solid"
    SELF_HEATING = "self_heating"
    WATER_REACTIVE = "water_reactive"
    OXIDISING_LIQUID = "oxidising_liquid"
    OXIDISING_SOLID = "oxidising_solid"
    ORGANIC_PEROXIDE = "organic_peroxide"
    CORROSIVE_TO_METALS = "corrosive_to_metals"
    DESENSITISED_EXPLOSIVE = "desensitised_explosive"
    ACUTE_TOXICITY = "acute_toxicity"
    SKIN_CORROSION = "skin_corrosion"
    EYE_DAMAGE = "eye_damage"
    RESPIRATORY_SENSITISATION = "respiratory_sensitisation"
    SKIN_SENSITISATION = "skin_sensitisation"
    GERM_CELL_MUTAGENICITY = "germ_cell_mutagenicity"
    CARCINOGENICITY = "carcinogenicity"
    REPRODUCTIVE_TOXICITY = "reproductive_toxicity"
    STOT_SINGLE = "stot_single"
    STOT_REPEATED = "stot_repeated"
    ASPIRATION = "aspiration"
    AQUATIC = "aquatic"
    OZONE = "ozone"
