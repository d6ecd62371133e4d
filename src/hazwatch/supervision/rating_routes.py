"""Credit, points, rules, grades, safety codes and the yearly plan over HTTP (issue 15
items 2, 4, 5). Jurisdiction-scoped like the rest of supervision: a street regulator sees
its street, the district its district; an enterprise sees its own."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import Response

from hazwatch.api.errors import language_of
from hazwatch.api.inputs import Id, QrKind, Router, chars
from hazwatch.core import qr
from hazwatch.core.auth.deps import CurrentPrincipal, DbSession, get_context
from hazwatch.core.auth.roles import Principal
from hazwatch.core.clock import local_date
from hazwatch.registry.models import Organisation
from hazwatch.supervision import codes, credit, grading, point_triggers, rating_views, rules
from hazwatch.supervision.choices import CodeSubject, RuleKind
from hazwatch.supervision.models import DishonestyListing, PointEvent
from hazwatch.supervision.responsibility import ensure_regulator
from hazwatch.supervision.schemas import (
    AppealIn,
    CancelIn,
    CodeAppealIn,
    CodeAppealOut,
    CodeDecisionIn,
    CodeOut,
    CreditIn,
    CreditOut,
    DecisionIn,
    DoneIn,
    GradeOut,
    ListingIn,
    ListingOut,
    ParkScoreIn,
    PlanIn,
    PlanOut,
    PointsIn,
    PointsOut,
    PointsTotalOut,
    PreviewIn,
    PreviewOut,
    ProfileIn,
    ReinstateIn,
    RemovalRequestIn,
    RuleSetIn,
    RuleSetOut,
    UpholdIn,
)

router = Router(prefix="/api/supervision", tags=["supervision"])
Person = Annotated[str, chars(80)]


def _now_today(request: Request) -> tuple[datetime, date]:
    context = get_context(request)
    now = context.clock.now()
    return now, local_date(now, context.settings.timezone)


# -- credit and the serious-dishonesty list --------------------------------------------------


@router.get("/credit", response_model=list[CreditOut])
def list_credit(
    db: DbSession, principal: CurrentPrincipal, organisation_id: Id | None = None
) -> list[CreditOut]:
    """Credit records (good and bad) of the caller's area, with their sources."""
    return [CreditOut.model_validate(r) for r in credit.list_credit(db, principal, organisation_id)]


