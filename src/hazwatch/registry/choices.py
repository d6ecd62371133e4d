"""Enumerations of the registry (labels in ``locale/*/registry.po`` under ``choice.*``)."""

from __future__ import annotations

from hazwatch.core.choices import Choice


class OrganisationKind(Choice):
    ENTERPRISE = "enterprise"
    LABORATORY = "laboratory"
    LANDLORD = "landlord"
    GAS_SUPPLIER = "gas_supplier"
    REGULATOR = "regulator"
    PARK_COMMITTEE = "park_committee"


#: Public bodies: they supervise others, carry a department function and are not themselves
#: supervised (so they are never a supervision blind spot).
GOVERNMENT_KINDS = frozenset({OrganisationKind.REGULATOR, OrganisationKind.PARK_COMMITTEE})


class DepartmentFunction(Choice):
    """What a regulator department is responsible for; emergency management is the fallback
    owner of unassigned organisations (Safety Production Law Art. 10 §2; seed 001)."""

    EMERGENCY_MANAGEMENT = "emergency_management"
    MARKET_SUPERVISION = "market_supervision"
    FIRE_RESCUE = "fire_rescue"
    ECONOMY_INFORMATION = "economy_information"
    SCIENCE_TECHNOLOGY = "science_technology"
    ECOLOGY_ENVIRONMENT = "ecology_environment"
    TRANSPORT = "transport"
    PUBLIC_SECURITY = "public_security"
    STREET_OFFICE = "street_office"
    PARK_ADMINISTRATION = "park_administration"
    OTHER = "other"


class JurisdictionKind(Choice):
    CITY = "city"
    DISTRICT = "district"
    STREET = "street"
    TOWNSHIP = "township"
    PARK = "park"


#: Depth of each kind in the territorial tree: a parent must be strictly shallower
#: (a park may sit under a street or directly under the district).
JURISDICTION_LEVEL = {
    JurisdictionKind.CITY: 0,
    JurisdictionKind.DISTRICT: 1,
    JurisdictionKind.STREET: 2,
    JurisdictionKind.TOWNSHIP: 2,
    JurisdictionKind.PARK: 3,
}


class SupervisionStage(Choice):
    PRODUCTION = "production"
    STORAGE = "storage"
    USE = "use"
    TRADE = "trade"
    TRANSPORT = "transport"
    DISPOSAL = "disposal"


class VentilationType(Choice):
    NONE = "none"
    NATURAL = "natural"
    EXHAUST = "exhaust"
    SUPPLY = "supply"
    BALANCED = "balanced"


class HazardKind(Choice):
    INERT_GAS = "inert_gas"
    TOXIC_GAS = "toxic_gas"
    FLAMMABLE_GAS = "flammable_gas"
    OXIDISING_GAS = "oxidising_gas"
    CRYOGENIC_LIQUID = "cryogenic_liquid"
    HAZCHEM_STORAGE = "hazchem_storage"


#: Hazards that can displace or poison the air a person breathes: a room with one needs a
#: fixed detector (GB/T 50493-2019 §3.0.1; DOMAIN §4).
ATMOSPHERIC_HAZARDS = frozenset({HazardKind.INERT_GAS, HazardKind.TOXIC_GAS})


class SupplyForm(Choice):
    BULK_TANK = "bulk_tank"
    CYLINDER = "cylinder"
    PIPELINE = "pipeline"
    DEWAR = "dewar"


class LicenceType(Choice):
    HAZCHEM_TRADING = "hazchem_trading"
    HAZCHEM_PRODUCTION = "hazchem_production"
    HAZCHEM_USE = "hazchem_use"
    GAS_CYLINDER_FILLING = "gas_cylinder_filling"
    PRESSURE_VESSEL_USE = "pressure_vessel_use"
    HAZMAT_TRANSPORT = "hazmat_transport"


#: Licences that allow an organisation to supply hazardous chemicals to others
#: (Regulations on the Safe Management of Hazardous Chemicals Art. 33 §1; a producer may sell
#: its own products, Art. 33 §2).
SUPPLY_LICENCES = frozenset(
    {LicenceType.HAZCHEM_TRADING, LicenceType.HAZCHEM_PRODUCTION, LicenceType.GAS_CYLINDER_FILLING}
)


class TankOrientation(Choice):
    VERTICAL = "vertical"
    HORIZONTAL = "horizontal"


class TankHeads(Choice):
    """Head shape (values as :class:`hazwatch.physics.tank.HeadShape`; GB/T 25198-2023)."""

    FLAT = "flat"
    ELLIPSOIDAL_2_1 = "ellipsoidal_2_1"
    HEMISPHERICAL = "hemispherical"


class Consent(Choice):
    """A lease or supply names another organisation; it grants visibility only once that
    party has confirmed it (rows from before confirmations existed count as confirmed)."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
