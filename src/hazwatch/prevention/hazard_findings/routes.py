"""Hidden dangers over HTTP: the ledger with filters, the loop's actions, attachments and
the Excel ledger."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import File, Form, Request, UploadFile
from fastapi.responses import Response

from hazwatch.api.errors import language_of
from hazwatch.api.inputs import Id, Router
from hazwatch.core.auth.deps import CurrentPrincipal, DbSession, get_context
from hazwatch.prevention.hazard_findings import service, views
from hazwatch.prevention.hazard_findings.choices import AttachmentStage, HazardGrade, HazardState
from hazwatch.prevention.hazard_findings.schemas import (
    AttachmentOut,
    CommentIn,
    GradeIn,
    HazardDetailOut,
    HazardOut,
    OrderIn,
    RejectIn,
    ReportIn,
)
from hazwatch.prevention.ledger import XLSX, workbook

router = Router(prefix="/api/hidden-dangers", tags=["hidden dangers"])


def _list(
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
    state: HazardState | None,
    grade: HazardGrade | None,
    overdue: bool | None,
    organisation_id: Id | None,
    reported: bool | None,
) -> list[HazardOut]:
    now = get_context(request).clock.now()
    found = service.list_findings(
        db,
        principal,
        now,
        state=state,
        grade=grade,
        overdue=overdue,
        organisation_id=organisation_id,
        reported=reported,
    )
    return views.outs(db, principal, found, now, language_of(request))


@router.get("", response_model=list[HazardOut])
def list_hidden_dangers(
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
    state: HazardState | None = None,
    grade: HazardGrade | None = None,
    overdue: bool | None = None,
    organisation_id: Id | None = None,
    reported: bool | None = None,
) -> list[HazardOut]:
    """Hidden dangers the caller sees: open ones first by deadline, closed ones last.
    ``reported=true``: the major ones reported to the regulator."""
    return _list(request, db, principal, state, grade, overdue, organisation_id, reported)


@router.get("/ledger.xlsx")
def ledger_xlsx(
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
    state: HazardState | None = None,
    grade: HazardGrade | None = None,
    overdue: bool | None = None,
    organisation_id: Id | None = None,
    reported: bool | None = None,
) -> Response:
    """The hidden-danger ledger (same filters as the list) as an Excel file."""
    context = get_context(request)
    shown = _list(request, db, principal, state, grade, overdue, organisation_id, reported)
    book = views.ledger(shown, context.clock.now(), language_of(request), context.settings.timezone)
    return Response(
        workbook(book),
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="hidden-dangers.xlsx"'},
    )


@router.post("", status_code=201, response_model=HazardDetailOut)
def report(
    body: ReportIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> HazardDetailOut:
    moment = service.Moment.of(get_context(request))
    finding = service.report(db, principal, moment, **body.model_dump())
    return _after(finding.id, request, db, principal)


@router.get("/{finding_id}", response_model=HazardDetailOut)
def detail(
    finding_id: Id, request: Request, db: DbSession, principal: CurrentPrincipal
) -> HazardDetailOut:
    """The hidden danger with its timeline and attachments."""
    return _after(finding_id, request, db, principal)


def _after(
    finding_id: Id, request: Request, db: DbSession, principal: CurrentPrincipal
) -> HazardDetailOut:
    now = get_context(request).clock.now()
    return views.detail(db, principal, finding_id, now, language_of(request))


@router.post("/{finding_id}/grade", response_model=HazardDetailOut)
def grade(
    finding_id: Id, body: GradeIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> HazardDetailOut:
    """一般 or 重大, with the deadline (a major one is reported to the regulator at once)."""
    moment = service.Moment.of(get_context(request))
    service.grade(db, principal, moment, finding_id, **body.model_dump())
    return _after(finding_id, request, db, principal)


@router.post("/{finding_id}/order", response_model=HazardDetailOut)
def order(
    finding_id: Id, body: OrderIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> HazardDetailOut:
    """The rectification order with the five fixes."""
    moment = service.Moment.of(get_context(request))
    service.order(db, principal, moment, finding_id, **body.model_dump())
    return _after(finding_id, request, db, principal)


def _comment_action(path: str, action: Callable[..., object], summary: str) -> None:
    """An action of the loop that takes only a comment."""

    def endpoint(
        finding_id: Id,
        body: CommentIn,
        request: Request,
        db: DbSession,
        principal: CurrentPrincipal,
    ) -> HazardDetailOut:
        moment = service.Moment.of(get_context(request))
        action(db, principal, moment, finding_id, body.comment)
        return _after(finding_id, request, db, principal)

    router.post(
        f"/{{finding_id}}/{path}",
        response_model=HazardDetailOut,
        summary=summary,
        name=f"hidden_danger_{path.replace('-', '_')}",
    )(endpoint)


_comment_action("start", service.start, "Start the rectification")
_comment_action("self-check", service.self_check, "The rectifier's self-check (what was done)")
_comment_action("accept", service.accept, "Acceptance, by someone other than the rectifier")
_comment_action("close", service.close, "Close (销号), after acceptance")


@router.post("/{finding_id}/reject", response_model=HazardDetailOut)
def reject(
    finding_id: Id, body: RejectIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> HazardDetailOut:
    """Acceptance refused: back to rectification (why is required; a new deadline may be
    given)."""
    moment = service.Moment.of(get_context(request))
    service.reject(db, principal, moment, finding_id, body.comment, body.deadline)
    return _after(finding_id, request, db, principal)


@router.post("/{finding_id}/attachments", status_code=201, response_model=AttachmentOut)
def attach(
    finding_id: Id,
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
    file: Annotated[UploadFile, File()],
    stage: Annotated[AttachmentStage, Form()] = AttachmentStage.REPORT,
) -> AttachmentOut:
    """A photo (JPEG, PNG, WebP) or document (PDF, Word, Excel) within the size limit;
    anything else is refused at the field ``file`` and nothing is stored."""
    context = get_context(request)
    data = file.file.read(context.settings.attachment_max_bytes + 1)
    attachment = service.attach(
        db,
        principal,
        service.Moment.of(context),
        finding_id,
        stage=stage,
        filename=file.filename or "",
        data=data,
    )
    return views.attachment_out(attachment)
