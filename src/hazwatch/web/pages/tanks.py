"""Tanks: where the supplier and the site look at a tank's level and its leak detector (2·7:
the level fell for hours and nobody looked). One card per tank the person sees: how full it
is, the draw the detector expects, how far its sum has come towards the leak threshold, the
rooms a leak would reach; editors set the false-alarm budget and reset a latched alarm."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui

from hazwatch.core.auth.roles import Principal
from hazwatch.core.errors import DomainError
from hazwatch.monitoring import service as monitoring
from hazwatch.monitoring.tanks import service as tanks
from hazwatch.monitoring.tanks.schemas import TankStatusOut
from hazwatch.monitoring.tanks.text import cusum_share, describe
from hazwatch.web import session, state
from hazwatch.web.forms import clear_errors, show_error
from hazwatch.web.layout import frame
from hazwatch.web.text import _t, language
from hazwatch.web.widgets import badge, hex_of

#: Seconds between refreshes when no event arrives (a level gauge reports every few minutes).
REFRESH_S = 30.0


@ui.page("/tanks")
def tanks_page() -> None:
    who = session.require("/tanks")
    if who is None:
        return
    page = frame("web.nav.tanks", who)
    context = state.context()
    with context.unit_of_work(who) as db:
        found = tanks.statuses(db, who, context.clock.now(), state.runtime().present)
    if not found:
        ui.label(_t("web.tanks.none")).classes("text-grey-7")
        return
    with ui.row().classes("w-full gap-4 items-stretch"):
        cards = [TankCard(status, who) for status in found]
    by_point: dict[Any, TankCard] = {
        c.level_point_id: c for c in cards if c.level_point_id is not None
    }

    def on_point(event: dict[str, Any]) -> None:
        if (card := by_point.get(event.get("point_id"))) is not None:
            card.refresh()

    def on_alarm(event: dict[str, Any]) -> None:
        if event.get("condition") == "leak":
            refresh_all()

    def refresh_all() -> None:
        for card in cards:
            card.refresh()

    page.feed.on("point", on_point)
    page.feed.on("alarm", on_alarm)
    ui.timer(REFRESH_S, refresh_all)


class TankCard:
    """One tank: its figures are redrawn on each refresh; the settings form and the reset
    dialog are built once, so a live update never wipes what an editor is typing."""

    def __init__(self, status: TankStatusOut, who: Principal) -> None:
        self.tank_id = status.id
        self.level_point_id = status.level_point_id
        self.who = who
        writable, self.trend = _rights(status, who)
        self.card = ui.card().classes("w-full md:w-[32rem]").props(f"data-testid=tank-{status.id}")
        with self.card:
            self.figures = ui.column().classes("w-full gap-2")
            self.reset_dialog = _reset_dialog(status, who, self.refresh) if writable else None
            self._draw(status)
            if writable:
                _settings(status, who, self.refresh)

    def refresh(self) -> None:
        context = state.context()
        try:
            with context.unit_of_work(self.who) as db:
                status = tanks.status(
                    db, self.who, self.tank_id, context.clock.now(), state.runtime().present
                )
        except DomainError:  # no longer visible (scope changed): leave the last figures
            return
        self._draw(status)

    def _draw(self, status: TankStatusOut) -> None:
        edge = hex_of("red" if status.detector.leak_alarm_active else "grey")
        self.card.style(replace=f"border-left: 6px solid {edge}")
        self.figures.clear()
        with self.figures:
            _figures(status, self.reset_dialog, self.trend)


def _rights(status: TankStatusOut, who: Principal) -> tuple[bool, bool]:
    """Whether the person may change this tank's leak detection (its owner or operator;
    a lab whose room it feeds only reads it), and may open its level point's trend."""
    with state.context().unit_of_work(who) as db:
        try:
            tanks.writable_tank(db, who, status.id)
            writable = True
        except DomainError:
            writable = False
        if status.level_point_id is None:
            return writable, False
        try:
            monitoring.get_point(db, who, status.level_point_id)
        except DomainError:
            return writable, False
    return writable, True


