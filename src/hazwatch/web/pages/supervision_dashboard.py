"""The regulator dashboard (issue 15 item 9): one card per figure of the jurisdiction with
its count and breakdown; opening a card lists what is behind it, each line linking to its
organisation, and the card links to the full list."""

from __future__ import annotations

from nicegui import ui

from hazwatch.core.auth.roles import Role
from hazwatch.supervision.choices import CodeColour
from hazwatch.supervision.dashboard import service
from hazwatch.web import session, state
from hazwatch.web.layout import frame
from hazwatch.web.text import _t, language

#: Levels shown in their colours (grades and codes); other levels are plain.
COLOURS = {
    "A": "text-positive",
    "B": "text-primary",
    "C": "text-warning",
    "D": "text-negative",
    "green": "text-positive",
    "yellow": "text-warning",
    "red": "text-negative",
    "late": "text-negative",
    "urgent": "text-negative",
    "overdue": "text-negative",
}


def _age(minutes: int | None) -> str:
    if minutes is None:
        return ""
    if minutes < 120:
        return _t("web.dashboard.minutes", minutes=minutes)
    if minutes < 48 * 60:
        return _t("web.dashboard.hours", hours=minutes // 60)
    return _t("web.dashboard.days", days=minutes // (24 * 60))


def _level(level: str) -> str:
    if level in {c.value for c in CodeColour}:
        return CodeColour(level).label(language())
    label = _t(f"web.dashboard.level.{level}")
    return level if label.startswith("web.dashboard.level.") else label


@ui.page("/supervision/dashboard")
def dashboard_page(jurisdiction_id: int | None = None) -> None:
    who = session.require("/supervision/dashboard")
    if who is None:
        return
    frame("web.nav.dashboard", who)
    if who.role not in (Role.REGULATOR, Role.PLATFORM_ADMIN):
        ui.label(_t("supervision.regulators_only"))
        return
    context = state.context()
    with context.unit_of_work(who) as db:
        board = service.build(db, who, context.clock.now(), context.settings, jurisdiction_id)
    ui.label(_t("web.dashboard.title", jurisdiction=board.jurisdiction)).classes("text-h6")
    with (
        ui.element("div")
        .classes("w-full grid gap-3")
        .style("grid-template-columns: repeat(auto-fill, minmax(280px, 1fr))")
    ):
        for figure in board.figures:
            with ui.card().classes("gap-1").props(f"data-testid=figure-{figure.key}"):
                with ui.row().classes("items-center w-full"):
                    ui.label(_t(f"web.dashboard.figure.{figure.key}")).classes("grow")
                    ui.label(str(figure.count)).classes("text-h5").props("data-testid=count")
                if figure.by_level:
                    with ui.row().classes("gap-2"):
                        for level, count in figure.by_level.items():
                            ui.label(f"{_level(level)} {count}").classes(
                                f"text-caption {COLOURS.get(level, '')}"
                            )
                ui.link(_t("web.dashboard.open_list"), figure.link).props("data-testid=open-list")
                with (
                    ui.expansion(str(figure.count))
                    .classes("w-full")
                    .props("data-testid=drill dense")
                ):
                    if not figure.items:
                        ui.label(_t("web.dashboard.empty")).classes("text-caption")
                    for item in figure.items[:50]:
                        with ui.row().classes("gap-1 items-center no-wrap"):
                            ui.label(f"{item.label}").classes(
                                f"text-caption {COLOURS.get(item.flag, '')}"
                            )
                            if item.link:
                                ui.link(item.organisation, item.link).classes("text-caption")
                            ui.label(_age(item.age_minutes)).classes("text-caption text-grey-7")
