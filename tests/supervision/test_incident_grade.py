"""Incident grades at every boundary of Order 493 Art. 3 (DOMAIN §8): lower bounds
inclusive ("以上包括本数"), upper bounds exclusive ("以下不包括本数")."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hazwatch.supervision.incident_grade import IncidentGrade, grade

G, L, M, P = (
    IncidentGrade.GENERAL,
    IncidentGrade.LARGER,
    IncidentGrade.MAJOR,
    IncidentGrade.PARTICULARLY_SERIOUS,
)
Z = Decimal(0)


@pytest.mark.parametrize(
    ("deaths", "expected"), [(0, G), (2, G), (3, L), (9, L), (10, M), (29, M), (30, P), (300, P)]
)
def test_deaths(deaths: int, expected: IncidentGrade) -> None:
    assert grade(deaths, 0, Z).grade is expected


@pytest.mark.parametrize(
    ("injuries", "expected"), [(9, G), (10, L), (49, L), (50, M), (99, M), (100, P)]
)
def test_serious_injuries(injuries: int, expected: IncidentGrade) -> None:
    assert grade(0, injuries, Z).grade is expected


@pytest.mark.parametrize(
    ("loss", "expected"),
    [
        ("9999999.99", G),
        ("10000000", L),
        ("10000000.00", L),
        ("49999999.99", L),
        ("50000000", M),
        ("99999999.99", M),
        ("100000000", P),
        ("2871000", G),  # the 2·7 accident
    ],
)
def test_direct_loss_in_exact_decimals(loss: str, expected: IncidentGrade) -> None:
    assert grade(0, 0, Decimal(loss)).grade is expected


def test_the_highest_criterion_wins_and_is_named() -> None:
    found = grade(2, 10, Decimal("50000000"))
    assert found.grade is M and found.criteria == ("direct_loss_yuan",)
    assert grade(3, 10, Decimal("10000000")).criteria == (
        "deaths",
        "serious_injuries",
        "direct_loss_yuan",
    )
    assert grade(2, 0, Z).criteria == ()


def test_negative_figures_are_refused() -> None:
    with pytest.raises(ValueError):
        grade(-1, 0, Z)
