"""Supervision (issue 15): the blind-spot worklist, each with its fallback owner and the
stages of hazardous chemicals it handles, the responsibility matrix in force, and the
incidents with their reporting chains (late steps flagged)."""

from __future__ import annotations

from nicegui import ui

from hazwatch.core.clock import local_date
from hazwatch.supervision import incidents, responsibility, views
from hazwatch.supervision.incident_grade import IncidentGrade
from hazwatch.web import session, state
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
