"""Small pieces shared by the pages: colours of the regulators' palette and status badges."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from hazwatch.monitoring.escalation.service import Progress
from hazwatch.web.text import _t

#: The choice colours (``Choice.colour``) as screen colours; red/orange/yellow/blue follow the
#: regulators' four warning colours (DOMAIN §4).
HEX = {
    "red": "#d32f2f",
    "orange": "#ef6c00",
    "yellow": "#f9a825",
    "blue": "#1565c0",
    "green": "#2e7d32",
    "grey": "#757575",
    #: Unknown air (``monitoring.danger``): neither a priority colour nor "safe".
    "purple": "#6a1b9a",
    #: A rescue team or the emergency-equipment map layer: help, not a warning level.
    "teal": "#00897b",
}


def table(
    columns: list[dict[str, Any]], rows: list[dict[str, Any]], *, pagination: int | None = None
) -> ui.table:
    """A table that speaks the reader's language: the console loads Quasar in Chinese, so its
    own texts (empty table, rows per page, the pager's "1-10 of 20") are set here."""
    element = ui.table(columns=columns, rows=rows, row_key="id", pagination=pagination)
    of = _t("web.table.of")
    element.props(
        f'no-data-label="{_t("web.table.no_data")}" '
        f'no-results-label="{_t("web.table.no_results")}" '
        f'rows-per-page-label="{_t("web.table.rows_per_page")}" '
        ':rows-per-page-options="[5, 10, 25, 50, 100]" '
        f':pagination-label="(first, end, total) => `${{first}}–${{end}} {of} ${{total}}`"'
    )
    return element.classes("w-full")


def hex_of(colour: str) -> str:
    return HEX.get(colour, HEX["grey"])


def badge(text: str, colour: str, testid: str | None = None) -> ui.badge:
    element = ui.badge(text).style(f"background:{hex_of(colour)} !important; color:white")
    if testid:
        element.props(f"data-testid={testid}")
    return element


#: ODH class colours: 0 safe, 1 signage and training, 2 and above engineered controls.
ODH_COLOURS = {0: "green", 1: "yellow", 2: "orange", 3: "red", 4: "red"}


def odh_badge(odh_class: int | None, room_id: int) -> None:
    """A room card's ODH class, linking to the room's ODH page; none current is red."""
    if odh_class is None:
        text, colour = _t("web.odh.missing"), "red"
    else:
        text, colour = _t("web.odh.class", n=odh_class), ODH_COLOURS[odh_class]
    with ui.link(target=f"/odh/{room_id}").classes("no-underline"):
        badge(text, colour, "odh-class")


def escalation_badges(escalation: Progress | None) -> None:
    """The ladder's steps, those already called in orange (an alarm's or an overdue work
    item's)."""
    if escalation is None or not escalation.targets:
        return
    with ui.row().classes("items-center gap-1").props("data-testid=escalation"):
        ui.icon("trending_up").classes("text-grey-7")
        for index, target in enumerate(escalation.targets):
            done = index < escalation.steps_done
            badge(_t(f"web.escalation.target.{target}"), "orange" if done else "grey")
        if escalation.stopped:
            ui.label(_t("web.escalation.stopped")).classes("text-caption text-grey-7")