@router.post("/credit", status_code=201, response_model=CreditOut)
def record_credit(
    body: CreditIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> CreditOut:
    now, _today = _now_today(request)
    row = credit.record_credit(db, principal, now, **body.model_dump())
    return CreditOut.model_validate(row)


@router.get("/dishonesty", response_model=list[ListingOut])
def list_dishonesty(
    request: Request, db: DbSession, principal: CurrentPrincipal, include_ended: bool = False
) -> list[ListingOut]:
    """The serious-dishonesty list (MEM Order 11 of 2023) of the caller's area."""
    _now, today = _now_today(request)
    found = credit.list_listings(db, principal, include_ended=include_ended, today=today)
    return rating_views.listing_outs(db, found, today, language_of(request))


def _listing_after(
    request: Request, db: DbSession, change: Callable[[datetime, date], DishonestyListing]
) -> ListingOut:
    """Make ``change`` to an entry of the list at the request's time and answer the entry as
    it now stands: every step of the list's life answers the same shape."""
    now, today = _now_today(request)
    return rating_views.listing_outs(db, [change(now, today)], today, language_of(request))[0]


@router.post("/dishonesty", status_code=201, response_model=ListingOut)
def list_dishonest(
    body: ListingIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> ListingOut:
    """List a party for 3 years."""
    return _listing_after(
        request, db, lambda now, _today: credit.list_entry(db, principal, now, **body.model_dump())
    )


@router.post("/dishonesty/{listing_id}/removal-request", response_model=ListingOut)
def request_removal(
    listing_id: Id,
    body: RemovalRequestIn,
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
) -> ListingOut:
    """Ask for early removal (not before 12 months on the list)."""
    return _listing_after(
        request,
        db,
        lambda now, today: credit.request_removal(
            db, principal, now, today, listing_id, body.request
        ),
    )


@router.post("/dishonesty/{listing_id}/decision", response_model=ListingOut)
def decide_removal(
    listing_id: Id, body: DecisionIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> ListingOut:
    return _listing_after(
        request,
        db,
        lambda now, _today: credit.decide_removal(db, principal, now, listing_id, grant=body.grant),
    )


@router.post("/dishonesty/{listing_id}/reinstate", response_model=ListingOut)
def reinstate(
    listing_id: Id, body: ReinstateIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> ListingOut:
    """The removal rested on a false request: listed again."""
    return _listing_after(
        request,
        db,
        lambda now, _today: credit.reinstate(db, principal, now, listing_id, body.reason),
    )


# -- points -----------------------------------------------------------------------------------


@router.get("/points", response_model=list[PointsOut])
def list_points(
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
    organisation_id: Id | None = None,
    cycle: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> list[PointsOut]:
    found = credit.list_points(db, principal, organisation_id=organisation_id, cycle=cycle)
    return rating_views.points_outs(db, found, language_of(request))


@router.get("/points/totals", response_model=list[PointsTotalOut])
def points_totals(
    request: Request, db: DbSession, principal: CurrentPrincipal
) -> list[PointsTotalOut]:
    """Points of each organisation and person this cycle, and whether an interview or a
    re-examination is due."""
    _now, today = _now_today(request)
    return rating_views.points_totals(db, principal, today)


@router.post("/points/scan", response_model=list[PointsOut])
def scan_points(request: Request, db: DbSession, principal: CurrentPrincipal) -> list[PointsOut]:
    """Record now the points the platform's own records give (overdue hidden dangers, late
    alarm responses, fatal accidents; the engine does it every 5 minutes); answers those
    recorded that the caller sees. Idempotent: an event yields its points once."""
    ensure_regulator(principal)
    now, _today = _now_today(request)
    found = point_triggers.scan(db, now, get_context(request).settings.timezone)
    return rating_views.points_outs(
        db, credit.visible_to(db, principal, found), language_of(request)
    )


def _points_after(
    request: Request, db: DbSession, change: Callable[[datetime], PointEvent]
) -> PointsOut:
    """Make ``change`` to points at the request's time and answer them as they now stand."""
    now, _today = _now_today(request)
    return rating_views.points_outs(db, [change(now)], language_of(request))[0]


@router.post("/points", status_code=201, response_model=PointsOut)
def record_points(
    body: PointsIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> PointsOut:
    """Record points for an event of the points table in force."""
    return _points_after(
        request, db, lambda now: credit.record_points(db, principal, now, **body.model_dump())
    )


@router.post("/points/{point_id}/cancel", response_model=PointsOut)
def cancel_points(
    point_id: Id, body: CancelIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> PointsOut:
    """销分 through a passed training or a verified rectification (a closed hidden danger)."""
    return _points_after(
        request,
        db,
        lambda now: credit.cancel_points(db, principal, now, point_id, **body.model_dump()),
    )


@router.post("/points/{point_id}/appeal", response_model=PointsOut)
def appeal_points(
    point_id: Id, body: AppealIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> PointsOut:
    return _points_after(
        request, db, lambda now: credit.appeal_points(db, principal, now, point_id, body.reason)
    )


@router.post("/points/{point_id}/appeal-decision", response_model=PointsOut)
def decide_points_appeal(
    point_id: Id, body: UpholdIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> PointsOut:
    return _points_after(
        request,
        db,
        lambda now: credit.decide_appeal(db, principal, now, point_id, uphold=body.uphold),
    )


# -- rules ------------------------------------------------------------------------------------


@router.get("/rules", response_model=list[RuleSetOut])
def list_rules(
    db: DbSession, principal: CurrentPrincipal, kind: RuleKind | None = None
) -> list[RuleSetOut]:
    """Stored versions the caller reads, newest first per kind and jurisdiction."""
    return [rating_views.rule_set_out(r) for r in rules.list_versions(db, principal, kind)]


@router.get("/rules/in-force", response_model=RuleSetOut)
def rules_in_force(
    db: DbSession, principal: CurrentPrincipal, kind: RuleKind, jurisdiction_id: Id | None = None
) -> RuleSetOut:
    """The rules of ``kind`` that apply in a jurisdiction (default: the caller's): a stored
    version or the built-in defaults with their sources."""
    where = jurisdiction_id or principal.jurisdiction_id
    if where is None and principal.organisation_id is not None:
        own = db.get(Organisation, principal.organisation_id)
        where = own.jurisdiction_id if own else None
    found = rules.in_force(db, kind, where)
    row = rules.get_version(db, principal, found.id) if found.id is not None else None
    return rating_views.rule_set_out(row, found)


@router.post("/rules", status_code=201, response_model=RuleSetOut)
def create_rules(
    body: RuleSetIn, db: DbSession, request: Request, principal: CurrentPrincipal
) -> RuleSetOut:
    """A new version; refused with the reason (and nothing stored) when the body does not
    parse or names an unknown input or level."""
    now, _today = _now_today(request)
    row = rules.create_version(
        db,
        principal,
        now,
        body.kind,
        body.jurisdiction_id,
        body.body,
        basis=body.basis,
        note=body.note,
    )
    return rating_views.rule_set_out(row)


@router.post("/rules/preview", response_model=list[PreviewOut])
def preview_rules(
    body: PreviewIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> list[PreviewOut]:
    """What the body would decide today for the subjects the caller sees, beside what the
    rules in force decide (nothing stored)."""
    now, today = _now_today(request)
    return rating_views.preview(
        db, principal, now, today, body.kind, body.body, language_of(request)
    )


# -- grades -----------------------------------------------------------------------------------


@router.get("/grades", response_model=list[GradeOut])
def list_grades(request: Request, db: DbSession, principal: CurrentPrincipal) -> list[GradeOut]:
    """Grades A–D of the enterprises (user enterprises too) the caller sees, each with its
    reasons and inspections a year."""
    now, today = _now_today(request)
    return rating_views.grade_outs(db, principal, now, today, language_of(request))


@router.get("/park-grades", response_model=list[GradeOut])
def list_park_grades(
    request: Request, db: DbSession, principal: CurrentPrincipal
) -> list[GradeOut]:
    """Parks of the caller's area classed by the park risk guide (A < 60 … D ≥ 85)."""
    now, today = _now_today(request)
    return rating_views.park_grade_outs(db, principal, now, today, language_of(request))


@router.put("/profiles/{organisation_id}", response_model=GradeOut)
def set_profile(
    organisation_id: Id,
    body: ProfileIn,
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
) -> GradeOut:
    """Enter the MEM 2018 diagnostic score, direct-red case and standardisation level;
    answers the grade they give."""
    now, today = _now_today(request)
    grading.set_profile(db, principal, now, organisation_id, **body.model_dump())
    organisation = db.get(Organisation, organisation_id)
    assert organisation is not None
    graded = grading.grade_enterprises(db, [organisation], now, today)[organisation_id]
    return rating_views.graded_out(
        RuleKind.ENTERPRISE_GRADE,
        graded,
        language_of(request),
        subject="enterprise",
        name=organisation.name,
        organisation_id=organisation_id,
    )


@router.put("/parks/{park_id}/score", status_code=204)
def assess_park(
    park_id: Id, body: ParkScoreIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> Response:
    """A park's score by the park risk guide."""
    now, _today = _now_today(request)
    grading.assess_park(db, principal, now, park_id, **body.model_dump())
    return Response(status_code=204)


# -- safety codes -----------------------------------------------------------------------------


@router.get("/codes", response_model=list[GradeOut])
def list_codes(request: Request, db: DbSession, principal: CurrentPrincipal) -> list[GradeOut]:
    """Safety codes of the parks, enterprises and people the caller sees, with reasons."""
    now, today = _now_today(request)
    language = language_of(request)
    return [rating_views.code_out(c, language) for c in codes.compute(db, principal, now, today)]


@router.post("/codes/refresh", response_model=list[GradeOut])
def refresh_codes(request: Request, db: DbSession, principal: CurrentPrincipal) -> list[GradeOut]:
    """Record the codes that changed into their history (the engine's job; a regulator may
    ask now); answers the codes the caller sees."""
    ensure_regulator(principal)
    now, today = _now_today(request)
    codes.refresh(db, now, today)
    language = language_of(request)
    return [rating_views.code_out(c, language) for c in codes.compute(db, principal, now, today)]


def _code_and_page(
    request: Request,
    db: DbSession,
    principal: Principal,
    subject: CodeSubject,
    ident: int,
    person: str,
) -> tuple[codes.Code, str]:
    """A code the caller sees and the console address of its page (what its QR opens)."""
    now, today = _now_today(request)
    code = codes.find(db, principal, now, today, subject, ident, person)
    url = qr.console_url(
        get_context(request).settings, str(request.base_url), rating_views.code_page_path(code)
    )
    return code, url


@router.get("/codes/{subject}/{ident}", response_model=CodeOut)
def get_code(
    subject: CodeSubject,
    ident: Id,
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
    person: Person = "",
) -> CodeOut:
    """One code with its reasons, history and the address its QR code opens."""
    code, url = _code_and_page(request, db, principal, subject, ident, person)
    return rating_views.code_detail(code, codes.history(db, code), language_of(request), url)


@router.get("/codes/{subject}/{ident}/qr.{kind}")
def code_qr(
    subject: CodeSubject,
    ident: Id,
    kind: QrKind,
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
    person: Person = "",
) -> Response:
    """The QR code (``svg`` or ``png``) that opens the code's page."""
    _code, url = _code_and_page(request, db, principal, subject, ident, person)
    return qr.response(url, kind)


@router.get("/code-appeals", response_model=list[CodeAppealOut])
def list_code_appeals(
    request: Request, db: DbSession, principal: CurrentPrincipal
) -> list[CodeAppealOut]:
    language = language_of(request)
    return [rating_views.appeal_out(a, language) for a in codes.list_appeals(db, principal)]


@router.post("/code-appeals", status_code=201, response_model=CodeAppealOut)
def file_code_appeal(
    body: CodeAppealIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> CodeAppealOut:
    """The coded enterprise appeals its (or its person's) yellow or red code."""
    now, today = _now_today(request)
    row = codes.file_appeal(
        db,
        principal,
        now,
        today,
        subject=body.subject,
        ident=body.ident,
        reason=body.reason,
        person=body.person,
    )
    return rating_views.appeal_out(row, language_of(request))


@router.post("/code-appeals/{appeal_id}/decision", response_model=CodeAppealOut)
def decide_code_appeal(
    appeal_id: Id,
    body: CodeDecisionIn,
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
) -> CodeAppealOut:
    now, today = _now_today(request)
    row = codes.decide_appeal(db, principal, now, today, appeal_id, **body.model_dump())
    return rating_views.appeal_out(row, language_of(request))


# -- the yearly inspection plan ---------------------------------------------------------------


@router.get("/plans", response_model=list[PlanOut])
def list_plans(request: Request, db: DbSession, principal: CurrentPrincipal) -> list[PlanOut]:
    _now, today = _now_today(request)
    return [rating_views.plan_out(db, p, today) for p in grading.list_plans(db, principal)]


@router.post("/plans", status_code=201, response_model=PlanOut)
def make_plan(
    body: PlanIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> PlanOut:
    """The yearly plan: inspections per grade, months and inspectors drawn at random with a
    recorded seed (双随机一公开)."""
    now, today = _now_today(request)
    plan = grading.make_plan(db, principal, now, today, **body.model_dump())
    return rating_views.plan_out(db, plan, today)


@router.get("/plans/{plan_id}", response_model=PlanOut)
def get_plan(plan_id: Id, request: Request, db: DbSession, principal: CurrentPrincipal) -> PlanOut:
    _now, today = _now_today(request)
    return rating_views.plan_out(db, grading.get_plan(db, principal, plan_id), today)


@router.post("/plans/{plan_id}/inspections/{inspection_id}/done", response_model=PlanOut)
def inspection_done(
    plan_id: Id,
    inspection_id: Id,
    body: DoneIn,
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
) -> PlanOut:
    now, today = _now_today(request)
    grading.mark_done(db, principal, now, plan_id, inspection_id, body.note)
    return rating_views.plan_out(db, grading.get_plan(db, principal, plan_id), today)
