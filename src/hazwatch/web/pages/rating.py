"""Safety codes, grades, credit and points (issue 15 items 2, 4, 5): the codes of what the
user sees, each with its reasons; one code's page (what its QR opens) with the code, the
reasons, the history and, for the coded enterprise, the appeal; grades with inspections a
year and the yearly plans; points, the serious-dishonesty list and credit records."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import Request
from nicegui import ui
from sqlalchemy.orm import Session

from hazwatch.core import qr
from hazwatch.core.auth.roles import Principal, Role
from hazwatch.core.clock import local_date
from hazwatch.core.errors import DomainError
from hazwatch.supervision import codes, credit, grading, rating_views, rules
from hazwatch.supervision.choices import CodeSubject, CreditKind, ListingState, RuleKind
from hazwatch.supervision.models import CreditRecord
from hazwatch.supervision.schemas import GradeOut, PlannedOut
from hazwatch.web import session, state
from hazwatch.web.layout import frame
from hazwatch.web.pages import rating_forms
from hazwatch.web.text import _t, language, local_time
from hazwatch.web.widgets import badge, hex_of


def _today() -> tuple[datetime, date]:
    context = state.context()
    now = context.clock.now()
    return now, local_date(now, context.settings.timezone)


def _reasons(shown: GradeOut) -> None:
    if not shown.reasons:
        ui.label(_t("web.rating.no_reasons")).classes("text-caption text-grey-8")
    for reason in shown.reasons:
        with ui.row().classes("items-baseline gap-2").props("data-testid=reason"):
            ui.label(reason.text).classes("text-body2")
            if reason.source:
                ui.label(reason.source).classes("text-caption text-grey-7")


def _testid(shown: GradeOut) -> str:
    ident = shown.park_id if shown.subject == CodeSubject.PARK.value else shown.organisation_id
    return f"code-{shown.subject}-{ident}" + (f"-{shown.person}" if shown.person else "")


@ui.page("/supervision/codes")
def codes_page() -> None:
    who = session.require("/supervision/codes")
    if who is None:
        return
    frame("web.nav.codes", who)
    now, today = _today()
    lang = language()
    with state.context().unit_of_work(who) as db:
        found = codes.compute(db, who, now, today)
        shown = [(rating_views.code_page_path(c), rating_views.code_out(c, lang)) for c in found]
    order = {"red": 0, "yellow": 1, "green": 2}
    for path, one in sorted(shown, key=lambda pair: order.get(pair[1].level, 3)):
        with ui.card().classes("w-full gap-1").props(f"data-testid={_testid(one)}"):
            with ui.row().classes("items-center gap-2 w-full"):
                badge(one.label, one.colour, "colour")
                name = f"{one.name} · {one.person}" if one.person else one.name
                ui.link(name, path).classes("text-weight-bold grow")
                ui.label(_t(f"choice.CodeSubject.{one.subject}")).classes("text-caption")
            _reasons(one)


@ui.page("/supervision/code/{subject}/{ident}")
def code_page(subject: str, ident: int, request: Request, person: str = "") -> None:
    """One code, large, with its QR (it opens this page), reasons, history and appeal."""
    who = session.require(request.url.path)
    if who is None:
        return
    frame("web.nav.codes", who)
    context = state.context()
    now, today = _today()
    lang = language()
    try:
        kind = CodeSubject(subject)
        with context.unit_of_work(who) as db:
            code = codes.find(db, who, now, today, kind, ident, person)
            path = rating_views.code_page_path(code)
            url = qr.console_url(context.settings, str(request.base_url), path)
            shown = rating_views.code_detail(code, codes.history(db, code), lang, url)
            pending = [rating_views.appeal_out(a, lang) for a in codes.pending_for(db, who, code)]
    except (ValueError, DomainError):
        ui.label(_t("scope.not_found")).props("data-testid=code-missing")
        return
    with ui.row().classes("items-start gap-6 w-full"):
        with ui.column().classes("items-center gap-2"):
            ui.html(qr.svg(url, scale=5), sanitize=False).props("data-testid=code-qr")
            ui.label(shown.label).classes("text-h4 text-white q-pa-md rounded-borders").style(
                f"background:{hex_of(shown.colour)}"
            ).props("data-testid=code-colour")
        with ui.column().classes("gap-1 grow"):
            title = f"{shown.name} · {shown.person}" if shown.person else shown.name
            ui.label(title).classes("text-h6").props("data-testid=code-name")
            _reasons(shown)
            ui.label(_t("web.rating.history")).classes("text-subtitle1 mt-2")
            for row in shown.history:
                with ui.row().classes("items-center gap-2").props("data-testid=code-history"):
                    badge(row.label, row.colour.colour)
                    ui.label(local_time(row.at, "%Y-%m-%d %H:%M")).classes("text-caption")
    if shown.level != "green" and shown.organisation_id == who.organisation_id:
        reason = ui.textarea(_t("web.rating.appeal_reason")).props("data-testid=appeal-reason")
        ui.button(
            _t("web.rating.appeal"),
            on_click=lambda: _appeal(who, kind, ident, person, reason.value or ""),
        ).props("data-testid=appeal")
    for appeal in pending:
        with ui.card().classes("w-full gap-1").props(f"data-testid=pending-appeal-{appeal.id}"):
            ui.label(_t("web.rating.pending_appeal", reason=appeal.reason))
            if who.role not in (Role.REGULATOR, Role.PLATFORM_ADMIN):
                continue
            note = ui.input(_t("web.rating.decision_note")).props("data-testid=decision-note")
            with ui.row().classes("gap-2"):
                for uphold, key in ((True, "uphold"), (False, "reject")):
                    ui.button(
                        _t(f"web.rating.{key}"),
                        on_click=lambda a=appeal.id, u=uphold, n=note: _decide(
                            who, a, u, n.value or ""
                        ),
                    ).props(f"data-testid=appeal-{key}")


def _appeal(who: Principal, subject: CodeSubject, ident: int, person: str, reason: str) -> None:
    now, today = _today()
    try:
        with state.context().unit_of_work(who) as db:
            codes.file_appeal(
                db, who, now, today, subject=subject, ident=ident, reason=reason, person=person
            )
    except DomainError as error:
        ui.notify(_t(error.code, **error.params), type="negative")
        return
    ui.notify(_t("web.rating.appealed"), type="positive")


def _decide(who: Principal, appeal_id: int, uphold: bool, note: str) -> None:
    """Uphold (one colour better, for the default 30 days) or reject, with the note."""
    now, today = _today()
    try:
        with state.context().unit_of_work(who) as db:
            codes.decide_appeal(db, who, now, today, appeal_id, uphold=uphold, note=note)
    except DomainError as error:
        ui.notify(_t(error.code, **error.params), type="negative")
        return
    ui.navigate.reload()


def _inspection_state(item: PlannedOut) -> str:
    if item.done:
        shown = _t("web.rating.inspection_state.done")
    elif item.overdue:
        shown = _t("web.rating.inspection_state.overdue")
    else:
        shown = _t("web.rating.inspection_state.planned")
    return _t("web.rating.noted", text=shown, note=item.note) if item.note else shown


@ui.page("/supervision/grades")
def grades_page() -> None:
    who = session.require("/supervision/grades")
    if who is None:
        return
    frame("web.nav.grades", who)
    now, today = _today()
    lang = language()
    with state.context().unit_of_work(who) as db:
        grades = rating_views.grade_outs(db, who, now, today, lang)
        parks = rating_views.park_grade_outs(db, who, now, today, lang)
        plans = [rating_views.plan_out(db, p, today) for p in grading.list_plans(db, who)]
        park_names = {p.id: p.name for p in grading.visible_parks(db, who)}
        organisations = {o.id: o.name for o in grading.supervised(db, who)}
        places = rating_forms.jurisdictions(db, who)
        versions = [
            {
                "kind": RuleKind(v.kind).label(lang),
                "jurisdiction": places.get(v.jurisdiction_id, ""),
                "version": v.version,
                "basis": v.basis,
                "by": f"{v.created_by} {local_time(v.created_at, '%Y-%m-%d %H:%M')}",
            }
            for v in rules.list_versions(db, who)
        ]
        rating_forms.rules_form(who, db)
    rating_forms.park_form(who, park_names, today)
    rating_forms.profile_form(who, organisations, today)
    rating_forms.plan_form(who, places, today)
    rating_forms.inspection_form(who, plans)
    for one in [*parks, *grades]:
        with (
            ui.card()
            .classes("w-full gap-1")
            .props(f"data-testid=grade-{one.subject}-{one.organisation_id or one.park_id}")
        ):
            with ui.row().classes("items-center gap-2 w-full"):
                badge(one.label, one.colour, "grade")
                ui.label(one.name).classes("text-weight-bold grow")
                if one.inspections_a_year is not None:
                    ui.label(_t("web.rating.a_year", count=one.inspections_a_year))
            _reasons(one)
    for plan in plans:
        ui.label(
            _t(
                "web.rating.plan_summary",
                year=plan.year,
                seed=plan.seed,
                total=plan.total,
                done=plan.done,
                overdue=plan.overdue,
            )
        ).classes("text-subtitle1 mt-4").props(f"data-testid=plan-{plan.id}")
        ui.table(
            columns=[
                {"name": name, "label": _t(f"web.rating.{key}"), "field": name}
                for name, key in (
                    ("month", "month"),
                    ("organisation", "organisation"),
                    ("grade", "grade"),
                    ("inspectors", "inspectors_short"),
                    ("state", "state"),
                )
            ],
            rows=[
                {
                    "month": item.month,
                    "organisation": item.organisation,
                    "grade": item.grade,
                    "inspectors": rating_forms.names(item.inspectors),
                    "state": _inspection_state(item),
                }
                for item in plan.inspections
            ],
            pagination=15,
        ).props(f"dense flat data-testid=plan-{plan.id}-inspections").classes("w-full")
    # Every version of the rules stays (a grade names the version that decided it); the
    # defaults apply where none was saved.
    ui.label(_t("web.rating.rule_versions")).classes("text-subtitle1 mt-4")
    ui.table(
        columns=[
            {"name": name, "label": _t(key), "field": name}
            for name, key in (
                ("kind", "web.rating.rule_kind"),
                ("jurisdiction", "web.rating.jurisdiction"),
                ("version", "web.rating.version"),
                ("basis", "web.rating.basis"),
                ("by", "web.rating.saved_by"),
            )
        ],
        rows=versions,
    ).props("dense flat data-testid=rule-versions").classes("w-full")


def _manual_events(db: Session, who: Principal) -> dict[str, str]:
    """The events of the points table in force where the user works that a regulator records
    by hand, with their points; those with a trigger the platform records itself (points
    scan), so offering them would count the same event twice."""
    table = rules.in_force(db, RuleKind.POINTS, who.jurisdiction_id).points
    shown: dict[str, str] = {}
    for event, rule in table.events.items():
        if rule.trigger is None:
            key = f"supervision.points.event.{event}"
            label = _t(key)
            shown[event] = f"{event if label == key else label} (+{rule.points})"
    return shown


@ui.page("/supervision/credit")
def credit_page() -> None:
    who = session.require("/supervision/credit")
    if who is None:
        return
    frame("web.nav.credit", who)
    _now, today = _today()
    lang = language()
    with state.context().unit_of_work(who) as db:
        totals = rating_views.points_totals(db, who, today)
        events = rating_views.points_outs(db, credit.list_points(db, who), lang)
        # Entries removed early stay on the page: a removal resting on a false request is
        # reinstated from there.
        listed = [
            entry
            for entry in rating_views.listing_outs(
                db, credit.list_listings(db, who, include_ended=True, today=today), today, lang
            )
            if entry.active or entry.state == ListingState.REMOVED
        ]
        records: list[CreditRecord] = credit.list_credit(db, who)
        organisations = {o.id: o.name for o in grading.supervised(db, who)}
        point_kinds = _manual_events(db, who)
        record_rows = [
            {
                "day": str(r.occurred_on),
                "kind": CreditKind(r.kind).label(lang),
                "title": r.title,
                "source": r.source,
            }
            for r in records
        ]
    rating_forms.credit_forms(who, organisations, today)
    rating_forms.points_record_form(who, organisations, today, point_kinds)
    ui.label(_t("web.rating.points")).classes("text-h6")
    for total in totals:
        with (
            ui.row()
            .classes("items-center gap-2")
            .props(f"data-testid=points-{total.organisation_id}")
        ):
            colour = (
                "red" if total.reexamination_due else "orange" if total.interview_due else "blue"
            )
            badge(str(total.points), colour)
            ui.label(f"{total.organisation} {total.person}".strip())
            if total.reexamination_due:
                ui.label(_t("web.rating.reexamination", at=total.reexamine_at))
            elif total.interview_due:
                ui.label(_t("web.rating.interview", at=total.interview_at))
    ui.table(
        columns=[
            {"name": "day", "label": _t("web.rating.day"), "field": "day"},
            {"name": "who", "label": _t("web.rating.who"), "field": "who"},
            {"name": "event", "label": _t("web.rating.event"), "field": "event"},
            {"name": "points", "label": _t("web.rating.points"), "field": "points"},
            {"name": "state", "label": _t("web.rating.state"), "field": "state"},
        ],
        rows=[
            {
                "day": str(e.occurred_on),
                "who": f"{e.organisation} {e.person}".strip(),
                "event": e.event_label,
                "points": e.points,
                "state": e.state_label,
            }
            for e in events
        ],
    ).props("dense flat data-testid=point-events").classes("w-full")
    rating_forms.points_form(who, events)
    ui.label(_t("web.rating.dishonesty")).classes("text-h6 mt-4")
    for entry in listed:
        with ui.card().classes("w-full gap-1").props(f"data-testid=listing-{entry.id}"):
            with ui.row().classes("items-center gap-2"):
                badge(entry.state_label, entry.state.colour)
                ui.label(f"{entry.organisation} {entry.person}".strip()).classes("text-weight-bold")
            ui.label(
                _t(
                    "web.rating.listed",
                    start=entry.listed_on,
                    end=entry.ends_on,
                    earliest=entry.earliest_removal,
                )
            ).classes("text-caption")
            ui.label(_t("web.rating.noted", text=entry.reason, note=entry.source)).classes(
                "text-caption text-grey-8"
            )
            if entry.removal_request:
                ui.label(_t("web.rating.removal_requested", text=entry.removal_request)).classes(
                    "text-caption"
                )
            if entry.reinstated_reason:
                ui.label(_t("web.rating.reinstated", reason=entry.reinstated_reason)).classes(
                    "text-caption"
                )
            rating_forms.listing_actions(who, entry, today)
    ui.label(_t("web.rating.credit")).classes("text-h6 mt-4")
    ui.table(
        columns=[
            {"name": "day", "label": _t("web.rating.day"), "field": "day"},
            {"name": "kind", "label": _t("web.rating.kind"), "field": "kind"},
            {"name": "title", "label": _t("web.rating.title"), "field": "title"},
            {"name": "source", "label": _t("web.rating.source"), "field": "source"},
        ],
        rows=record_rows,
    ).props("dense flat data-testid=credit-records").classes("w-full")
