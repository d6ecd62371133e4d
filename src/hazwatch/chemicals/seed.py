"""The platform catalogue seeded from GB 18218-2018 (Table 1 rows, the Table 3 toxic gas not in
Table 1) and nitrogen (Catalogue of Hazardous Chemicals serial 172, a gas under pressure in
neither table, DOMAIN §6), with the English names, UN numbers and flags (highly toxic,
key-supervised, explosive precursor) of :mod:`hazwatch.chemicals.catalogue_data`.

Run by ``hazwatch db upgrade`` and ``hazwatch serve`` (after migrating), so a fresh install
has it. Idempotent: an entry already present (by Table 1 row or name) is not added again; what
it lacks of the reference data (an empty English name or UN number, a flag not set) is filled
in, and nothing set is ever overwritten or cleared."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.chemicals import gb18218
from hazwatch.chemicals.catalogue_data import TABLE1_KNOWN, Known
from hazwatch.chemicals.choices import GhsClass
from hazwatch.chemicals.models import Chemical

#: GB 18218 Table 2 classes (for the Table 4 β) and GHS classes of the Table 1 rows the demo
#: and common gases use; the others get them by import or from the platform administrator.
CLASSES: dict[int, tuple[tuple[str, ...], tuple[GhsClass, ...]]] = {
    1: (("J3", "W2"), (GhsClass.FLAMMABLE_GAS, GhsClass.GAS_UNDER_PRESSURE,
                      GhsClass.ACUTE_TOXICITY, GhsClass.SKIN_CORROSION)),
    12: (("J3", "W4"), (GhsClass.OXIDISING_GAS, GhsClass.GAS_UNDER_PRESSURE,
                       GhsClass.ACUTE_TOXICITY)),
    49: (("W2",), (GhsClass.FLAMMABLE_GAS, GhsClass.GAS_UNDER_PRESSURE)),
    51: (("W2",), (GhsClass.FLAMMABLE_GAS, GhsClass.GAS_UNDER_PRESSURE)),
    52: (("W2",), (GhsClass.FLAMMABLE_GAS,)),
    54: (("W2",), (GhsClass.FLAMMABLE_GAS, GhsClass.GAS_UNDER_PRESSURE)),
    55: (("W2",), (GhsClass.FLAMMABLE_GAS, GhsClass.GAS_UNDER_PRESSURE)),
    56: (("W4",), (GhsClass.OXIDISING_GAS, GhsClass.GAS_UNDER_PRESSURE)),
    65: (("W5.3",), (GhsClass.FLAMMABLE_LIQUID, GhsClass.ACUTE_TOXICITY)),
}  # fmt: skip

#: Platform entries outside Table 1: the Table 3 toxic gas carbon monoxide (key-supervised,
#: first batch) and the inert gases outside both tables (simple asphyxiants: they feed a
#: room's ODH assessment).
OTHERS: tuple[dict[str, Any], ...] = (
    {
        "name": "一氧化碳",
        "name_en": "Carbon monoxide",
        "aliases": [],
        "cas": "630-08-0",
        "un_number": "1016",
        "gb_classes": ["J3", "W2"],
        "ghs_classes": [GhsClass.FLAMMABLE_GAS.value, GhsClass.ACUTE_TOXICITY.value],
        "key_supervised": True,
    },
    {
        "name": "氮",
        "name_en": "Nitrogen",
        "aliases": ["氮气", "液氮"],
        "cas": "7727-37-9",
        "un_number": "1066",
        "catalogue_serial": 172,
        "ghs_classes": [GhsClass.GAS_UNDER_PRESSURE.value],
        "inert_gas": True,
    },
)

#: The reference fields the seed fills where an entry lacks them.
FILLED = ("name_en", "un_number", "catalogue_serial", "highly_toxic", "key_supervised",
          "explosive_precursor")  # fmt: skip


def _reference(known: Known | None) -> dict[str, Any]:
    return {} if known is None else known._asdict()


def _fill(chemical: Chemical, reference: dict[str, Any]) -> bool:
    """Set what ``chemical`` lacks of ``reference``; True when something changed."""
    changed = False
    for field in FILLED:
        wanted = reference.get(field)
        if wanted and not getattr(chemical, field):
            setattr(chemical, field, wanted)
            changed = True
    return changed


def seed_catalogue(session: Session) -> int:
    """Add the missing platform entries and complete the present ones; returns how many
    entries were added or completed."""
    platform = list(session.scalars(select(Chemical).where(Chemical.organisation_id.is_(None))))
    by_row = {c.table1_seq: c for c in platform if c.table1_seq is not None}
    by_name = {c.name: c for c in platform}
    touched = 0
    added: list[Chemical] = []
    for row in gb18218.ROWS.values():
        reference = _reference(TABLE1_KNOWN.get(row.seq))
        present = by_row.get(row.seq)
        if present is not None:
            touched += _fill(present, reference)
            continue
        classes, ghs = CLASSES.get(row.seq, ((), ()))
        chemical = Chemical(
            organisation_id=None,
            name=row.name,
            name_en="",
            aliases=list(row.aliases),
            cas=row.cas[0] if row.cas else None,
            gb_classes=list(classes),
            ghs_classes=[g.value for g in ghs],
            table1_seq=row.seq,
        )
        _fill(chemical, reference)
        added.append(chemical)
    for entry in OTHERS:
        present = by_name.get(entry["name"])
        if present is not None:
            touched += _fill(present, entry)
            continue
        added.append(Chemical(organisation_id=None, **entry))
    session.add_all(added)
    session.flush()
    return len(added) + touched


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
