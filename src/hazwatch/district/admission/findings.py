"""Findings of admission review (registry finding rules): a department's opinion past its
deadline, the lead department's decision past its deadline. On a project carrying any
两重点一重大 flag they are major, so the dispatch scan sends them for verification to the
department responsible for the applicant, and a late order escalates to the district's
emergency-management bureau like every other (:mod:`hazwatch.supervision.dispatch`)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.clock import local_text
from hazwatch.core.settings import get_settings
from hazwatch.district.admission import service
from hazwatch.district.admission.choices import ProjectState
from hazwatch.district.admission.models import AdmissionProject
from hazwatch.registry.findings import AsOf, Finding, Severity, Visible, register_rule
from hazwatch.registry.service import organisation_names

OBJECT = "admission_project"


@register_rule
def admission_reviews(session: Session, visible: Visible, as_of: AsOf) -> Iterable[Finding]:
    zone = get_settings().timezone
    open_ = select(AdmissionProject).where(AdmissionProject.state == ProjectState.UNDER_REVIEW)
    for project in session.scalars(open_.order_by(AdmissionProject.id)):
        if visible is not None and project.organisation_id not in visible:
            continue
        late = [o for o in service.opinions(session, project.id) if service.overdue(o, as_of.now)]
        decision_late = service.decision_overdue(project, as_of.now)
        if not late and not decision_late:
            continue
        severity = Severity.MAJOR if service.flags(session, project).any else Severity.SERIOUS
        lead = project.lead_department_id
        names = organisation_names(session, [o.department_id for o in late])
        for opinion in late:
            yield Finding(
                "admission_opinion_overdue",
                severity,
                project.organisation_id,
                OBJECT,
                project.id,
                {
                    "project": project.name,
                    "department": names.get(opinion.department_id, ""),
                    "due": local_text(opinion.due_at, zone),
                },
                parties=(opinion.department_id, *([lead] if lead else [])),
            )
        if decision_late and not late:
            yield Finding(
                "admission_decision_overdue",
                severity,
                project.organisation_id,
                OBJECT,
                project.id,
                {"project": project.name, "due": local_text(project.due_at, zone)},
                parties=(lead,) if lead else (),
            )
