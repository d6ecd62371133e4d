"""A room's oxygen-deficiency hazard: its current ODH class with the fatality rate, the
events behind it, the controls the class requires, and every earlier assessment. The room
cards link here; the figures are the stored assessments (``prevention.odh``)."""

from __future__ import annotations

from nicegui import ui

from hazwatch.core.errors import DomainError
from hazwatch.physics.fatality import class_message_key, required_controls
from hazwatch.prevention.odh import service as odh
from hazwatch.prevention.odh.choices import AssessmentTrigger, event_text
from hazwatch.prevention.odh.models import OdhAssessment
from hazwatch.web import session, state, widgets
from hazwatch.web.layout import frame
from hazwatch.web.text import _t, label, language, local_time
from hazwatch.web.widgets import ODH_COLOURS, badge


def _current(assessment: OdhAssessment) -> None:
    with ui.row().classes("items-center gap-3"):
        badge(_t("web.odh.class", n=assessment.odh_class), ODH_COLOURS[assessment.odh_class])
        ui.label(_t("web.odh.phi", phi=f"{assessment.phi_per_hour:.2e}")).props(
            "data-testid=odh-phi"
        )
        ui.label(
            _t(
                "web.odh.computed",
                at=local_time(assessment.computed_at),
                trigger=label(AssessmentTrigger(assessment.trigger)),
            )
        ).classes("text-caption text-grey-7")
    ui.label(_t(class_message_key(assessment.odh_class))).classes("text-body2")
    engineered = bool(assessment.result.get("engineered_class_0"))
    controls = required_controls(assessment.odh_class, engineered)
    if controls:
        ui.label(_t("web.odh.controls")).classes("text-subtitle2")
        with ui.column().classes("gap-0").props("data-testid=odh-controls"):
            for control in controls:
                ui.label("· " + _t(f"physics.control.{control.value}")).classes("text-body2")
    columns = [
        {"name": "event", "label": _t("web.odh.event"), "field": "event", "align": "left"},
        {"name": "p", "label": _t("web.odh.probability"), "field": "p"},
        {"name": "o2", "label": _t("web.odh.o2"), "field": "o2"},
        {"name": "rate", "label": _t("web.odh.fatality_rate"), "field": "rate"},
    ]
    rows = [
        {
            "id": number,
            "event": event_text(event, language()),
            "p": f"{event['probability_per_hour']:.2e}",
            "o2": f"{event['o2'] * 100:.1f} %",
            "rate": f"{event['fatality_rate']:.2e}",
        }
        for number, event in enumerate(assessment.result.get("events", []))
    ]
    widgets.table(columns, rows).props("data-testid=odh-events flat")
    inputs = assessment.inputs
    ventilation = inputs.get("ventilation", {})
    ui.label(
        _t(
            "web.odh.inputs",
            volume=f"{inputs.get('volume_m3', 0):.1f}",
            ach=f"{ventilation.get('air_changes_per_hour', 0):g}",
            sources=len(inputs.get("sources", [])),
            safeguards=len(inputs.get("safeguards", [])),
        )
    ).classes("text-caption text-grey-7")


def _history(assessments: list[OdhAssessment]) -> None:
    ui.label(_t("web.odh.history")).classes("text-subtitle2")
    columns = [
        {"name": "at", "label": _t("web.history.at"), "field": "at", "align": "left"},
        {"name": "trigger", "label": _t("web.odh.trigger"), "field": "trigger", "align": "left"},
        {"name": "klass", "label": _t("web.odh.class_column"), "field": "klass"},
        {"name": "phi", "label": "φ", "field": "phi"},
    ]
    rows = [
        {
            "id": a.id,
            "at": local_time(a.computed_at),
            "trigger": label(AssessmentTrigger(a.trigger)),
            "klass": a.odh_class,
            "phi": f"{a.phi_per_hour:.2e}" + (" " + _t("web.odh.stale") if a.stale else ""),
        }
        for a in assessments
    ]
    widgets.table(columns, rows).props("flat")


@ui.page("/odh/{room_id}")
def odh_page(room_id: int) -> None:
    who = session.require(f"/odh/{room_id}")
    if who is None:
        return
    frame("web.odh.title", who)
    context = state.context()
    try:
        with context.unit_of_work(who) as db:
            assessments = list(odh.history(db, who, room_id))
            room = odh.room_name(db, room_id)
            reason = None
            if not assessments or assessments[0].stale:
                reason = _t("web.odh.missing")  # the service's reason, when it gives one
                try:
                    odh.room_assessment(db, who, room_id)
                except DomainError as exc:
                    reason = _t(exc.code, **exc.params)
    except DomainError as exc:
        ui.label(_t(exc.code, **exc.params)).classes("text-negative")
        return
    ui.label(room).classes("text-h6")
    if reason is not None:
        ui.label(_t("web.odh.not_current", reason=reason)).classes("text-negative").props(
            "data-testid=odh-missing"
        )
    else:
        _current(assessments[0])
    if assessments:
        _history(assessments)
