"""Coverage answers for the API, the command line and the console."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from hazwatch.core.i18n import translate
from hazwatch.district.coverage.models import EnforcementOfficer, SafetyServiceContract
from hazwatch.district.coverage.schemas import ContractOut, FigureOut, GapOut, OfficerOut
from hazwatch.district.coverage.service import Figure
from hazwatch.registry.models import Jurisdiction
from hazwatch.registry.service import organisation_names


def figure_outs(session: Session, figures: list[Figure], language: str) -> list[FigureOut]:
    names = organisation_names(session, [f.department_id for f in figures if f.department_id])
    shown = []
    for f in figures:
        district = session.get(Jurisdiction, f.district_id) if f.district_id else None
        rate = f.rate
        shown.append(
            FigureOut(
                key=f.key,
                label=translate(f"district.coverage.indicator.{f.key}", language),
                district_id=f.district_id,
                district=district.name if district else "",
                department_id=f.department_id,
                department=names.get(f.department_id) if f.department_id else None,
                numerator=f.numerator,
                denominator=f.denominator,
                rate_percent=None if rate is None else rate.quantize(Decimal("0.1")),
                target_percent=f.target,
                met=f.met,
                source=f.source,
                gaps=[
                    GapOut(
                        subject_id=g.subject_id,
                        name=g.name,
                        reason=g.reason,
                        reason_label=translate(
                            f"district.coverage.gap.{g.reason}", language, **g.detail
                        ),
                        detail=g.detail,
                    )
                    for g in f.gaps
                ],
            )
        )
    return shown


def contract_outs(session: Session, rows: list[SafetyServiceContract]) -> list[ContractOut]:
    names = organisation_names(session, [r.organisation_id for r in rows])
    return [
        ContractOut(
            id=r.id,
            organisation_id=r.organisation_id,
            organisation=names.get(r.organisation_id, ""),
            provider=r.provider,
            scope=r.scope,
            valid_from=r.valid_from,
            valid_until=r.valid_until,
        )
        for r in rows
    ]


def officer_outs(session: Session, rows: list[EnforcementOfficer]) -> list[OfficerOut]:
    names = organisation_names(session, [r.organisation_id for r in rows])
    return [
        OfficerOut(
            id=r.id,
            organisation_id=r.organisation_id,
            department=names.get(r.organisation_id, ""),
            name=r.name,
            degree=r.degree,
            safety_related=r.safety_related,
            experience_years=r.experience_years,
            active=r.active,
        )
        for r in rows
    ]
