"""The platform catalogue's seed: Table 1's rows, carbon monoxide and nitrogen with English
names, UN numbers and the highly toxic / key-supervised / explosive-precursor flags; run again
on an install seeded before the flags existed it completes the entries without overwriting
what is set, and adds nothing twice."""

from __future__ import annotations

from sqlalchemy import func, select

from hazwatch.chemicals.catalogue_data import TABLE1_KNOWN
from hazwatch.chemicals.models import Chemical
from hazwatch.chemicals.seed import by_name, by_table1, seed_catalogue
from hazwatch.core.context import Context


def test_the_seed_carries_the_flags_and_completes_older_entries(context: Context) -> None:
    with context.unit_of_work() as session:
        # an entry as the first seed wrote it: no UN number, no flags, an English name set
        session.add(
            Chemical(organisation_id=None, name="氨", name_en="Liquid ammonia", table1_seq=1)
        )
        session.flush()
        assert seed_catalogue(session) == 86 + 1  # 84 rows + CO + N2 added, ammonia completed
    with context.unit_of_work() as session:
        ammonia = by_table1(session, 1)
        assert (ammonia.name_en, ammonia.un_number, ammonia.key_supervised) == (
            "Liquid ammonia",  # what was set stays
            "1005",
            True,
        )
        phosgene = by_table1(session, 6)
        assert phosgene.highly_toxic and phosgene.key_supervised and phosgene.un_number == "1076"
        assert by_table1(session, 81).explosive_precursor  # nitric acid > 70 %
        assert not by_table1(session, 59).key_supervised  # acetone is on no list
        nitrogen = by_name(session, "氮")
        assert nitrogen.catalogue_serial == 172 and nitrogen.inert_gas
        assert by_name(session, "一氧化碳").key_supervised
        english = session.scalar(
            select(func.count(Chemical.id)).where(
                Chemical.organisation_id.is_(None), Chemical.name_en != ""
            )
        )
        assert english == len(TABLE1_KNOWN) + 2
        assert seed_catalogue(session) == 0
        assert session.scalar(select(func.count(Chemical.id))) == 87
