"""Supervision (issue 15): the blind-spot worklist, each with its fallback owner and the
stages of hazardous chemicals it handles, the responsibility matrix in force, and the
incidents with their reporting chains (late steps flagged), recorded and followed up here
(a level of the chain reached, changed casualty figures, an approved extension)."""

from __future__ import annotations

from datetime import datetime, timedelta

from nicegui import events, run, ui
from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal, Role
from hazwatch.core.clock import local_date
from hazwatch.core.errors import DomainError
from hazwatch.core.scope import visible_organisations
from hazwatch.registry import service as registry
from hazwatch.registry.choices import OrganisationKind
from hazwatch.registry.models import Organisation
from hazwatch.registry.resources import RESOURCES
from hazwatch.supervision import dispatch, incidents, responsibility, views
from hazwatch.supervision.choices import DispatchOutcome, DispatchState, DutyLogKind
from hazwatch.supervision.incident_grade import IncidentGrade
from hazwatch.supervision.schemas import (
    AssignIn,
    CasualtyIn,
    DutyLogIn,
    ExtensionIn,
    IncidentIn,
    IncidentReportIn,
    ResolutionOut,
    ShiftIn,
)
from hazwatch.web import registry_form, session, state
from hazwatch.web.layout import frame
from hazwatch.web.text import _t, language, local_time
from hazwatch.web.widgets import badge


@ui.page("/supervision")
def supervision_page() -> None:
    who = session.require("/supervision")
    if who is None:
        return
    frame("web.nav.supervision", who)
    context = state.context()
    lang = language()
    today = local_date(context.clock.now(), context.settings.timezone)
    with context.unit_of_work(who) as db:
        spots = views.resolution_outs(db, responsibility.blind_spots(db, who, today), lang)
        matrices = [views.matrix_out(db, m, lang) for m in responsibility.list_matrices(db, who)]
        departments = _departments(db, who) if who.role == Role.REGULATOR else {}
    ui.label(_t("web.supervision.blind_spots")).classes("text-h6")
    if not spots:
        ui.label(_t("web.supervision.no_blind_spots")).classes("text-positive")
    for spot in spots:
        with (
            ui.card()
            .classes("w-full gap-1")
            .props(f"data-testid=blind-spot-{spot.organisation_id}")
        ):
            with ui.row().classes("items-center gap-2 w-full"):
                badge(spot.sector_label, "red" if spot.handles_hazchem else "orange", "sector")
                ui.label(spot.message).classes("text-weight-bold grow")
            ui.label(_t("web.supervision.owner", owner=spot.fallback_owner or "-")).classes(
                "text-caption"
            )
            if spot.stages:
                ui.label(_t("web.supervision.stages", stages=", ".join(spot.stage_labels))).classes(
                    "text-caption text-grey-8"
                )
            if departments:
                _assign_form(spot, departments)
    current: dict[int, bool] = {}
    for matrix in matrices:
        if matrix.jurisdiction_id in current:
            continue  # older versions: the API and CLI list them
        current[matrix.jurisdiction_id] = True
        ui.label(
            _t("web.supervision.matrix", jurisdiction=matrix.jurisdiction, version=matrix.version)
        ).classes("text-h6 mt-4")
        ui.table(
            columns=[
                {"name": "stage", "label": _t("web.supervision.stage"), "field": "stage"},
                {"name": "sector", "label": _t("web.supervision.sector"), "field": "sector"},
                {
                    "name": "department",
                    "label": _t("web.supervision.department"),
                    "field": "department",
                },
            ],
            rows=[
                {"stage": r.stage_label, "sector": r.sector_label, "department": r.department}
                for r in matrix.rules
            ],
        ).props(f"data-testid=matrix-{matrix.id} dense flat").classes("w-full")
    if not matrices:
        ui.label(_t("web.supervision.no_matrix"))


def _departments(db: Session, who: Principal) -> dict[int, str]:
    """The supervising departments the regulator sees: who a blind spot can be given to."""
    query = select(Organisation).where(Organisation.kind == OrganisationKind.REGULATOR)
    visible = visible_organisations(db, who)
    if visible is not None:
        query = query.where(Organisation.id.in_(visible))
    return {o.id: o.name for o in db.scalars(query.order_by(Organisation.id))}


