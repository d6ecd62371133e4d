"""Emergency readiness over HTTP: plans, drills and their findings, training records and
qualifications (and the training matrix, also as Excel), the equipment registry."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import Query, Request
from fastapi.responses import Response
from sqlalchemy import select

from hazwatch.api.errors import language_of
from hazwatch.api.inputs import Code, Id, Instant, Router, given
from hazwatch.core.auth.deps import CurrentPrincipal, DbSession, EditorPrincipal, get_context
from hazwatch.core.clock import local_date
from hazwatch.emergency.readiness import checks_ledger, matrix, service
from hazwatch.emergency.readiness.models import EmergencyPlan
from hazwatch.emergency.readiness.schemas import (
    DrillFindingIn,
    DrillIn,
    EquipmentCheckIn,
    EquipmentIn,
    HoldIn,
    PlanIn,
    PlanPatch,
    QualificationIn,
    TrainingIn,
)
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.prevention.ledger import XLSX, workbook
from hazwatch.registry.models import Organisation
from hazwatch.registry.service import organisation_names

router = Router(prefix="/api/emergency", tags=["emergency"])


def _moment(request: Request) -> Moment:
    return Moment.of(get_context(request))


@router.post("/plans", status_code=201)
def create_plan(
    body: PlanIn, request: Request, db: DbSession, principal: EditorPrincipal
) -> dict[str, Any]:
    plan = service.create_plan(db, principal, _moment(request), **body.model_dump())
    return {"id": plan.id}


def _plan_out(plan: EmergencyPlan, today: date) -> dict[str, Any]:
    return {
        "id": plan.id,
        "organisation_id": plan.organisation_id,
        "site_id": plan.site_id,
        "title": plan.title,
        "version": plan.version,
        "approved_on": plan.approved_on,
        "review_due": plan.review_due,
        "review_overdue": plan.retired_at is None and plan.review_due < today,
        "notes": plan.notes,
        "retired_at": plan.retired_at,
    }


def _today(request: Request) -> date:
    context = get_context(request)
    return local_date(context.clock.now(), context.settings.timezone)


@router.get("/plans")
def list_plans(
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
    retired: bool = Query(default=False, description="Withdrawn plans too."),
) -> list[Any]:
    today = _today(request)
    return [_plan_out(p, today) for p in service.list_plans(db, principal, retired=retired)]


@router.patch("/plans/{plan_id}")
def update_plan(
    plan_id: Id, body: PlanPatch, request: Request, db: DbSession, principal: EditorPrincipal
) -> dict[str, Any]:
    """Change a current plan (a new version, review date…): the rules of a new one apply to
    what is given; 409 once retired."""
    plan = service.update_plan(db, principal, _moment(request), plan_id, **given(body))
    return _plan_out(plan, _today(request))


@router.post("/plans/{plan_id}/retire")
def retire_plan(
    plan_id: Id, request: Request, db: DbSession, principal: EditorPrincipal
) -> dict[str, Any]:
    """Withdraw a plan: off the list, kept (with the drills naming it) for the audit."""
    plan = service.retire_plan(db, principal, _moment(request), plan_id)
    return _plan_out(plan, _today(request))


def _drill_out(db: Any, drill: Any) -> dict[str, Any]:
    return {
        "id": drill.id,
        "organisation_id": drill.organisation_id,
        "site_id": drill.site_id,
        "plan_id": drill.plan_id,
        "title": drill.title,
        "scenario": drill.scenario,
        "planned_for": drill.planned_for,
        "state": drill.state,
        "held_at": drill.held_at,
        "participants": drill.participants,
        "summary": drill.summary,
        "findings": [
            {"id": f.id, "text": f.text, "hidden_danger_id": f.hidden_danger_id}
            for f in service.drill_findings(db, drill.id)
        ],
    }


@router.post("/drills", status_code=201)
def plan_drill(
    body: DrillIn, request: Request, db: DbSession, principal: EditorPrincipal
) -> dict[str, Any]:
    drill = service.plan_drill(db, principal, _moment(request), **body.model_dump())
    return _drill_out(db, drill)


@router.post("/drills/{drill_id}/hold")
def hold_drill(
    drill_id: Id, body: HoldIn, request: Request, db: DbSession, principal: EditorPrincipal
) -> dict[str, Any]:
    drill = service.hold_drill(db, principal, _moment(request), drill_id, **body.model_dump())
    return _drill_out(db, drill)


@router.post("/drills/{drill_id}/findings", status_code=201)
def drill_finding(
    drill_id: Id,
    body: DrillFindingIn,
    request: Request,
    db: DbSession,
    principal: EditorPrincipal,
) -> dict[str, Any]:
    """What the held drill showed wrong: opened at once as a hidden danger."""
    found = service.add_drill_finding(
        db, principal, _moment(request), drill_id, **body.model_dump()
    )
    return {"id": found.id, "hidden_danger_id": found.hidden_danger_id}


@router.get("/drills")
def list_drills(db: DbSession, principal: CurrentPrincipal) -> list[dict[str, Any]]:
    return [_drill_out(db, d) for d in service.list_drills(db, principal)]


@router.post("/qualifications", status_code=201)
def add_qualification(
    body: QualificationIn, request: Request, db: DbSession, principal: EditorPrincipal
) -> dict[str, Any]:
    row = service.add_qualification(db, principal, _moment(request), **body.model_dump())
    return {"id": row.id}


@router.post("/training-records", status_code=201)
def add_training(
    body: TrainingIn, request: Request, db: DbSession, principal: EditorPrincipal
) -> dict[str, Any]:
    row = service.add_training(db, principal, _moment(request), **body.model_dump())
    return {"id": row.id}


@router.get("/training-records")
def list_training(db: DbSession, principal: CurrentPrincipal) -> list[dict[str, Any]]:
    return [
        {
            "id": r.id,
            "organisation_id": r.organisation_id,
            "person": r.person,
            "course": r.course,
            "held_on": r.held_on,
            "hours": r.hours,
            "trainer": r.trainer,
            "passed": r.passed,
        }
        for r in service.list_training(db, principal)
    ]


@router.get("/training-matrix")
def training_matrix(
    request: Request, db: DbSession, principal: CurrentPrincipal
) -> list[dict[str, Any]]:
    """People × qualification kinds, each cell with its expiry and whether it lapsed."""
    return [
        {
            "organisation_id": row.organisation_id,
            "person": row.person,
            "trainings": row.trainings,
            "hours": row.hours,
            "qualifications": {
                kind: {
                    "expires_on": cell.expires_on,
                    "lapsed": cell.lapsed,
                    "certificate_no": cell.certificate_no,
                }
                for kind, cell in row.cells.items()
            },
        }
        for row in service.training_matrix(db, principal, _today(request))
    ]


@router.get("/training-matrix.xlsx")
def training_matrix_xlsx(request: Request, db: DbSession, principal: CurrentPrincipal) -> Response:
    today = _today(request)
    rows = service.training_matrix(db, principal, today)
    ids = {row.organisation_id for row in rows}
    names = dict(
        db.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))).all()
    )
    book = matrix.ledger(rows, names, today, language_of(request))
    return Response(
        workbook(book),
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="training-matrix.xlsx"'},
    )


@router.post("/equipment", status_code=201)
def register_equipment(
    body: EquipmentIn, request: Request, db: DbSession, principal: EditorPrincipal
) -> dict[str, Any]:
    fields = service.registration(body, get_context(request).settings)
    return {"code": service.register_equipment(db, principal, **fields)}


@router.post("/equipment/{code}/checks", status_code=201)
def check_equipment(
    code: Code,
    body: EquipmentCheckIn,
    request: Request,
    db: DbSession,
    principal: EditorPrincipal,
) -> dict[str, Any]:
    """A periodic check (an SCBA set's needs its cylinder pressure); one that leaves the item
    not ready opens its hidden danger (``hidden_danger_id``)."""
    opened = service.check_equipment(db, principal, _moment(request), code, **body.model_dump())
    return {"code": code, "hidden_danger_id": opened}


@router.get("/equipment/checks")
def equipment_checks(
    db: DbSession,
    principal: CurrentPrincipal,
    since: Instant | None = None,
    until: Instant | None = None,
    organisation_id: Id | None = None,
    site_id: Id | None = None,
) -> list[dict[str, Any]]:
    """Every periodic check of the equipment the caller sees, newest first (``since`` ≤ at
    < ``until``; of one organisation, of the items kept at one site): SCBA sets with their
    pressure and minimum, and what made a check fail."""
    found = service.equipment_checks(
        db,
        principal,
        since=since,
        until=until,
        organisation_id=organisation_id,
        site_id=site_id,
    )
    return [
        {
            "organisation_id": row.organisation_id,
            "site_id": row.site_id,
            "kind": row.kind,
            "code": row.code,
            "name": row.name,
            "holder": row.holder,
            "at": row.at,
            "checked_by": row.checked_by,
            "passed": row.passed,
            "cylinder_pressure_mpa": row.pressure_mpa,
            "minimum_pressure_mpa": row.minimum_pressure_mpa,
            "defects": list(row.defects),
            "notes": row.notes,
        }
        for row in found
    ]


@router.get("/equipment/checks.xlsx")
def equipment_checks_xlsx(
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
    since: Instant | None = None,
    until: Instant | None = None,
    organisation_id: Id | None = None,
    site_id: Id | None = None,
) -> Response:
    """The equipment checks ledger (same filters) as an Excel file, in the reader's
    language."""
    context = get_context(request)
    rows = service.equipment_checks(
        db,
        principal,
        since=since,
        until=until,
        organisation_id=organisation_id,
        site_id=site_id,
    )
    names = organisation_names(db, list({row.organisation_id for row in rows}))
    book = checks_ledger.ledger(
        rows, names, context.clock.now(), language_of(request), context.settings.timezone
    )
    return Response(
        workbook(book),
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="equipment-checks.xlsx"'},
    )


@router.get("/equipment")
def equipment(request: Request, db: DbSession, principal: CurrentPrincipal) -> list[Any]:
    now = get_context(request).clock.now()
    return [
        {
            "code": item.code,
            "kind": item.kind,
            "organisation_id": item.organisation_id,
            "holder": item.holder,
            "name": item.name,
            "ready": item.ready,
            "reason": item.reason,
            "last_check": item.last_check,
            "due_at": item.due_at,
            "hidden_danger_id": item.hidden_danger_id,
            "site_id": item.site_id,
        }
        for item in service.equipment_registry(db, principal, now)
    ]
