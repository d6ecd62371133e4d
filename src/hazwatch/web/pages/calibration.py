"""Detector calibration: every fixed detector with its status (an uncalibrated one in red,
with its hidden danger), and the form that records a calibration or bump test."""

from __future__ import annotations

from nicegui import ui

from hazwatch.core.errors import DomainError
from hazwatch.monitoring.calibration import service as calibration
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry.scope import Tenancy
from hazwatch.web import session, state
from hazwatch.web.forms import clear_errors, show_error
from hazwatch.web.layout import frame
from hazwatch.web.text import _t, local_time
from hazwatch.web.widgets import badge

COLOURS = {"calibrated": "green", "unrecorded": "grey", "overdue": "red", "failed": "red"}


@ui.page("/calibration")
def calibration_page() -> None:
    who = session.require("/calibration")
    if who is None:
        return
    frame("web.nav.calibration", who)
    context = state.context()

    @ui.refreshable
    def listing() -> None:
        with context.unit_of_work(who) as db:
            rows = calibration.detectors(db, who, context.clock.now())
            found = {p.id: calibration.hidden_danger_of(db, p.id) for p, _s in rows}
        for point, status in rows:
            with (
                ui.card().classes("w-full gap-1").props(f"data-testid=detector-{point.code}"),
                ui.row().classes("items-center gap-2 w-full"),
            ):
                ui.label(point.name or point.code).classes("text-subtitle1 grow")
                badge(
                    _t(f"choice.CalibrationStatus.{status.status}"),
                    COLOURS[status.status],
                    "calibration-status",
                )
                due = local_time(status.due_at, "%Y-%m-%d") if status.due_at else "—"
                ui.label(_t("web.calibration.due", due=due)).classes("text-caption")
                finding = found.get(point.id)
                if finding is not None:
                    ui.link(
                        _t("web.scba.hidden_danger", number=finding.number),
                        f"/hidden-dangers/{finding.id}",
                    ).props("data-testid=calibration-hidden-danger")

    listing()
    with context.unit_of_work(who) as db:
        tenancy = Tenancy(db, who)
        writable = {
            p.id: p.code
            for p, _s in calibration.detectors(db, who, context.clock.now())
            if tenancy.may_write(p.organisation_id)
        }
    if not writable:
        return
    with ui.card().classes("w-full gap-2").props("data-testid=calibration-form"):
        ui.label(_t("web.calibration.record")).classes("text-subtitle1")
        point = ui.select(
            writable, value=next(iter(writable)), label=_t("web.calibration.point")
        ).props("data-testid=field-point_id")
        kind = ui.select(
            {k: _t(f"web.calibration.kind.{k}") for k in calibration.KINDS_OF_RECORD},
            value=calibration.CALIBRATION,
            label=_t("web.calibration.kind"),
        ).props("data-testid=field-kind")
        passed = ui.checkbox(_t("web.calibration.passed"), value=True).props(
            "data-testid=field-passed"
        )
        by = ui.input(_t("web.calibration.performed_by")).props("data-testid=field-performed_by")
        general = ui.label("").classes("text-negative").props("data-testid=calibration-error")
        fields = {"point_id": point, "performed_by": by, "kind": kind}

        def save() -> None:
            clear_errors(fields, general)
            try:
                with context.unit_of_work(who) as db:
                    calibration.record(
                        db,
                        who,
                        point_id=int(point.value or 0),
                        kind=str(kind.value),
                        at=context.clock.now(),
                        passed=bool(passed.value),
                        performed_by=str(by.value or ""),
                        moment=Moment.of(context),
                        interval_months=context.settings.calibration_interval_months,
                    )
            except DomainError as exc:
                show_error(exc, fields, general)
                return
            listing.refresh()

        ui.button(_t("web.calibration.save"), on_click=save).props("data-testid=save-calibration")
