"""Risk grading methods and four-colour band tables (pure; DOMAIN §7).

- LEC (作业条件危险性评价法): D = L × E × C with the factor values of the method's tables
  (copied below); default bands D > 320 red, (160, 320] orange, (70, 160] yellow, ≤ 70 blue.
- LS 5 × 5 matrix: R = L × S, L and S each 1–5. Bands vary by province, so they are data:
  the default is the common mapping R ≥ 20 red, 15–19 orange, 9–14 yellow, ≤ 8 blue (e.g.
  Shandong DB37/T 2882-2016 风险矩阵); an organisation stores its own versions.

Scores are exact decimals (LEC's 0.5 and 0.1 factors) and bounds say whether they are
inclusive, so a score on a boundary lands where the table says.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from typing import Any

from hazwatch.core.choices import Choice, with_colours

D = Decimal


@with_colours({"red": "red", "orange": "orange", "yellow": "yellow", "blue": "blue"})
class RiskLevel(Choice):
    """Four colours, highest first (重大 / 较大 / 一般 / 低)."""

    RED = "red"
    ORANGE = "orange"
    YELLOW = "yellow"
    BLUE = "blue"


ORDER: tuple[RiskLevel, ...] = tuple(RiskLevel)


def higher(a: RiskLevel | None, b: RiskLevel | None) -> RiskLevel | None:
    if a is None or b is None:
        return a or b
    return a if ORDER.index(a) <= ORDER.index(b) else b


class RiskMethod(Choice):
    LEC = "lec"
    LS = "ls"


#: LEC factor values (the method's tables; reference/lec_factors.csv).
LEC_FACTORS: Mapping[str, tuple[Decimal, ...]] = {
    "L": (D("10"), D("6"), D("3"), D("1"), D("0.5"), D("0.2"), D("0.1")),
    "E": (D("10"), D("6"), D("3"), D("2"), D("1"), D("0.5")),
    "C": (D("100"), D("40"), D("15"), D("7"), D("3"), D("1")),
}
LS_FACTORS: Mapping[str, tuple[Decimal, ...]] = {
    "L": tuple(D(n) for n in range(1, 6)),
    "S": tuple(D(n) for n in range(1, 6)),
}
FACTORS: Mapping[RiskMethod, Mapping[str, tuple[Decimal, ...]]] = {
    RiskMethod.LEC: LEC_FACTORS,
    RiskMethod.LS: LS_FACTORS,
}


@dataclass(frozen=True)
class Band:
    """Scores at or above ``low`` (above it when not ``inclusive``) take ``level``."""

    low: Decimal
    inclusive: bool
    level: RiskLevel

    def admits(self, score: Decimal) -> bool:
        return score >= self.low if self.inclusive else score > self.low

    def as_dict(self) -> dict[str, Any]:
        return {"low": str(self.low), "inclusive": self.inclusive, "level": self.level.value}


#: Default bands, highest first; the last band must admit every score ≥ 0.
DEFAULT_BANDS: Mapping[RiskMethod, tuple[Band, ...]] = {
    RiskMethod.LEC: (
        Band(D(320), False, RiskLevel.RED),
        Band(D(160), False, RiskLevel.ORANGE),
        Band(D(70), False, RiskLevel.YELLOW),
        Band(D(0), True, RiskLevel.BLUE),
    ),
    RiskMethod.LS: (
        Band(D(20), True, RiskLevel.RED),
        Band(D(15), True, RiskLevel.ORANGE),
        Band(D(9), True, RiskLevel.YELLOW),
        Band(D(0), True, RiskLevel.BLUE),
    ),
}
DEFAULT_BASIS: Mapping[RiskMethod, str] = {
    RiskMethod.LEC: "LEC: D > 320 red, 160 < D ≤ 320 orange, 70 < D ≤ 160 yellow, D ≤ 70 blue",
    RiskMethod.LS: "LS 5×5 (DB37/T 2882-2016): R ≥ 20 red, 15–19 orange, 9–14 yellow, ≤ 8 blue",
}


class BadFactors(ValueError):
    """A factor missing, unknown or off the method's scale (``field`` names it)."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


def check_factors(method: RiskMethod, factors: Mapping[str, Any]) -> dict[str, Decimal]:
    """The method's factors as exact decimals, each one of its table's values."""
    allowed = FACTORS[method]
    extra = set(factors) - set(allowed)
    if extra:
        raise BadFactors(f"factors.{sorted(extra)[0]}")
    checked: dict[str, Decimal] = {}
    for name, values in allowed.items():
        raw = factors.get(name)
        try:
            value = D(str(raw)) if raw is not None else None
        except ArithmeticError:
            value = None
        if value is None or not value.is_finite() or value not in values:
            raise BadFactors(f"factors.{name}")
        checked[name] = value
    return checked


def score(method: RiskMethod, factors: Mapping[str, Decimal]) -> Decimal:
    result = D(1)
    for name in FACTORS[method]:
        result *= factors[name]
    return result.normalize() if result != result.to_integral() else result.quantize(D(1))


def check_bands(bands: Sequence[Band]) -> None:
    """Highest first, strictly decreasing bounds, the last admitting 0."""
    if not bands:
        raise BadFactors("bands")
    for upper, lower in pairwise(bands):
        if not (upper.low > lower.low or (upper.low == lower.low and not upper.inclusive)):
            raise BadFactors("bands")
    if not bands[-1].admits(D(0)):
        raise BadFactors("bands")


def level_of(value: Decimal, bands: Sequence[Band]) -> RiskLevel:
    for band in bands:
        if band.admits(value):
            return band.level
    return bands[-1].level


def bands_from(data: Sequence[Mapping[str, Any]]) -> tuple[Band, ...]:
    try:
        bands = tuple(
            Band(D(str(b["low"])), bool(b.get("inclusive", True)), RiskLevel(b["level"]))
            for b in data
        )
    except (KeyError, ValueError, ArithmeticError) as exc:
        raise BadFactors("bands") from exc
    if any(not b.low.is_finite() or b.low < 0 for b in bands):
        raise BadFactors("bands")
    check_bands(bands)
    return bands


#: The likelihood L (LS method) of an oxygen-deficiency event from the room's ODH class
#: (FESHM 4240): each class is a decade of fatality rate, each L step one level of likelihood.
ODH_LIKELIHOOD: Mapping[int, Decimal] = {0: D(1), 1: D(2), 2: D(3), 3: D(4), 4: D(5)}
#: Severity S of asphyxiation in an occupied room: several deaths possible (the 2·7 accident).
ODH_SEVERITY = D(5)
