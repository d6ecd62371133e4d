"""Answers in the caller's language, shared by the API, the CLI and the console."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from hazwatch.core.clock import as_utc
from hazwatch.core.i18n import translate
from hazwatch.registry.choices import SupervisionStage
from hazwatch.registry.models import Jurisdiction, Organisation
from hazwatch.supervision import dispatch, incidents
from hazwatch.supervision.choices import (
    DispatchOutcome,
    DispatchState,
    IncidentKind,
    ResolvedBy,
    Sector,
)
from hazwatch.supervision.incident_grade import SOURCE as GRADE_SOURCE
from hazwatch.supervision.incident_grade import IncidentGrade, grade
from hazwatch.supervision.models import DispatchOrder, Incident, ResponsibilityMatrix
from hazwatch.supervision.responsibility import Resolution, department_names
from hazwatch.supervision.schemas import (
    CasualtyChangeOut,
    DispatchAttachmentOut,
    DispatchOut,
    IncidentOut,
    MatrixOut,
    ResolutionOut,
    RuleOut,
    StepOut,
    SupervisorOut,
)


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


def incident_out(session: Session, incident: Incident, now: datetime, language: str) -> IncidentOut:
    steps = incidents.steps_of(incident, now)
    organisation = session.get(Organisation, incident.organisation_id)
    current = IncidentGrade(incident.grade)
    return IncidentOut(
        id=incident.id,
        organisation_id=incident.organisation_id,
        organisation=organisation.name if organisation else "",
        room_id=incident.room_id,
        title=incident.title,
        kind=IncidentKind(incident.kind),
        kind_label=IncidentKind(incident.kind).label(language),
        occurred_at=as_utc(incident.occurred_at),
        known_at=as_utc(incident.known_at),
        deaths=incident.deaths,
        serious_injuries=incident.serious_injuries,
        direct_loss_yuan=incident.direct_loss_yuan,
        grade=current,
        grade_label=current.label(language),
        grade_criteria=list(
            grade(incident.deaths, incident.serious_injuries, incident.direct_loss_yuan).criteria
        ),
        grade_source=GRADE_SOURCE,
        steps=[
            StepOut(
                level=s.level,
                level_label=s.level.label(language),
                due=s.due,
                reported_at=s.reported_at,
                recipient=s.recipient,
                late=s.late,
                overdue=s.overdue,
            )
            for s in steps
        ],
        late_steps=sum(s.late for s in steps),
        overdue_steps=sum(s.overdue for s in steps),
        casualty_window_ends=incidents.casualty_window_ends(incident),
        investigation_due=incidents.investigation_due(incident),
        extension_days=incident.extension_days,
        extension_approved_by=incident.extension_approved_by,
        changes=[
            CasualtyChangeOut(
                at=as_utc(c.at),
                deaths_before=c.deaths_before,
                deaths_after=c.deaths_after,
                serious_injuries_before=c.serious_injuries_before,
                serious_injuries_after=c.serious_injuries_after,
                direct_loss_before=c.direct_loss_before,
                direct_loss_after=c.direct_loss_after,
                grade_before=c.grade_before,
                grade_after=c.grade_after,
                note=c.note,
                recorded_by=c.recorded_by,
            )
            for c in incident.changes
        ],
        alarm_ids=list(incident.alarm_ids or []),
        replay=incident.replay,
        description=incident.description,
    )


def dispatch_out(
    session: Session, order: DispatchOrder, now: datetime, language: str
) -> DispatchOut:
    names = department_names(session, [order.organisation_id, order.department_id])
    state = DispatchState(order.state)
    outcome = DispatchOutcome(order.outcome) if order.outcome else None
    params = {**(order.params or {}), "organisation": names.get(order.organisation_id, "")}
    return DispatchOut(
        id=order.id,
        organisation_id=order.organisation_id,
        organisation=names.get(order.organisation_id, ""),
        department_id=order.department_id,
        department=names.get(order.department_id, ""),
        room_id=order.room_id,
        source_type=order.source_type,
        source_key=order.source_key,
        level=order.level,
        title=translate(order.title_key, language, **params),
        state=state,
        state_label=state.label(language),
        dispatched_at=as_utc(order.dispatched_at),
        accept_due=as_utc(order.accept_due),
        verify_due=as_utc(order.verify_due),
        late=dispatch.late(order, now),
        accepted_by=order.accepted_by,
        verified_by=order.verified_by,
        outcome=outcome,
        outcome_label=outcome.label(language) if outcome else None,
        notes=order.notes,
        hazard_finding_id=order.hazard_finding_id,
        closed_at=as_utc(order.closed_at) if order.closed_at else None,
        reminded_at=as_utc(order.reminded_at) if order.reminded_at else None,
        escalated_at=as_utc(order.escalated_at) if order.escalated_at else None,
        escalated_to_id=order.escalated_to_id,
        attachments=[
            DispatchAttachmentOut(
                id=a.id,
                filename=a.filename,
                content_type=a.content_type,
                url=f"/api/attachments/{a.id}",
            )
            for a in dispatch.attachments_of(session, order)
        ],
    )