def _assign_form(spot: ResolutionOut, departments: dict[int, str]) -> None:
    """Work a blind spot off the list (item 1): a department for a stage, as a registry
    supervision assignment (audited); the stage defaults to the first one uncovered."""
    organisation = spot.organisation_id

    def assign(db: Session, current: Principal, data: AssignIn) -> object:
        return registry.create_object(
            db,
            current,
            RESOURCES["supervision-assignments"],
            {"organisation_id": organisation} | data.model_dump(),
        )

    with (
        ui.expansion(_t("web.supervision.assign_department"), icon="assignment_ind")
        .classes("w-full")
        .props(f"data-testid=assign-{organisation}")
    ):
        registry_form.schema_card(
            "web.supervision.assign_department",
            AssignIn,
            assign,
            lambda _result: ui.navigate.reload(),
            path="/supervision",
            testid="assignment",
            values={"stage": spot.uncovered[0]} if spot.uncovered else None,
            references={"department_id": departments},
        )


@ui.page("/supervision/incidents")
def incidents_page() -> None:
    who = session.require("/supervision/incidents")
    if who is None:
        return
    frame("web.nav.incidents", who)
    context = state.context()
    lang = language()
    now = context.clock.now()
    with context.unit_of_work(who) as db:
        shown = [views.incident_out(db, i, now, lang) for i in incidents.list_incidents(db, who)]
    writer = who.role in incidents.WRITERS
    if writer:
        registry_form.create_card(
            "web.incidents.new",
            IncidentIn,
            lambda db, current, data: incidents.record(
                db, current, context.clock.now(), **data.model_dump()
            ),
            path=INCIDENTS,
            testid="record-incident",
            skip=INCIDENT_API_ONLY,
        )
    if not shown:
        ui.label(_t("web.incidents.none"))
    for one in shown:
        with ui.card().classes("w-full gap-1").props(f"data-testid=incident-{one.id}"):
            with ui.row().classes("items-center gap-2 w-full"):
                badge(one.grade_label, IncidentGrade(one.grade).colour, "grade")
                ui.label(one.title).classes("text-weight-bold grow")
            ui.label(
                f"{one.organisation} · "
                + _t(
                    "web.incidents.figures",
                    deaths=one.deaths,
                    injuries=one.serious_injuries,
                    loss=one.direct_loss_yuan,
                )
            ).classes("text-caption")
            for step in one.steps:
                with (
                    ui.row()
                    .classes("items-center gap-2")
                    .props(f"data-testid=step-{step.level.value}")
                ):
                    ui.label(step.level_label).classes("w-24")
                    ui.label(_t("web.incidents.due", due=local_time(step.due, "%m-%d %H:%M")))
                    if step.reported_at is not None:
                        ui.label(
                            _t(
                                "web.incidents.reported",
                                at=local_time(step.reported_at, "%m-%d %H:%M"),
                            )
                        )
                    if step.late:
                        badge(_t("web.incidents.late"), "red", "late")
                    elif step.overdue:
                        badge(_t("web.incidents.overdue"), "red", "overdue")
            ui.label(
                _t("web.incidents.investigation", due=local_time(one.investigation_due, "%Y-%m-%d"))
            ).classes("text-caption")
            ui.label(
                _t("web.incidents.window", until=local_time(one.casualty_window_ends, "%Y-%m-%d"))
            ).classes("text-caption text-grey-8")
            if writer:
                _incident_forms(one.id)


#: Where the incidents page is (a form's session that ended comes back here).
INCIDENTS = "/supervision/incidents"
#: Links to the room, alarms and replay of an incident are made through the API (ids).
INCIDENT_API_ONLY = ("room_id", "alarm_ids", "replay")


def _incident_forms(ident: int) -> None:
    """What follows a recorded accident (Order 493): each level of the reporting chain
    reached, casualty figures changed within the window (the grade follows them), an
    approved extension of the investigation. Folded under the incident's card."""
    context = state.context()

    def reload(_result: object) -> None:
        ui.navigate.reload()

    with (
        ui.expansion(_t("web.incidents.follow_up"), icon="edit_note")
        .classes("w-full")
        .props(f"data-testid=follow-up-{ident}")
    ):
        registry_form.schema_card(
            "web.incidents.report",
            IncidentReportIn,
            lambda db, current, data: incidents.report(
                db, current, context.clock.now(), ident, **data.model_dump()
            ),
            reload,
            path=INCIDENTS,
            testid="chain-report",
        )
        registry_form.schema_card(
            "web.incidents.casualties",
            CasualtyIn,
            lambda db, current, data: incidents.change_casualties(
                db, current, context.clock.now(), ident, **data.model_dump()
            ),
            reload,
            path=INCIDENTS,
            testid="casualties",
            captions={"at": "web.incidents.changed_at", "note": "web.incidents.change_note"},
        )
        registry_form.schema_card(
            "web.incidents.extend",
            ExtensionIn,
            lambda db, current, data: incidents.extend_investigation(
                db, current, ident, **data.model_dump()
            ),
            reload,
            path=INCIDENTS,
            testid="extension",
        )


