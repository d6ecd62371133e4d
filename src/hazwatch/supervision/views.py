"""Answers in the caller's language, shared by the API, the CLI and the console."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from hazwatch.core.i18n import translate
from hazwatch.registry.choices import SupervisionStage
from hazwatch.registry.models import Jurisdiction
from hazwatch.supervision.choices import ResolvedBy, Sector
from hazwatch.supervision.models import ResponsibilityMatrix
from hazwatch.supervision.responsibility import Resolution, department_names
from hazwatch.supervision.schemas import MatrixOut, ResolutionOut, RuleOut, SupervisorOut


def matrix_out(session: Session, matrix: ResponsibilityMatrix, language: str) -> MatrixOut:
    names = department_names(session, [r.department_id for r in matrix.rules])
    place = session.get(Jurisdiction, matrix.jurisdiction_id)
    return MatrixOut(
        id=matrix.id,
        jurisdiction_id=matrix.jurisdiction_id,
        jurisdiction=place.name if place else "",
        version=matrix.version,
        basis=matrix.basis,
        note=matrix.note,
        created_at=matrix.created_at,
        created_by=matrix.created_by,
        rules=[
            RuleOut(
                stage=rule.stage,
                stage_label=SupervisionStage(rule.stage).label(language),
                sector=Sector(rule.sector),
                sector_label=Sector(rule.sector).label(language),
                department_id=rule.department_id,
                department=names.get(rule.department_id, ""),
            )
            for rule in matrix.rules
        ],
    )


def resolution_outs(
    session: Session, found: Sequence[Resolution], language: str
) -> list[ResolutionOut]:
    names = department_names(
        session,
        [s.department_id for r in found for s in r.supervisors]
        + [r.fallback_owner_id for r in found],
    )
    shown: list[ResolutionOut] = []
    for r in found:
        stages = ", ".join(s.label(language) for s in r.stages) or "-"
        owner = names.get(r.fallback_owner_id or 0)
        if r.blind_spot:
            key = (
                "supervision.blind_spot.hazchem" if r.handles_hazchem else "supervision.blind_spot"
            )
        else:
            key = "supervision.supervised"
        shown.append(
            ResolutionOut(
                organisation_id=r.organisation.id,
                organisation=r.organisation.name,
                sector=r.sector,
                sector_label=r.sector.label(language),
                stages=r.stages,
                stage_labels=[s.label(language) for s in r.stages],
                handles_hazchem=r.handles_hazchem,
                blind_spot=r.blind_spot,
                fallback_owner_id=r.fallback_owner_id,
                fallback_owner=owner,
                uncovered=r.uncovered,
                supervisors=[
                    SupervisorOut(
                        department_id=s.department_id,
                        department=names.get(s.department_id, ""),
                        stage=s.stage,
                        stage_label=s.stage.label(language) if s.stage else "-",
                        by=s.by.value,
                        by_label=ResolvedBy(s.by).label(language),
                        matrix_id=s.matrix_id,
                    )
                    for s in r.supervisors
                ],
                message=translate(
                    key,
                    language,
                    organisation=r.organisation.name,
                    stages=stages,
                    owner=owner or "-",
                ),
            )
        )
    return shown
