"""Major-hazard identification and grading of one unit (GB 18218-2018; DOMAIN §6).

Pure: plain inputs in, a result that carries its own working out. Arithmetic is exact
(:class:`~fractions.Fraction`), so 0.9 t / 0.3 t is 3 and a unit holding exactly its critical
quantity is a major hazard (S ≥ 1 is inclusive, GB 18218-2018 4.2.2).

- Q (critical quantity): Table 1 by row (序号) when the substance is listed there (4.1),
  else Table 2 by hazard class, the lowest Q when it belongs to several (4.1, 表2 注).
  A substance in neither table (nitrogen: a gas under pressure) contributes nothing.
- S = Σ qᵢ/Qᵢ with q the design maximum quantity (4.2.1, 4.2.2 式(1)).
- R = α · Σ βᵢ·qᵢ/Qᵢ (4.3.2 式(2)); β from Table 3 for the toxic gases listed there, else
  Table 4 by hazard class, the highest β of the substance's classes (4.3.3); α from the people
  within 500 m of the unit (Table 5, 4.3.4); level 1–4 from R (Table 6, 4.3.5).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hazwatch.chemicals.gb18218_tables import TABLE_1, TABLE_2, TABLE_3, TABLE_4, TABLE_5, TABLE_6

STANDARD = "GB 18218-2018"


@dataclass(frozen=True)
class Table1Row:
    """A named substance of Table 1 with its critical quantity (GB 18218-2018 4.1, 表1)."""

    seq: int
    name: str
    aliases: tuple[str, ...]
    cas: tuple[str, ...]
    critical_t: Decimal

    @property
    def clause(self) -> str:
        return f"{STANDARD} 4.1 表1 第{self.seq}项"


@dataclass(frozen=True)
class Table2Class:
    """A hazard class of Table 2 with its critical quantity and Table 4 β."""

    symbol: str
    hazard_class: str
    description: str
    critical_t: Decimal
    beta: Decimal

    @property
    def clause(self) -> str:
        return f"{STANDARD} 4.1 表2 {self.symbol}"


ROWS: Mapping[int, Table1Row] = {
    seq: Table1Row(seq, name, aliases, cas, q) for seq, name, aliases, cas, q in TABLE_1
}
_BETA_BY_CLASS: dict[str, Decimal] = dict(TABLE_4)
CLASSES: Mapping[str, Table2Class] = {
    symbol: Table2Class(symbol, klass, description, q, _BETA_BY_CLASS[symbol])
    for symbol, klass, description, q in TABLE_2
}
#: Table 3: β of the listed toxic gases, by CAS number (4.3.3, 表3).
TOXIC_GAS_BETA: Mapping[str, tuple[str, Decimal]] = {
    cas: (name, beta) for name, cas, beta in TABLE_3
}

#: Hazard classes of Table 2 by their English name (for people reading the console in English).
CLASS_NAMES_EN: Mapping[str, str] = {
    "急性毒性": "Acute toxicity",
    "爆炸物": "Explosives",
    "易燃气体": "Flammable gases",
    "气溶胶": "Aerosols",
    "氧化性气体": "Oxidising gases",
    "易燃液体": "Flammable liquids",
    "自反应物质和混合物": "Self-reactive substances and mixtures",
    "有机过氧化物": "Organic peroxides",
    "自燃液体和自燃固体": "Pyrophoric liquids and solids",
    "氧化性固体和液体": "Oxidising solids and liquids",
    "易燃固体": "Flammable solids",
    "遇水放出易燃气体的物质和混合物": "Substances which in contact with water emit flammable gases",
}


class UnknownHazardClass(ValueError):
    """A hazard class that is not a Table 2 symbol."""

    def __init__(self, symbol: str) -> None:
        super().__init__(symbol)
        self.symbol = symbol


class UnknownTable1Row(ValueError):
    """A Table 1 row number outside 1–85."""

    def __init__(self, seq: int) -> None:
        super().__init__(seq)
        self.seq = seq


def table1_row(seq: int) -> Table1Row:
    try:
        return ROWS[seq]
    except KeyError:
        raise UnknownTable1Row(seq) from None


def hazard_class(symbol: str) -> Table2Class:
    try:
        return CLASSES[symbol]
    except KeyError:
        raise UnknownHazardClass(symbol) from None


def rows_by_cas(cas: str) -> tuple[Table1Row, ...]:
    """Table 1 rows carrying a CAS number (several rows may: nitrocellulose has six)."""
    return tuple(row for row in ROWS.values() if cas in row.cas)


def row_by_name(name: str) -> Table1Row | None:
    """The Table 1 row whose name or an alias is exactly ``name``."""
    wanted = name.strip()
    for row in ROWS.values():
        if wanted == row.name or wanted in row.aliases:
            return row
    return None


def alpha_for(people: int) -> tuple[Decimal, str]:
    """α and its Table 5 band for the number of people within 500 m (4.3.4, 表5)."""
    if people < 0:
        raise ValueError("people")
    for low, high, alpha, label in TABLE_5:
        if people >= low and (high is None or people <= high):
            return alpha, label
    raise AssertionError("Table 5 covers every count from 0")  # pragma: no cover


def level_for(r: Fraction) -> int:
    """Level 1–4 of a major hazard with grading value R (4.3.5, 表6; lower bounds inclusive)."""
    for level, _label, low, high in TABLE_6:
        if (low is None or r >= Fraction(low)) and (high is None or r < Fraction(high)):
            return level
    raise AssertionError("Table 6 covers every R")  # pragma: no cover


@dataclass(frozen=True)
class Holding:
    """One substance in a unit: its design maximum quantity in tonnes, and either its Table 1
    row or its Table 2 hazard classes (or both: a Table 1 substance's classes give its β
    when it is not a Table 3 toxic gas). ``cas`` finds the Table 3 β of a toxic gas."""

    name: str
    quantity_t: Decimal
    table1_seq: int | None = None
    classes: tuple[str, ...] = ()
    cas: str | None = None

    def __post_init__(self) -> None:
        if not self.quantity_t.is_finite() or self.quantity_t < 0:
            raise ValueError("quantity_t")
        if self.table1_seq is not None:
            table1_row(self.table1_seq)
        for symbol in self.classes:
            hazard_class(symbol)


@dataclass(frozen=True)
class Term:
    """The working for one substance: where Q and β came from and its share of S and R."""

    name: str
    quantity_t: Decimal
    source: str  # "table1", "table2" or "none"
    critical_t: Decimal | None
    clause: str | None
    table1_seq: int | None
    hazard_class: str | None
    beta: Decimal | None
    beta_source: str | None  # "table3", "table4" or None
    beta_clause: str | None
    ratio: Fraction  # q/Q
    weighted: Fraction | None  # β·q/Q

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "quantity_t": str(self.quantity_t),
            "source": self.source,
            "critical_t": None if self.critical_t is None else str(self.critical_t),
            "clause": self.clause,
            "table1_seq": self.table1_seq,
            "hazard_class": self.hazard_class,
            "beta": None if self.beta is None else str(self.beta),
            "beta_source": self.beta_source,
            "beta_clause": self.beta_clause,
            "ratio": decimal_text(self.ratio),
            "weighted": None if self.weighted is None else decimal_text(self.weighted),
        }


@dataclass(frozen=True)
class Identification:
    """A unit's S, R and level with the working: each term, α and its band."""

    terms: tuple[Term, ...]
    people: int
    alpha: Decimal
    alpha_band: str
    s: Fraction
    r: Fraction | None  # None when some contributing substance has no β (no classes given)
    level: int | None  # only for a major hazard whose R is known
    missing_beta: tuple[str, ...] = field(default=())

    @property
    def is_major_hazard(self) -> bool:
        """GB 18218-2018 4.2.2: S ≥ 1, inclusive."""
        return self.s >= 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "standard": STANDARD,
            "s": decimal_text(self.s),
            "s_exact": fraction_text(self.s),
            "major_hazard": self.is_major_hazard,
            "people_within_500m": self.people,
            "alpha": str(self.alpha),
            "alpha_band": self.alpha_band,
            "alpha_clause": f"{STANDARD} 4.3.4 表5",
            "r": None if self.r is None else decimal_text(self.r),
            "r_exact": None if self.r is None else fraction_text(self.r),
            "level": self.level,
            "level_clause": f"{STANDARD} 4.3.5 表6",
            "missing_beta": list(self.missing_beta),
            "terms": [term.as_dict() for term in self.terms],
        }