#: Where the dispatches page is (a form's session that ended comes back here).
DISPATCHES = "/supervision/dispatches"


def _duty_desk(who: Principal, department_id: int, now: datetime) -> None:
    """The department's 24-hour duty (issue 15 item 3): the roster of the next 24 hours with
    its gaps (nobody on duty), a shift added, the duty log and a line or the shift handover
    written to it (the successor must be on the roster). Folded: the work orders come
    first."""
    context = state.context()
    with context.unit_of_work(who) as db:
        shifts, gaps = dispatch.roster(db, who, department_id, now, now + timedelta(hours=24))
        lines = dispatch.duty_log(db, who, department_id)[:20]
        shift_rows = [
            {
                "officer": s.officer,
                "phone": s.phone,
                "from": local_time(s.starts_at, "%m-%d %H:%M"),
                "to": local_time(s.ends_at, "%m-%d %H:%M"),
            }
            for s in shifts
        ]
        log_rows = [
            {
                "at": local_time(e.at, "%m-%d %H:%M"),
                "author": e.author,
                "kind": DutyLogKind(e.kind).label(language()),
                "text": e.text
                + (_t("web.duty.handed_to", officer=e.handed_to) if e.handed_to else ""),
            }
            for e in lines
        ]

    def reload(_result: object) -> None:
        ui.navigate.reload()

    def columns(*names: str) -> list[dict[str, str]]:
        return [{"name": n, "label": _t(f"web.duty.column.{n}"), "field": n} for n in names]

    with (
        ui.expansion(_t("web.duty.title"), icon="schedule")
        .classes("w-full")
        .props("data-testid=duty-desk")
    ):
        for start, end in gaps:
            badge(
                _t(
                    "web.duty.gap",
                    start=local_time(start, "%m-%d %H:%M"),
                    end=local_time(end, "%m-%d %H:%M"),
                ),
                "red",
                "duty-gap",
            )
        ui.table(columns=columns("officer", "phone", "from", "to"), rows=shift_rows).props(
            "dense flat data-testid=duty-roster"
        ).classes("w-full")
        fixed = {"department_id": department_id}
        registry_form.schema_card(
            "web.duty.add_shift",
            ShiftIn,
            lambda db, current, data: dispatch.add_shift(db, current, **data.model_dump()),
            reload,
            path=DISPATCHES,
            testid="duty-shift",
            skip=("department_id",),
            extra=lambda: fixed,
            captions=DUTY_CAPTIONS,
        )
        ui.table(columns=columns("at", "author", "kind", "text"), rows=log_rows).props(
            "dense flat data-testid=duty-log"
        ).classes("w-full")
        registry_form.schema_card(
            "web.duty.write_log",
            DutyLogIn,
            lambda db, current, data: dispatch.log(
                db, current, context.clock.now(), **data.model_dump()
            ),
            reload,
            path=DISPATCHES,
            testid="duty-line",
            skip=("department_id",),
            extra=lambda: fixed,
            captions=DUTY_CAPTIONS,
        )


#: Captions of the duty forms' fields where the generic ``web.field.<name>`` would not fit.
DUTY_CAPTIONS = {
    "officer": "web.duty.officer",
    "starts_at": "web.duty.starts_at",
    "ends_at": "web.duty.ends_at",
    "text": "web.duty.text",
    "handed_to": "web.duty.handed_to_field",
}


