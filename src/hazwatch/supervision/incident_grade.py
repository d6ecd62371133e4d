"""The grade of a production-safety accident (pure; State Council Order 493 Art. 3).

Order 493 Art. 3 (《生产安全事故报告和调查处理条例》, 2007), copied into DOMAIN §8:

| grade | deaths | serious injuries (incl. acute industrial poisoning) | direct loss (yuan) |
|---|---|---|---|
| 特别重大 | ≥ 30 | ≥ 100 | ≥ 100 000 000 |
| 重大 | 10 – < 30 | 50 – < 100 | 50 000 000 – < 100 000 000 |
| 较大 | 3 – < 10 | 10 – < 50 | 10 000 000 – < 50 000 000 |
| 一般 | < 3 | < 10 | < 10 000 000 |

"以上" includes the number, "以下" does not (Art. 3 §3): each lower bound is inclusive, each
upper bound exclusive. The highest grade any criterion reaches wins. Loss is compared in
exact decimals, so 9 999 999.99 yuan is 一般 and 10 000 000 yuan is 较大.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from hazwatch.core.choices import Choice, with_colours

SOURCE = "State Council Order 493 (2007) Art. 3"


@with_colours(
    {"particularly_serious": "red", "major": "orange", "larger": "yellow", "general": "blue"}
)
class IncidentGrade(Choice):
    """特别重大 / 重大 / 较大 / 一般 事故, highest first."""

    PARTICULARLY_SERIOUS = "particularly_serious"
    MAJOR = "major"
    LARGER = "larger"
    GENERAL = "general"


@dataclass(frozen=True)
class Threshold:
    """The inclusive lower bounds of one grade."""

    grade: IncidentGrade
    deaths: int
    serious_injuries: int
    direct_loss_yuan: Decimal


#: Highest grade first; a grade is reached when any figure is at or above its bound.
THRESHOLDS: tuple[Threshold, ...] = (
    Threshold(IncidentGrade.PARTICULARLY_SERIOUS, 30, 100, Decimal("100000000")),
    Threshold(IncidentGrade.MAJOR, 10, 50, Decimal("50000000")),
    Threshold(IncidentGrade.LARGER, 3, 10, Decimal("10000000")),
)


@dataclass(frozen=True)
class Grading:
    grade: IncidentGrade
    #: The figures that reached it (empty for 一般: none reached a higher bound).
    criteria: tuple[str, ...]


def grade(deaths: int, serious_injuries: int, direct_loss_yuan: Decimal) -> Grading:
    if deaths < 0 or serious_injuries < 0 or direct_loss_yuan < 0:
        raise ValueError("incident figures are never negative")
    for bound in THRESHOLDS:
        reached = tuple(
            name
            for name, value, limit in (
                ("deaths", deaths, bound.deaths),
                ("serious_injuries", serious_injuries, bound.serious_injuries),
                ("direct_loss_yuan", direct_loss_yuan, bound.direct_loss_yuan),
            )
            if value >= limit
        )
        if reached:
            return Grading(bound.grade, reached)
    return Grading(IncidentGrade.GENERAL, ())