def fraction_text(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value}"


def decimal_text(value: Fraction, places: int = 6) -> str:
    """A Fraction as a decimal string: exact when it terminates, else rounded to ``places``."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    if Fraction(exact) == value:
        return _plain(exact)
    return _plain(exact.quantize(Decimal(1).scaleb(-places)))


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _term(holding: Holding) -> Term:
    q = holding.quantity_t
    row = table1_row(holding.table1_seq) if holding.table1_seq is not None else None
    classes = [hazard_class(symbol) for symbol in holding.classes]
    cas_candidates = (holding.cas,) if holding.cas else (row.cas if row else ())
    toxic = next((TOXIC_GAS_BETA[c] for c in cas_candidates if c in TOXIC_GAS_BETA), None)
    beta: Decimal | None
    if toxic is not None:
        beta, beta_source = toxic[1], "table3"
        beta_clause: str | None = f"{STANDARD} 4.3.3 表3 {toxic[0]}"
    elif classes:
        top = max(classes, key=lambda c: (c.beta, c.symbol))
        beta, beta_source, beta_clause = top.beta, "table4", f"{STANDARD} 4.3.3 表4 {top.symbol}"
    else:
        beta, beta_source, beta_clause = None, None, None
    if row is not None:
        ratio = Fraction(q) / Fraction(row.critical_t)
        return Term(
            holding.name, q, "table1", row.critical_t, row.clause, row.seq, None,
            beta, beta_source, beta_clause, ratio, None if beta is None else Fraction(beta) * ratio,
        )  # fmt: skip
    if classes:
        lowest = min(classes, key=lambda c: (c.critical_t, c.symbol))
        ratio = Fraction(q) / Fraction(lowest.critical_t)
        return Term(
            holding.name, q, "table2", lowest.critical_t, lowest.clause, None, lowest.symbol,
            beta, beta_source, beta_clause, ratio, None if beta is None else Fraction(beta) * ratio,
        )  # fmt: skip
    return Term(
        holding.name, q, "none", None, None, None, None, None, None, None, Fraction(0), Fraction(0)
    )


def identify(holdings: Iterable[Holding], people_within_500m: int) -> Identification:
    """Identify and grade one unit (never a whole enterprise: GB 18218-2018 3.5, 4.2)."""
    terms = tuple(_term(h) for h in holdings)
    alpha, band = alpha_for(people_within_500m)
    s = sum((t.ratio for t in terms), Fraction(0))
    missing = tuple(t.name for t in terms if t.weighted is None and t.ratio > 0)
    r: Fraction | None = None
    if not missing:
        r = Fraction(alpha) * sum((t.weighted or Fraction(0) for t in terms), Fraction(0))
    level = level_for(r) if r is not None and s >= 1 else None
    return Identification(terms, people_within_500m, alpha, band, s, r, level, missing)
