"""The platform catalogue seeded from GB 18218-2018 (Table 1 rows, the Table 3 toxic gas not in
Table 1) and nitrogen (Catalogue of Hazardous Chemicals serial 172, a gas under pressure in
neither table, DOMAIN §6). Idempotent: an entry already present (by Table 1 row or name) is
left as it is."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.chemicals import gb18218
from hazwatch.chemicals.choices import GhsClass
from hazwatch.chemicals.models import Chemical

#: English names and GB 18218 Table 2 classes (for the Table 4 β) of the Table 1 rows the
#: demo and common gases use; the others keep their Chinese name until someone adds them.
KNOWN: dict[int, tuple[str, tuple[str, ...], tuple[GhsClass, ...]]] = {
    1: ("Ammonia", ("J3", "W2"), (GhsClass.FLAMMABLE_GAS, GhsClass.GAS_UNDER_PRESSURE,
                                   GhsClass.ACUTE_TOXICITY, GhsClass.SKIN_CORROSION)),
    12: ("Chlorine", ("J3", "W4"), (GhsClass.OXIDISING_GAS, GhsClass.GAS_UNDER_PRESSURE,
                                    GhsClass.ACUTE_TOXICITY)),
    49: ("Methane, natural gas", ("W2",), (GhsClass.FLAMMABLE_GAS, GhsClass.GAS_UNDER_PRESSURE)),
    51: ("Hydrogen", ("W2",), (GhsClass.FLAMMABLE_GAS, GhsClass.GAS_UNDER_PRESSURE)),
    52: ("Liquefied petroleum gas", ("W2",), (GhsClass.FLAMMABLE_GAS,)),
    54: ("Acetylene", ("W2",), (GhsClass.FLAMMABLE_GAS, GhsClass.GAS_UNDER_PRESSURE)),
    55: ("Ethylene", ("W2",), (GhsClass.FLAMMABLE_GAS, GhsClass.GAS_UNDER_PRESSURE)),
    56: ("Oxygen (compressed or liquefied)", ("W4",), (GhsClass.OXIDISING_GAS,
                                                      GhsClass.GAS_UNDER_PRESSURE)),
    65: ("Methanol", ("W5.3",), (GhsClass.FLAMMABLE_LIQUID, GhsClass.ACUTE_TOXICITY)),
}  # fmt: skip

#: Inert gases outside both tables (simple asphyxiants: they feed a room's ODH assessment).
INERT = (("氮", "Nitrogen", ("氮气", "液氮"), "7727-37-9", "1066", 172),)


def seed_catalogue(session: Session) -> int:
    """Add the missing platform entries; returns how many were added."""
    have_rows = set(
        session.scalars(
            select(Chemical.table1_seq).where(
                Chemical.organisation_id.is_(None), Chemical.table1_seq.is_not(None)
            )
        )
    )
    have_names = set(
        session.scalars(select(Chemical.name).where(Chemical.organisation_id.is_(None)))
    )
    added: list[Chemical] = []
    for row in gb18218.ROWS.values():
        if row.seq in have_rows:
            continue
        name_en, classes, ghs = KNOWN.get(row.seq, ("", (), ()))
        added.append(
            Chemical(
                organisation_id=None,
                name=row.name,
                name_en=name_en,
                aliases=list(row.aliases),
                cas=row.cas[0] if row.cas else None,
                gb_classes=list(classes),
                ghs_classes=[g.value for g in ghs],
                table1_seq=row.seq,
            )
        )
    if "一氧化碳" not in have_names:
        added.append(
            Chemical(
                organisation_id=None,
                name="一氧化碳",
                name_en="Carbon monoxide",
                cas="630-08-0",
                un_number="1016",
                gb_classes=["J3", "W2"],
                ghs_classes=[GhsClass.FLAMMABLE_GAS.value, GhsClass.ACUTE_TOXICITY.value],
            )
        )
    for name, name_en, aliases, cas, un, serial in INERT:
        if name in have_names:
            continue
        added.append(
            Chemical(
                organisation_id=None,
                name=name,
                name_en=name_en,
                aliases=list(aliases),
                cas=cas,
                un_number=un,
                catalogue_serial=serial,
                ghs_classes=[GhsClass.GAS_UNDER_PRESSURE.value],
                inert_gas=True,
            )
        )
    session.add_all(added)
    session.flush()
    return len(added)


def by_table1(session: Session, seq: int) -> Chemical:
    chemical = session.scalar(
        select(Chemical).where(Chemical.organisation_id.is_(None), Chemical.table1_seq == seq)
    )
    assert chemical is not None, "seed_catalogue first"
    return chemical


def by_name(session: Session, name: str) -> Chemical:
    chemical = session.scalar(
        select(Chemical).where(Chemical.organisation_id.is_(None), Chemical.name == name)
    )
    assert chemical is not None, "seed_catalogue first"
    return chemical