def _figures(status: TankStatusOut, reset_dialog: ui.dialog | None, trend: bool) -> None:
    text = describe(status, language(), state.context().settings.timezone)
    alarm = status.detector.leak_alarm_active
    colour = "red" if alarm else ("green" if text.fine else "grey")
    with ui.row().classes("items-center w-full").props(f"data-status={colour}"):
        ui.label(text.title).classes("text-h6")
        ui.space()
        if alarm:
            badge(_t("web.tanks.leak"), "red", "leak-badge")
        elif not text.fine:
            badge(_t("web.tanks.unknown"), "grey", "unknown-badge")
    ui.label(text.level).props("data-testid=level")
    if status.fill_fraction is not None:
        ui.linear_progress(value=status.fill_fraction, show_value=False, size="10px")
    ui.label(text.draw).classes("text-body2")
    ui.label(text.plain).classes("text-body2").props("data-testid=plain")
    ui.label(text.detector).classes("text-caption text-grey-7").props("data-testid=detector")
    share = cusum_share(status)
    if share is not None:
        gauge = "negative" if alarm or share >= 0.8 else "warning" if share >= 0.5 else "positive"
        ui.linear_progress(value=share, show_value=False, size="10px").props(
            f"color={gauge} data-testid=cusum"
        )
    ui.label(text.leak).classes("text-negative" if alarm else "text-body2").props(
        "data-testid=leak"
    )
    with ui.row().classes("gap-2 items-center"):
        if trend:
            ui.link(_t("web.tanks.trend"), f"/points/{status.level_point_id}")
        for room in status.rooms_fed:
            ui.link(_t("web.tanks.room_odh", room=room.name), f"/odh/{room.id}")
        if alarm and reset_dialog is not None:
            ui.space()
            ui.button(_t("web.tanks.reset"), on_click=reset_dialog.open).props(
                "outline color=negative data-testid=reset"
            )


def _settings(status: TankStatusOut, who: Principal, refresh: Callable[[], None]) -> None:
    with (
        ui.expansion(_t("web.tanks.settings"))
        .classes("w-full")
        .props("dense data-testid=leak-settings")
    ):
        fields = {
            "false_alarms_per_year": ui.input(
                _t("web.tanks.budget"), value=f"{status.detector.false_alarms_per_year:g}"
            ).props("inputmode=decimal data-testid=field-false_alarms_per_year"),
            "noise_mm": ui.input(
                _t("web.tanks.noise"), value=f"{status.detector.noise_mm:g}"
            ).props("inputmode=decimal data-testid=field-noise_mm"),
        }
        ui.label(_t("web.tanks.settings_help")).classes("text-caption text-grey-7")

        def save() -> None:
            clear_errors(fields)
            context = state.context()
            try:
                data = tanks.settings_in({name: f.value for name, f in fields.items()})
                with context.unit_of_work(who) as db:
                    tanks.update_settings(db, who, status.id, data)
            except DomainError as exc:
                show_error(exc, fields)
                return
            ui.notify(_t("web.registry.saved"), type="positive")
            refresh()

        ui.button(_t("web.save"), on_click=save).props("data-testid=save-leak-settings")


def _reset_dialog(status: TankStatusOut, who: Principal, refresh: Callable[[], None]) -> ui.dialog:
    with ui.dialog() as dialog, ui.card().classes("w-96 max-w-full"):
        ui.label(_t("web.tanks.reset_title", tank=status.name)).classes("text-subtitle1")
        reason = ui.input(_t("web.tanks.reset_reason")).classes("w-full")
        reason.props("data-testid=reset-reason")

        def confirm() -> None:
            if not (reason.value or "").strip():
                reason.error = _t("web.form.required")
                return
            context = state.context()
            try:
                with context.unit_of_work(who) as db:
                    tanks.writable_tank(db, who, status.id)
                state.runtime().tanks.reset(status.id, who, reason.value, context.clock.now())
            except DomainError as exc:
                ui.notify(_t(exc.code, **exc.params), type="negative")
                return
            reason.value = ""
            dialog.close()
            refresh()

        with ui.row().classes("justify-end w-full"):
            ui.button(_t("web.cancel"), on_click=dialog.close).props("flat")
            ui.button(_t("web.tanks.reset"), on_click=confirm).props(
                "color=negative data-testid=reset-confirm"
            )
    return dialog
