"""Inspections over HTTP: checklists, points (with their QR codes), plans, records and the
records' ledger."""

from __future__ import annotations

from typing import Annotated

from fastapi import File, Request, UploadFile
from fastapi.responses import Response

from hazwatch.api.errors import language_of
from hazwatch.api.inputs import Id, Instant, QrKind, Router
from hazwatch.attachments import service as attachments
from hazwatch.core import qr
from hazwatch.core.auth.deps import CurrentPrincipal, DbSession, get_context
from hazwatch.prevention.hazard_findings.schemas import AttachmentOut
from hazwatch.prevention.hazard_findings.service import Moment, ensure_may_run_loop
from hazwatch.prevention.hazard_findings.views import attachment_out
from hazwatch.prevention.inspections import service, views
from hazwatch.prevention.inspections.schemas import (
    PlanIn,
    PlanOut,
    PointIn,
    PointOut,
    RecordIn,
    RecordOut,
    TemplateIn,
    TemplateOut,
)
from hazwatch.prevention.ledger import XLSX, workbook

router = Router(prefix="/api/inspections", tags=["inspections"])


@router.post("/templates", status_code=201, response_model=TemplateOut)
def create_template(body: TemplateIn, db: DbSession, principal: CurrentPrincipal) -> TemplateOut:
    return TemplateOut.model_validate(service.create_template(db, principal, body))


@router.get("/templates", response_model=list[TemplateOut])
def list_templates(db: DbSession, principal: CurrentPrincipal) -> list[TemplateOut]:
    return [TemplateOut.model_validate(t) for t in service.list_templates(db, principal)]


@router.post("/points", status_code=201, response_model=PointOut)
def create_point(body: PointIn, db: DbSession, principal: CurrentPrincipal) -> PointOut:
    return views.point_out(service.create_point(db, principal, body))


@router.get("/points", response_model=list[PointOut])
def list_points(db: DbSession, principal: CurrentPrincipal) -> list[PointOut]:
    return [views.point_out(p) for p in service.list_points(db, principal)]


@router.get("/points/{point_id}/qr.{kind}")
def point_qr(
    point_id: Id, kind: QrKind, request: Request, db: DbSession, principal: CurrentPrincipal
) -> Response:
    """The point's QR code (``svg`` or ``png``): it opens the point's inspection form."""
    point = service.get_point(db, principal, point_id)
    url = qr.console_url(
        get_context(request).settings, str(request.base_url), views.point_out(point).form_path
    )
    return qr.response(url, kind)


@router.post("/plans", status_code=201, response_model=PlanOut)
def create_plan(
    body: PlanIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> PlanOut:
    context = get_context(request)
    plan = service.create_plan(db, principal, Moment.of(context), body)
    return views.plan_out(
        db, plan, context.clock.now(), language_of(request), context.settings.timezone
    )


@router.get("/plans", response_model=list[PlanOut])
def list_plans(
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
    overdue: bool | None = None,
    point_id: Id | None = None,
) -> list[PlanOut]:
    """Plans with their status (``overdue`` when past their due date) and next due dates."""
    context = get_context(request)
    now = context.clock.now()
    plans = service.list_plans(db, principal, now, overdue=overdue, point_id=point_id)
    return [
        views.plan_out(db, p, now, language_of(request), context.settings.timezone) for p in plans
    ]


@router.post("/records", status_code=201, response_model=RecordOut)
def record(
    body: RecordIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> RecordOut:
    """A round's answers; each failed item opens a hidden danger (``hazard_finding_id``)."""
    entry = service.record(db, principal, Moment.of(get_context(request)), body)
    return views.record_out(db, entry)


@router.get("/records", response_model=list[RecordOut])
def list_records(
    db: DbSession,
    principal: CurrentPrincipal,
    plan_id: Id | None = None,
    point_id: Id | None = None,
    since: Instant | None = None,
) -> list[RecordOut]:
    found = service.list_records(db, principal, plan_id=plan_id, point_id=point_id, since=since)
    return [views.record_out(db, r) for r in found]


@router.get("/records/ledger.xlsx")
def records_ledger(
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
    plan_id: Id | None = None,
    point_id: Id | None = None,
    since: Instant | None = None,
) -> Response:
    """The inspection records as an Excel ledger (same filters as the list)."""
    context = get_context(request)
    found = service.list_records(db, principal, plan_id=plan_id, point_id=point_id, since=since)
    shown = [views.record_out(db, r) for r in found]
    book = views.ledger(
        db, shown, context.clock.now(), language_of(request), context.settings.timezone
    )
    return Response(
        workbook(book),
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="inspection-records.xlsx"'},
    )


@router.get("/records/{record_id}", response_model=RecordOut)
def get_record(record_id: Id, db: DbSession, principal: CurrentPrincipal) -> RecordOut:
    return views.record_out(db, service.get_record(db, principal, record_id))


@router.post("/records/{record_id}/attachments", status_code=201, response_model=AttachmentOut)
def attach(
    record_id: Id,
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
    file: Annotated[UploadFile, File()],
) -> AttachmentOut:
    """A photo or document of the round (same types and limit as a hidden danger's)."""
    context = get_context(request)
    entry = service.get_record(db, principal, record_id)
    ensure_may_run_loop(db, principal, entry.organisation_id)
    added = attachments.add(
        db,
        context.settings,
        organisation_id=entry.organisation_id,
        subject_type=service.RECORD_SUBJECT,
        subject_id=entry.id,
        stage="record",
        filename=file.filename or "",
        data=file.file.read(context.settings.attachment_max_bytes + 1),
        uploaded_by=principal.username,
        now=context.clock.now(),
    )
    return attachment_out(added)
