"""Sensor kinds as data (as Home Assistant's entity descriptions): a new kind is a row.

Each kind carries its unit, the physically possible range (outside it a reading is rejected
as impossible, not stored), default setpoints with their source, and the deadband and delays
that keep it from chattering (STYLE.md, "Alarm-management figures").
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from hazwatch.core.choices import Choice


class PointKind(Choice):
    O2 = "o2"
    O2_MODELLED = "o2_modelled"
    GAS_PPM = "gas_ppm"
    GAS_LEL = "gas_lel"
    PRESSURE = "pressure"
    TEMPERATURE = "temperature"
    FLOW = "flow"
    TANK_LEVEL = "tank_level"


@dataclass(frozen=True, slots=True)
class KindSpec:
    kind: PointKind
    unit: str
    minimum: float
    maximum: float
    low_low: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    high_high: Decimal | None = None
    deadband: Decimal = Decimal(0)
    on_delay_s: int = 0
    off_delay_s: int = 0
    modelled: bool = False
    #: Oxygen points make entry decisions: unknown means "do not enter".
    life_safety: bool = False
    source: str = ""

    @property
    def storage_deviation(self) -> Decimal:
        """How far a reading must move before it is stored (``monitoring.archive``): half
        the alarm deadband, so stored history resolves every movement the alarm logic tells
        apart; the readings that raise or clear an alarm are stored whatever the deviation."""
        return self.deadband / 2


_O2 = {
    "unit": "%vol",
    "minimum": 0.0,
    "maximum": 100.0,
    "low_low": Decimal("18"),
    "low": Decimal("19.5"),
    "high": Decimal("23.5"),
    "deadband": Decimal("0.2"),
    "on_delay_s": 0,
    "off_delay_s": 10,
    "life_safety": True,
    "source": "GB/T 50493-2019 O2 setpoints (low 19.5 %, low-low 18 %, high 23.5 %); "
    "no on-delay for life safety, T90 of the cell is delay enough (EEMUA 191)",
}

KINDS: dict[PointKind, KindSpec] = {
    spec.kind: spec
    for spec in (
        KindSpec(PointKind.O2, **_O2),  # type: ignore[arg-type]
        KindSpec(PointKind.O2_MODELLED, modelled=True, **_O2),  # type: ignore[arg-type]
        KindSpec(
            PointKind.GAS_PPM,
            "ppm",
            0.0,
            1_000_000.0,
            deadband=Decimal("1"),
            off_delay_s=10,
            life_safety=True,
            source="GB/T 50493-2019 §5.5.2: toxic setpoints ≤ 100 % / 200 % of the OEL, per point",
        ),
        KindSpec(
            PointKind.GAS_LEL,
            "%LEL",
            0.0,
            100.0,
            high=Decimal("25"),
            high_high=Decimal("50"),
            deadband=Decimal("2"),
            off_delay_s=10,
            life_safety=True,
            source="GB/T 50493-2019 §5.5.2: first alarm ≤ 25 % LEL, second ≤ 50 % LEL",
        ),
        KindSpec(
            PointKind.PRESSURE,
            "MPa",
            -0.101325,
            100.0,
            deadband=Decimal("0.02"),
            on_delay_s=15,
            off_delay_s=15,
            source="ISA-18.2 starting values: pressure 2 % / 15 s",
        ),
        KindSpec(
            PointKind.TEMPERATURE,
            "°C",
            -273.15,
            2000.0,
            deadband=Decimal("1"),
            on_delay_s=60,
            off_delay_s=60,
            source="ISA-18.2 starting values: temperature 1 % / 60 s",
        ),
        KindSpec(
            PointKind.FLOW,
            "m³/h",
            0.0,
            1_000_000.0,
            deadband=Decimal("0.5"),
            on_delay_s=15,
            off_delay_s=15,
            source="ISA-18.2 starting values: flow 5 % / 15 s",
        ),
        KindSpec(
            PointKind.TANK_LEVEL,
            "mm",
            0.0,
            100_000.0,
            deadband=Decimal("5"),
            on_delay_s=60,
            off_delay_s=60,
            source="ISA-18.2 starting values: level 5 % / 60 s",
        ),
    )
}

#: Unit spellings devices send that mean the same unit.
UNIT_ALIASES = {
    "%": "%vol",
    "% vol": "%vol",
    "vol%": "%vol",
    "%lel": "%LEL",
    "m3/h": "m³/h",
    "c": "°C",
    "degc": "°C",
}


def canonical_unit(unit: str) -> str:
    return UNIT_ALIASES.get(unit.strip().lower(), unit.strip())
