"""Replay view. It opens on the 2·7 comparison (the bundled "as it was" and "as it should
have been" results in ``<data_dir>/replays``): dry room 1's O2 both ways on one time axis
with the key events marked, and what happened beside what HazWatch did, minute by minute.
Any result written by ``hazwatch replay`` (format ``hazwatch.replay/1``) can be uploaded
or picked instead: its O2/tank chart, outcomes and the two timelines side by side."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from nicegui import events, ui

from hazwatch.scenarios import saved
from hazwatch.scenarios.compare import AS_IT_SHOULD_HAVE_BEEN, AS_IT_WAS, aligned, key_events
from hazwatch.scenarios.result import scenario_text
from hazwatch.web import charts, session, state
from hazwatch.web.layout import frame
from hazwatch.web.text import _t, language

RESULT_FORMAT = "hazwatch.replay/1"
#: Larger uploads are refused (a week-long replay at 30 s resolution is a few MB).
MAX_UPLOAD_BYTES = 20_000_000
#: The picker's value for the 2·7 comparison (a file name cannot start with ":").
COMPARE = ":compare"
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


def _aligned(result: dict[str, Any], left: str, right: str) -> None:
    """The report's timeline and HazWatch's on one time column, escalations folded."""
    with (
        ui.element("div")
        .classes("w-full grid gap-x-3 gap-y-1 items-start")
        .style("grid-template-columns: 3rem minmax(0, 1fr) minmax(0, 1fr)")
        .props("data-testid=aligned")
    ):
        for text in (_t("web.replay.time"), left, right):
            ui.label(text).classes("text-subtitle2 text-weight-bold")
        for row in aligned(result, language()):
            ui.label(row.at).classes("text-weight-bold text-mono").props(
                f"data-testid=at-{row.at.replace(':', '')}"
            )
            for texts, testid in ((row.actual, "actual"), (row.hazwatch, "hazwatch")):
                with ui.column().classes("gap-0 min-w-0").props(f"data-testid={testid}"):
                    for text in texts:
                        ui.label(text).classes("text-body2")
            ui.separator().style("grid-column: 1 / -1")


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
    _aligned(result, _t("web.replay.actual"), _t("web.replay.hazwatch"))


def show_comparison(was: dict[str, Any], should: dict[str, Any]) -> None:
    """The 2·7 comparison: both rooms' O2 on one axis, the story beside HazWatch's."""
    ui.label(_t("web.replay.compare")).classes("text-h6").props("data-testid=replay-title")
    ui.label(_t("web.replay.compare_intro")).classes("text-body2 text-grey-8")
    _outcomes(should)
    labels = {"was": _t("web.replay.was"), "should": _t("web.replay.should")}
    options = charts.comparison(was, should, labels, key_events(should, language()))
    ui.echart(options).classes("w-full").style("height: 420px").props("data-testid=replay-chart")
    _aligned(should, _t("web.replay.actual"), _t("web.replay.hazwatch"))


def _comparison_files() -> tuple[Path, Path] | None:
    folder = replay_folder()
    was, should = folder / f"{AS_IT_WAS}.json", folder / f"{AS_IT_SHOULD_HAVE_BEEN}.json"
    return (was, should) if was.is_file() and should.is_file() else None


@ui.page("/replay")
def replay_page() -> None:
    who = session.require("/replay")
    if who is None:
        return
    frame("web.nav.replay", who)
    body: ui.column | None = None

    def open_result(result: dict[str, Any] | None) -> None:
        assert body is not None
        body.clear()
        with body:
            if result is None:
                ui.label(_t("web.replay.not_a_result")).classes("text-negative").props(
                    "data-testid=replay-error"
                )
                return
            show(result)

    def open_comparison() -> None:
        assert body is not None
        body.clear()
        with body:
            both = _comparison_files()
            was, should = (parse(f.read_bytes()) for f in both) if both else (None, None)
            if was is None or should is None:
                ui.label(_t("web.replay.compare_missing")).classes("text-grey-7")
                return
            show_comparison(was, should)

    async def uploaded(event: events.UploadEventArguments) -> None:
        open_result(parse(await event.file.read()))

    def picked(value: object) -> None:
        if value == COMPARE:
            open_comparison()
        elif value in files:
            open_result(parse(files[str(value)].read_bytes()))

    with ui.row().classes("w-full items-end gap-4"):
        ui.upload(
            label=_t("web.replay.open"),
            auto_upload=True,
            max_file_size=MAX_UPLOAD_BYTES,
            on_upload=uploaded,
        ).props("accept=.json data-testid=replay-upload").classes("max-w-full")
        saved = sorted(replay_folder().glob("*.json")) if replay_folder().is_dir() else []
        files = {p.name: p for p in saved}
        choices = {COMPARE: _t("web.replay.compare")} | {n: p.stem for n, p in files.items()}
        ui.select(
            choices,
            value=COMPARE,
            label=_t("web.replay.saved"),
            on_change=lambda e: picked(e.value),
        ).classes("w-80 max-w-full").props("data-testid=replay-saved")
    body = ui.column().classes("w-full")
    open_comparison()
