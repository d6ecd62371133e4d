"""Admission review over HTTP: projects, their planned inventory, the joint review's
opinions and decision, the key-supervised processes list, and project points for the map."""

from __future__ import annotations

from fastapi import Request

from hazwatch.api.errors import language_of
from hazwatch.api.inputs import Id, Router
from hazwatch.core.auth.deps import CurrentPrincipal, DbSession, get_context
from hazwatch.district.admission import processes, service, views
from hazwatch.district.admission.choices import ProjectState
from hazwatch.district.admission.models import AdmissionProject
from hazwatch.district.admission.schemas import (
    DecisionIn,
    HoldingsIn,
    KeyProcessOut,
    OpenReviewIn,
    OpinionIn,
    ProjectIn,
    ProjectOut,
    ProjectPatch,
    ProjectPointOut,
)
from hazwatch.prevention.hazard_findings.service import Moment

router = Router(prefix="/api/district/admission", tags=["district"])


def _out(request: Request, db: DbSession, project: AdmissionProject) -> ProjectOut:
    now = get_context(request).clock.now()
    return views.project_out(db, project, now, language_of(request))


@router.get("/key-processes", response_model=list[KeyProcessOut])
def key_processes(request: Request, _principal: CurrentPrincipal) -> list[KeyProcessOut]:
    """The 18 key-supervised hazardous chemical processes, each with its source notice."""
    return views.key_process_outs(list(processes.KEY_PROCESSES), language_of(request))


@router.get("/projects", response_model=list[ProjectOut])
def list_projects(
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
    state: ProjectState | None = None,
) -> list[ProjectOut]:
    """Projects of the caller's area (or under its review), newest first, with their
    computed 两重点一重大 flags and the opinions."""
    now = get_context(request).clock.now()
    found = service.list_projects(db, principal, state)
    return views.project_outs(db, found, now, language_of(request))


@router.get("/points", response_model=list[ProjectPointOut])
def points(db: DbSession, principal: CurrentPrincipal) -> list[ProjectPointOut]:
    """Projects with a location, with their strongest flag (for the map)."""
    return views.point_outs(service.project_points(db, principal))


@router.post("/projects", status_code=201, response_model=ProjectOut)
def create_project(
    body: ProjectIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> ProjectOut:
    """The applicant drafts a project with its key processes and planned inventory."""
    values = body.model_dump(exclude={"holdings"})
    project = service.create_project(
        db,
        principal,
        Moment.of(get_context(request)),
        **values,
        holdings=views.planned_items(body.holdings),
    )
    return _out(request, db, project)


@router.get("/projects/{project_id}", response_model=ProjectOut)
def get_project(
    project_id: Id, request: Request, db: DbSession, principal: CurrentPrincipal
) -> ProjectOut:
    return _out(request, db, service.get(db, principal, project_id))


@router.patch("/projects/{project_id}", response_model=ProjectOut)
def update_project(
    project_id: Id,
    body: ProjectPatch,
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
) -> ProjectOut:
    """Change a draft (name, description, key processes, people within 500 m, location)."""
    changes = body.model_dump(exclude_unset=True)
    return _out(request, db, service.update_draft(db, principal, project_id, changes))


@router.put("/projects/{project_id}/holdings", response_model=ProjectOut)
def set_holdings(
    project_id: Id,
    body: HoldingsIn,
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
) -> ProjectOut:
    """Replace a draft's planned inventory; the major-hazard flag is computed from it."""
    project = service.set_holdings(db, principal, project_id, views.planned_items(body.holdings))
    return _out(request, db, project)


@router.post("/projects/{project_id}/review", response_model=ProjectOut)
def open_review(
    project_id: Id,
    body: OpenReviewIn,
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
) -> ProjectOut:
    """A regulator opens the joint review: the lead and each named department owe an
    opinion by the deadline."""
    project = service.open_review(
        db, principal, Moment.of(get_context(request)), project_id, **body.model_dump()
    )
    return _out(request, db, project)


@router.post("/projects/{project_id}/opinions/{department_id}", response_model=ProjectOut)
def give_opinion(
    project_id: Id,
    department_id: Id,
    body: OpinionIn,
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
) -> ProjectOut:
    """A department gives its opinion (agree, agree on conditions, reject), once."""
    moment = Moment.of(get_context(request))
    service.give_opinion(db, principal, moment, project_id, department_id, **body.model_dump())
    return _out(request, db, service.get(db, principal, project_id))


@router.post("/projects/{project_id}/decision", response_model=ProjectOut)
def decide(
    project_id: Id,
    body: DecisionIn,
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
) -> ProjectOut:
    """The lead department decides once every opinion is in."""
    project = service.decide(
        db, principal, Moment.of(get_context(request)), project_id, **body.model_dump()
    )
    return _out(request, db, project)
