"""GB 18218-2018 identification and grading against DOMAIN §6's worked cases, exactly."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from hazwatch.chemicals import gb18218
from hazwatch.chemicals.gb18218 import Holding, identify

D = Decimal


def test_tables_are_complete_and_exact() -> None:
    assert len(gb18218.ROWS) == 85
    assert len(gb18218.CLASSES) == 24
    assert gb18218.ROWS[1].name == "氨" and gb18218.ROWS[1].critical_t == D("10")
    assert gb18218.ROWS[56].critical_t == D("200")  # oxygen (compressed or liquefied)
    assert gb18218.ROWS[51].critical_t == D("5")  # hydrogen
    assert gb18218.ROWS[6].critical_t == D("0.3")  # phosgene
    assert gb18218.CLASSES["J1"].critical_t == D("5") and gb18218.CLASSES["J1"].beta == D("4")
    assert gb18218.CLASSES["W2"].beta == D("1.5")
    assert gb18218.ROWS[12].clause == "GB 18218-2018 4.1 表1 第12项"
    # Rows share a CAS number: the key is the row.
    assert [r.seq for r in gb18218.rows_by_cas("9004-70-0")] == [37, 38, 39, 40, 41, 42]
    assert gb18218.row_by_name("液氨") == gb18218.ROWS[1]
    assert gb18218.row_by_name("氮") is None


def test_ammonia_20_t_with_60_people_is_level_4() -> None:
    result = identify([Holding("氨", D("20"), table1_seq=1)], 60)
    assert result.s == 2 and result.is_major_hazard
    assert result.alpha == D("1.5") and result.alpha_band == "50～99人"
    assert result.r == 6 and result.level == 4
    (term,) = result.terms
    assert term.source == "table1" and term.table1_seq == 1 and term.critical_t == D("10")
    assert term.beta == D("2") and term.beta_source == "table3"
    assert term.ratio == 2 and term.weighted == 4
    working = result.as_dict()
    assert working["s"] == "2" and working["r"] == "6" and working["alpha"] == "1.5"
    assert working["terms"][0]["clause"] == "GB 18218-2018 4.1 表1 第1项"
    assert working["terms"][0]["beta_clause"] == "GB 18218-2018 4.3.3 表3 氨"


def test_chlorine_30_t_with_nobody_near_is_level_3() -> None:
    result = identify([Holding("氯", D("30"), table1_seq=12)], 0)
    assert result.s == 6 and result.alpha == D("0.5")
    assert result.terms[0].beta == D("4")  # toxic gas β, Table 3
    assert result.r == 12 and result.level == 3


def test_hydrogen_exactly_at_its_critical_quantity_is_a_major_hazard() -> None:
    result = identify([Holding("氢", D("5"), table1_seq=51, classes=("W2",))], 10)
    assert result.s == 1 and result.is_major_hazard
    assert result.terms[0].beta == D("1.5") and result.terms[0].beta_source == "table4"
    assert result.r == Fraction(3, 2) and result.level == 4
    just_below = identify([Holding("氢", D("4.999"), table1_seq=51, classes=("W2",))], 10)
    assert not just_below.is_major_hazard and just_below.level is None


def test_methanol_400_t_is_not_a_major_hazard() -> None:
    result = identify([Holding("甲醇", D("400"), table1_seq=65, classes=("W5.3",))], 10)
    assert result.s == Fraction(4, 5) and result.as_dict()["s"] == "0.8"
    assert not result.is_major_hazard and result.level is None


def test_binary_floats_would_miss_the_boundary_decimals_do_not() -> None:
    # Three flammable gases (W2, Q 10 t) of 7, 2 and 1 t: exactly S = 1, a major hazard.
    assert 7 / 10 + 2 / 10 + 1 / 10 < 1
    gases = [Holding(n, D(q), classes=("W2",)) for n, q in zip("abc", "721", strict=True)]
    result = identify(gases, 0)
    assert result.s == 1 and result.is_major_hazard
    assert identify([Holding("光气", D("0.9"), table1_seq=6)], 0).s == 3


def test_nitrogen_contributes_nothing_in_any_quantity() -> None:
    for tonnes in ("0", "1", "1000000", "1e12"):
        result = identify([Holding("氮", D(tonnes), cas="7727-37-9")], 200)
        assert result.s == 0 and not result.is_major_hazard
        assert result.terms[0].source == "none" and result.terms[0].ratio == 0
    # Beside a major hazard it changes neither S nor R.
    alone = identify([Holding("氨", D("20"), table1_seq=1)], 60)
    mixed = identify(
        [Holding("氨", D("20"), table1_seq=1), Holding("氮", D("500"), cas="7727-37-9")], 60
    )
    assert (mixed.s, mixed.r, mixed.level) == (alone.s, alone.r, alone.level)


def test_mixture_of_table_1_and_table_2_substances() -> None:
    # Ammonia (table 1, 10 t), an unlisted flammable gas W2 (Q 10 t, β 1.5) and an unlisted
    # liquid that is both J2 (Q 50) and W5.1 (Q 10): the lowest Q (10) and the highest β (1.5).
    result = identify(
        [
            Holding("氨", D("5"), table1_seq=1),
            Holding("某可燃气体", D("2.5"), classes=("W2",)),
            Holding("某液体", D("1"), classes=("J2", "W5.1")),
        ],
        120,
    )
    a, b, c = result.terms
    assert (a.source, a.ratio, a.weighted) == ("table1", Fraction(1, 2), 1)
    assert (b.source, b.hazard_class, b.ratio, b.weighted) == (
        "table2",
        "W2",
        Fraction(1, 4),
        Fraction(3, 8),
    )
    assert (c.hazard_class, c.critical_t, c.beta, c.beta_clause) == (
        "W5.1",
        D("10"),
        D("1.5"),
        "GB 18218-2018 4.3.3 表4 W5.1",
    )
    assert result.s == Fraction(1, 2) + Fraction(1, 4) + Fraction(1, 10)
    assert not result.is_major_hazard
    doubled = identify(
        [
            Holding("氨", D("10"), table1_seq=1),
            Holding("某可燃气体", D("5"), classes=("W2",)),
            Holding("某液体", D("2"), classes=("J2", "W5.1")),
        ],
        120,
    )
    assert doubled.s == Fraction(17, 10) and doubled.is_major_hazard
    # R = 2 × (2·1 + 1.5·0.5 + 1.5·0.2) = 2 × 3.05 = 6.1
    assert doubled.r == Fraction(61, 10) and doubled.level == 4
    assert doubled.as_dict()["r"] == "6.1"


def test_toxic_gas_beta_comes_from_table_3_not_its_class() -> None:
    # Hydrogen sulfide: Table 1 row 10 (Q 5 t), Table 3 β 5 although J1 would give 4.
    result = identify([Holding("硫化氢", D("5"), table1_seq=10, classes=("J1",))], 100)
    assert result.terms[0].beta == D("5") and result.terms[0].beta_source == "table3"
    assert result.r == 10 and result.level == 3  # 10 is inclusive for level 3
    # Carbon monoxide is in Table 3 but not Table 1: Q from its class J3 (50 t), β 2.
    co = identify([Holding("一氧化碳", D("100"), classes=("J3", "W2"), cas="630-08-0")], 100)
    assert co.terms[0].critical_t == D("10")  # W2's 10 t is lower than J3's 50 t
    assert co.terms[0].beta == D("2") and co.s == 10 and co.r == 40


def test_alpha_bands_and_level_boundaries_are_inclusive() -> None:
    assert [gb18218.alpha_for(n)[0] for n in (0, 1, 29, 30, 49, 50, 99, 100, 5000)] == [
        D("0.5"), D("1.0"), D("1.0"), D("1.2"), D("1.2"), D("1.5"), D("1.5"), D("2.0"), D("2.0"),
    ]  # fmt: skip
    assert gb18218.level_for(Fraction(100)) == 1
    assert gb18218.level_for(Fraction(9999, 100)) == 2
    assert gb18218.level_for(Fraction(50)) == 2
    assert gb18218.level_for(Fraction(10)) == 3
    assert gb18218.level_for(Fraction(999, 100)) == 4
    with pytest.raises(ValueError):
        gb18218.alpha_for(-1)


def test_the_demo_tank_farm_is_level_3() -> None:
    result = identify([Holding("氨", D("50"), table1_seq=1)], 60)
    assert (result.s, result.r, result.level) == (5, 15, 3)


def test_bad_input_names_what_is_wrong() -> None:
    with pytest.raises(gb18218.UnknownHazardClass) as err:
        Holding("x", D("1"), classes=("W99",))
    assert err.value.symbol == "W99"
    with pytest.raises(gb18218.UnknownTable1Row):
        Holding("x", D("1"), table1_seq=86)
    for bad in ("-1", "NaN", "Infinity"):
        with pytest.raises(ValueError, match="quantity_t"):
            Holding("x", D(bad), table1_seq=1)


def test_without_a_class_a_table_1_substance_that_is_no_toxic_gas_has_no_r() -> None:
    result = identify([Holding("氢", D("10"), table1_seq=51)], 10)
    assert result.s == 2 and result.is_major_hazard
    assert result.r is None and result.level is None and result.missing_beta == ("氢",)
