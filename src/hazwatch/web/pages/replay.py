"""Replay view: a result written by ``hazwatch replay`` (format ``hazwatch.replay/1``),
uploaded or picked from ``<data_dir>/replays``: the O2/tank chart with the alarms, the
outcomes, and the actual and HazWatch timelines side by side."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from nicegui import events, ui

from hazwatch.scenarios import saved
from hazwatch.scenarios.result import scenario_text, story_in
from hazwatch.web import charts, session, state
from hazwatch.web.layout import frame
from hazwatch.web.text import _t, language

RESULT_FORMAT = "hazwatch.replay/1"
#: Larger uploads are refused (a week-long replay at 30 s resolution is a few MB).
MAX_UPLOAD_BYTES = 20_000_000
#: What a series of a replay result is: the simulated truth, or HazWatch's view of a point.
SERIES_KINDS = ("simulated", "measured", "modelled")


def replay_folder() -> Path:
    return saved.folder(state.context().settings)


def parse(raw: bytes) -> dict[str, Any] | None:
    """The result document, or None if the bytes are not one."""
    try:
        result = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(result, dict) or result.get("format") != RESULT_FORMAT:
        return None
    return result


def _outcomes(result: dict[str, Any]) -> None:
    outcomes = result.get("outcomes", {})
    lines = []
    first_o2 = outcomes.get("first_o2_alarm")
    if first_o2 and first_o2.get("minutes_after_release") is not None:
        lines.append(_t("web.replay.first_o2_alarm", minutes=first_o2["minutes_after_release"]))
    first_leak = outcomes.get("first_leak_alarm")
    if first_leak and first_leak.get("minutes_after_release") is not None:
        lines.append(_t("web.replay.first_leak_alarm", minutes=first_leak["minutes_after_release"]))
    entries = outcomes.get("entries", [])
    if entries:
        allowed = sum(1 for e in entries if e.get("allowed"))
        lines.append(_t("web.replay.entries", refused=len(entries) - allowed, allowed=allowed))
    for line in lines:
        ui.label(line).classes("text-body1").props("data-testid=outcome")


def _timeline(title: str, entries: list[dict[str, Any]], testid: str) -> None:
    with ui.card().classes("w-full").props(f"data-testid={testid}"):
        ui.label(title).classes("text-subtitle1 text-weight-bold")
        for entry in entries:
            with ui.row().classes("no-wrap gap-2 items-start"):
                ui.label(str(entry.get("at", ""))[11:16]).classes("text-weight-bold text-mono")
                ui.label(str(entry.get("text", ""))).classes("text-body2")


def show(result: dict[str, Any]) -> None:
    scenario = result.get("scenario", {})
    title = scenario_text(result, "title", language()) or str(scenario.get("name", ""))
    ui.label(title).classes("text-h6").props("data-testid=replay-title")
    description = scenario_text(result, "description", language())
    if description:
        ui.label(description).classes("text-body2 text-grey-8")
    _outcomes(result)
    kinds = {kind: _t(f"web.replay.kind.{kind}") for kind in SERIES_KINDS}
    ui.echart(charts.replay(result, _t("web.replay.alarm"), kinds)).classes("w-full").style(
        "height: 420px"
    ).props("data-testid=replay-chart")
    timeline = story_in(result, language())
    with (
        ui.element("div")
        .classes("w-full grid gap-3")
        .style("grid-template-columns: repeat(auto-fit, minmax(300px, 1fr))")
    ):
        _timeline(_t("web.replay.actual"), timeline.get("actual", []), "timeline-actual")
        _timeline(_t("web.replay.hazwatch"), timeline.get("hazwatch", []), "timeline-hazwatch")


@ui.page("/replay")
def replay_page() -> None:
    who = session.require("/replay")
    if who is None:
        return
    frame("web.nav.replay", who)
    body: ui.column | None = None

    def open_bytes(raw: bytes) -> None:
        result = parse(raw)
        assert body is not None
        body.clear()
        with body:
            if result is None:
                ui.label(_t("web.replay.not_a_result")).classes("text-negative").props(
                    "data-testid=replay-error"
                )
                return
            show(result)

    async def uploaded(event: events.UploadEventArguments) -> None:
        open_bytes(await event.file.read())

    with ui.row().classes("w-full items-end gap-4"):
        ui.upload(
            label=_t("web.replay.open"),
            auto_upload=True,
            max_file_size=MAX_UPLOAD_BYTES,
            on_upload=uploaded,
        ).props("accept=.json data-testid=replay-upload").classes("max-w-full")
        saved = sorted(replay_folder().glob("*.json")) if replay_folder().is_dir() else []
        files = {p.name: p for p in saved}
        if files:
            ui.select(
                {name: path.stem for name, path in files.items()},
                label=_t("web.replay.saved"),
                on_change=lambda e: (
                    open_bytes(files[str(e.value)].read_bytes()) if e.value in files else None
                ),
            ).classes("w-72").props("data-testid=replay-saved")
    body = ui.column().classes("w-full")
    with body:
        ui.label(_t("web.replay.none")).classes("text-grey-7")
