"""The major-hazard list (重大危险源清单) as a ledger, in the reader's language: one row per
unit that is a major hazard (GB 18218-2018), with its substances and design maxima, S, R,
level, the people within 500 m and its accountable persons (包保责任人). The API's Excel, the
command line's export and the console's print-ready page all come from here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.chemicals import service
from hazwatch.chemicals.choices import MajorHazardLevel, PersonRole, UnitKind
from hazwatch.chemicals.models import Chemical
from hazwatch.core.auth.roles import Principal
from hazwatch.core.clock import local_text
from hazwatch.core.i18n import normalise_language, translate
from hazwatch.prevention.ledger import Ledger
from hazwatch.registry.models import Site
from hazwatch.registry.service import organisation_names


def _english_names(session: Session, names: set[str]) -> dict[str, str]:
    """Catalogue names → their English names, where the catalogue has one."""
    if not names:
        return {}
    query = select(Chemical.name, Chemical.name_en).where(
        Chemical.name.in_(names), Chemical.name_en != ""
    )
    return {row.name: row.name_en for row in session.execute(query)}


def major_hazard_ledger(
    session: Session, principal: Principal, now: datetime, language: str, timezone: str
) -> Ledger:
    """The major hazards the principal sees, level 1 first."""

    def _t(key: str, **params: object) -> str:
        return translate(key, language, **params)

    english = normalise_language(language) == "en"
    found = service.list_major_hazards(session, principal)
    names = organisation_names(session, [u.organisation_id for u, _i in found])
    site_ids = {u.site_id for u, _i in found}
    sites = {s.id: s.name for s in session.scalars(select(Site).where(Site.id.in_(site_ids)))}
    terms = [term for _u, i in found for term in i.working["terms"]]
    shown = _english_names(session, {str(t_["name"]) for t_ in terms}) if english else {}
    joiner = "; " if english else "；"
    rows: list[list[object]] = []
    for unit, identification in found:
        persons = {p.role: p.name for p in service.persons(session, unit.id)}
        substances = joiner.join(
            f"{shown.get(term['name'], term['name'])} {term['quantity_t']} t"
            for term in identification.working["terms"]
        )
        level = (
            "-"
            if identification.level is None
            else MajorHazardLevel(str(identification.level)).label(language)
        )
        rows.append(
            [
                names.get(unit.organisation_id, ""),
                sites.get(unit.site_id, ""),
                unit.name,
                UnitKind(unit.kind).label(language),
                substances,
                identification.s,
                identification.r or "-",
                level,
                unit.people_within_500m,
                *(persons.get(role.value, "") for role in PersonRole),
                local_text(identification.computed_at, timezone),
            ]
        )
    return Ledger(
        title=_t("chemicals.ledger.title"),
        subtitle=_t("chemicals.ledger.subtitle", count=len(rows), at=local_text(now, timezone)),
        header=[
            _t("chemicals.ledger.organisation"),
            _t("chemicals.ledger.site"),
            _t("chemicals.ledger.unit"),
            _t("chemicals.ledger.kind"),
            _t("chemicals.ledger.substances"),
            "S",
            "R",
            _t("chemicals.ledger.level"),
            _t("chemicals.ledger.people"),
            *(role.label(language) for role in PersonRole),
            _t("chemicals.ledger.identified"),
        ],
        rows=rows,
    )
