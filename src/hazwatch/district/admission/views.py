"""Admission-review answers for the API, the command line and the console."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.chemicals.models import Chemical
from hazwatch.district.admission import processes, service
from hazwatch.district.admission.choices import ProjectState, ReviewVerdict
from hazwatch.district.admission.models import AdmissionProject
from hazwatch.district.admission.schemas import (
    FlagsOut,
    HoldingIn,
    HoldingOut,
    KeyProcessOut,
    OpinionOut,
    ProjectOut,
    ProjectPointOut,
    UnitOut,
)
from hazwatch.registry.service import organisation_names


def planned_items(holdings: list[HoldingIn]) -> list[service.PlannedItem]:
    """A body's planned holdings as the service takes them (API and console alike)."""
    return [service.PlannedItem(h.unit, h.chemical_id, h.design_max_t) for h in holdings]


def key_process_outs(codes: list[str] | tuple[str, ...], language: str) -> list[KeyProcessOut]:
    return [
        KeyProcessOut(
            code=code,
            name=processes.name_of(code, language),
            source=processes.KEY_PROCESSES[code].source,
        )
        for code in codes
    ]


def project_out(
    session: Session, project: AdmissionProject, now: datetime, language: str
) -> ProjectOut:
    found = service.flags(session, project)
    rows = service.planned(session, project.id)
    chemicals = {
        c.id: c
        for c in session.scalars(
            select(Chemical).where(Chemical.id.in_([r.chemical_id for r in rows]))
        )
    }
    given = service.opinions(session, project.id)
    names = organisation_names(
        session,
        [
            project.organisation_id,
            *([project.lead_department_id] if project.lead_department_id else []),
            *(o.department_id for o in given),
        ],
    )
    return ProjectOut(
        id=project.id,
        organisation_id=project.organisation_id,
        applicant=names.get(project.organisation_id, ""),
        name=project.name,
        description=project.description,
        state=project.state,
        state_label=ProjectState(project.state).label(language),
        people_within_500m=project.people_within_500m,
        lat=project.lat,
        lon=project.lon,
        lead_department_id=project.lead_department_id,
        lead_department=names.get(project.lead_department_id or 0, ""),
        created_at=project.created_at,
        opened_at=project.opened_at,
        due_at=project.due_at,
        decision_overdue=service.decision_overdue(project, now),
        decided_at=project.decided_at,
        decided_by=project.decided_by,
        decision_note=project.decision_note,
        conditions=list(project.conditions),
        flags=FlagsOut(
            key_processes=key_process_outs(found.key_processes, language),
            key_chemicals=list(found.key_chemicals),
            major_hazard=found.major_hazard,
            units=[
                UnitOut(
                    unit=unit,
                    s=result.as_dict()["s"],
                    major_hazard=result.is_major_hazard,
                    level=result.level,
                    working=result.as_dict(),
                )
                for unit, result in found.units.items()
            ],
        ),
        holdings=[
            HoldingOut(
                unit=r.unit,
                chemical_id=r.chemical_id,
                chemical=chemicals[r.chemical_id].name,
                design_max_t=r.design_max_t,
                key_supervised=chemicals[r.chemical_id].key_supervised,
            )
            for r in rows
        ],
        opinions=[
            OpinionOut(
                department_id=o.department_id,
                department=names.get(o.department_id, ""),
                verdict=o.verdict,
                verdict_label=ReviewVerdict(o.verdict).label(language),
                opinion=o.opinion,
                conditions=list(o.conditions),
                due_at=o.due_at,
                overdue=service.overdue(o, now),
                given_at=o.given_at,
                given_by=o.given_by,
            )
            for o in given
        ],
    )


def project_outs(
    session: Session, projects: list[AdmissionProject], now: datetime, language: str
) -> list[ProjectOut]:
    return [project_out(session, p, now, language) for p in projects]


def point_outs(points: list[service.ProjectPoint]) -> list[ProjectPointOut]:
    return [
        ProjectPointOut(
            project_id=p.project_id, lat=p.lat, lon=p.lon, label=p.label, flag=p.flag, state=p.state
        )
        for p in points
    ]
