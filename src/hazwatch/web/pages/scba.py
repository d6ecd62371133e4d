"""A breathing apparatus's check form, which the QR code on the set opens on a phone: the
cylinder pressure, mask and whistle; a set left not ready opens its hidden danger at once
and shows it (2·7: both sets put on for the rescue were low)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from nicegui import ui

from hazwatch.core.errors import DomainError, InvalidInput
from hazwatch.emergency import service as emergency
from hazwatch.prevention.hazard_findings.service import Moment, may_run_loop
from hazwatch.web import session, state
from hazwatch.web.forms import clear_errors, show_error
from hazwatch.web.layout import frame
from hazwatch.web.text import _t, local_time
from hazwatch.web.widgets import badge


@ui.page("/scba/{code}")
def scba_page(code: str) -> None:
    who = session.require(f"/scba/{code}")
    if who is None:
        return
    frame("web.scba.title", who)
    context = state.context()

    @ui.refreshable
    def status() -> None:
        try:
            with context.unit_of_work(who) as db:
                scba = emergency.get_set(db, who, code)
                readiness = emergency.set_readiness(db, scba, context.clock.now())
                checks = emergency.list_checks(db, who, code)[:5]
                opened = emergency.hidden_danger_of(db, scba.id)
                holder, minimum = scba.holder, scba.minimum_pressure_mpa
        except DomainError:
            ui.label(_t("scope.not_found")).classes("text-h6")
            return
        with ui.card().classes("w-full gap-1").props("data-testid=scba-status"):
            with ui.row().classes("items-center gap-2"):
                ui.label(code).classes("text-h6")
                ready = readiness.ready
                text = _t("web.scba.ready" if ready else "web.scba.not_ready")
                badge(text, "green" if ready else "red", "readiness")
            ui.label(_t("web.scba.holder", holder=holder or "—", minimum=f"{minimum:g}"))
            if readiness.reason:
                ui.label(_t(readiness.reason, scba=code, pressure=readiness.pressure_mpa or "-"))
            if opened is not None:
                ui.link(
                    _t("web.scba.hidden_danger", number=opened.number),
                    f"/hidden-dangers/{opened.id}",
                ).props("data-testid=scba-hidden-danger")
            for check in checks:
                ui.label(
                    f"{local_time(check.at, '%Y-%m-%d %H:%M')} · {check.checked_by} · "
                    f"{check.cylinder_pressure_mpa:g} MPa"
                ).classes("text-caption")

    status()
    with context.unit_of_work(who) as db:
        try:
            writable = may_run_loop(db, who, emergency.get_set(db, who, code).organisation_id)
        except DomainError:
            return
    if not writable:
        return
    with ui.card().classes("w-full gap-2").props("data-testid=scba-check"):
        ui.label(_t("web.scba.record")).classes("text-subtitle1")
        pressure = ui.input(_t("web.scba.pressure")).props(
            "inputmode=decimal data-testid=field-cylinder_pressure_mpa"
        )
        mask = ui.checkbox(_t("web.scba.mask_ok"), value=True)
        whistle = ui.checkbox(_t("web.scba.whistle_ok"), value=True)
        general = ui.label("").classes("text-negative")
        fields = {"cylinder_pressure_mpa": pressure}

        def save() -> None:
            clear_errors(fields, general)
            try:
                try:
                    value = Decimal((pressure.value or "").strip())
                except InvalidOperation:
                    raise InvalidInput(
                        "emergency.bad_pressure", field="cylinder_pressure_mpa"
                    ) from None
                with context.unit_of_work(who) as db:
                    emergency.record_check(
                        db,
                        who,
                        set_code=code,
                        at=context.clock.now(),
                        cylinder_pressure_mpa=value,
                        mask_ok=bool(mask.value),
                        alarm_whistle_ok=bool(whistle.value),
                        moment=Moment.of(context),
                    )
            except DomainError as exc:
                show_error(exc, fields, general)
                return
            pressure.value = ""
            status.refresh()

        ui.button(_t("web.scba.save"), on_click=save).props("data-testid=save-check")