@ui.page("/supervision/dispatches")
def dispatches_page() -> None:
    """派单核查: each work order with its deadlines; a regulator accepts it, records the
    on-site verification (notes, outcome) and closes it."""
    who = session.require("/supervision/dispatches")
    if who is None:
        return
    frame("web.nav.dispatch", who)
    context = state.context()
    lang = language()
    now = context.clock.now()
    with context.unit_of_work(who) as db:
        shown = [views.dispatch_out(db, o, now, lang) for o in dispatch.list_orders(db, who)]
        duty = dispatch.on_duty(db, who.organisation_id, now) if who.organisation_id else None
        officer = duty.officer if duty else None
    may_act = who.role in (Role.REGULATOR, Role.PLATFORM_ADMIN)
    with ui.row().classes("items-center gap-4"):
        ui.label(
            _t("web.dispatch.on_duty", officer=officer)
            if officer
            else _t("web.dispatch.nobody_on_duty")
        ).props("data-testid=on-duty")
        if may_act:
            ui.button(_t("web.dispatch.scan"), on_click=lambda: _act(who, "scan", 0)).props(
                "data-testid=dispatch-scan"
            )
    if who.role == Role.REGULATOR and who.organisation_id is not None:
        _duty_desk(who, who.organisation_id, now)
    if not shown:
        ui.label(_t("web.dispatch.none"))
    for order in shown:
        with ui.card().classes("w-full gap-1").props(f"data-testid=dispatch-{order.id}"):
            with ui.row().classes("items-center gap-2 w-full"):
                badge(order.state_label, DispatchState(order.state).colour, "state")
                ui.label(f"#{order.id} {order.title}").classes("text-weight-bold grow")
                if order.late:
                    badge(_t("web.dispatch.late"), "red", "late")
            ui.label(f"{order.organisation} → {order.department}").classes("text-caption")
            ui.label(
                _t(
                    "web.dispatch.due",
                    accept=local_time(order.accept_due, "%m-%d %H:%M"),
                    verify=local_time(order.verify_due, "%m-%d %H:%M"),
                )
            ).classes("text-caption text-grey-8")
            if order.outcome_label:
                ui.label(f"{order.outcome_label}: {order.notes}").classes("text-caption")
            for attachment in order.attachments:
                ui.label(attachment.filename).classes("text-caption").props(
                    "data-testid=dispatch-attachment"
                )
            if not may_act:
                continue
            if order.state == DispatchState.DISPATCHED:
                ui.button(
                    _t("web.dispatch.accept"),
                    on_click=lambda o=order.id: _act(who, "accept", o),
                ).props("data-testid=dispatch-accept")
            elif order.state == DispatchState.ACCEPTED:
                notes = (
                    ui.textarea(_t("web.dispatch.notes"))
                    .props("data-testid=dispatch-notes")
                    .classes("w-full")
                )
                outcome = ui.select(
                    {o.value: o.label(lang) for o in DispatchOutcome},
                    label=_t("web.dispatch.outcome"),
                    value=DispatchOutcome.CONFIRMED.value,
                ).props("data-testid=dispatch-outcome")
                ui.button(
                    _t("web.dispatch.verify"),
                    on_click=lambda o=order.id, n=notes, r=outcome: _act(
                        who, "verify", o, notes=n.value or "", outcome=r.value
                    ),
                ).props("data-testid=dispatch-verify")
            elif order.state == DispatchState.VERIFIED:
                ui.button(
                    _t("web.dispatch.close"), on_click=lambda o=order.id: _act(who, "close", o)
                ).props("data-testid=dispatch-close")
            if order.state in (DispatchState.ACCEPTED, DispatchState.VERIFIED):
                _photo_upload(who, order.id)


def _photo_upload(who: Principal, order_id: int) -> None:
    """Photos (or a document) from the site while the order is open (item 3: verified on
    site with notes, photos and outcome); the attachment service checks type and size."""
    context = state.context()
    error = (
        ui.label("")
        .classes("text-negative text-caption")
        .props("data-testid=dispatch-upload-error")
    )

    async def received(event: events.UploadEventArguments) -> None:
        limit = context.settings.attachment_max_bytes
        data = bytearray()
        async for chunk in event.file.iterate():
            data.extend(chunk)
            if len(data) > limit:
                break  # over the limit: the service refuses it
        error.text = ""

        def store() -> None:
            with context.unit_of_work(who) as db:
                dispatch.attach(
                    db,
                    who,
                    context.clock.now(),
                    context.settings,
                    order_id,
                    filename=event.file.name,
                    data=bytes(data),
                )

        try:
            await run.io_bound(store)
        except DomainError as exc:
            error.text = _t(exc.code, **exc.params)
            return
        ui.navigate.reload()

    ui.upload(on_upload=received, auto_upload=True, label=_t("web.dispatch.photo")).props(
        "data-testid=dispatch-upload accept=image/*,.pdf"
    ).classes("w-full max-w-md")


def _act(who: Principal, action: str, order_id: int, **values: str) -> None:
    context = state.context()
    now = context.clock.now()
    try:
        with context.unit_of_work(who) as db:
            if action == "scan":
                dispatch.scan(db, now, context.settings)
                dispatch.tick(db, now, context.settings)
            elif action == "accept":
                dispatch.accept(db, who, now, order_id)
            elif action == "verify":
                dispatch.verify(
                    db,
                    who,
                    now,
                    context.settings,
                    order_id,
                    dispatch.Verification(
                        outcome=DispatchOutcome(values["outcome"]), notes=values["notes"]
                    ),
                )
            else:
                dispatch.close(db, who, now, order_id)
    except DomainError as error:
        ui.notify(_t(error.code, **error.params), type="negative")
        return
    ui.navigate.reload()
