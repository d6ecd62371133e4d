"""The frame around every console page: header, navigation drawer (collapses on a phone),
language switch, logout, the reconnecting notice and the cue for new high-priority alarms."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from nicegui import app, ui

from hazwatch.core.auth.roles import Principal
from hazwatch.core.i18n import LANGUAGES
from hazwatch.monitoring.choices import Priority
from hazwatch.monitoring.escalation import service as escalation
from hazwatch.monitoring.escalation.models import ALARM
from hazwatch.monitoring.liveness import IngestState
from hazwatch.monitoring.models import Alarm
from hazwatch.prevention.hazard_findings import service as hidden_dangers
from hazwatch.web import session, state
from hazwatch.web.live import LiveFeed
from hazwatch.web.pop_ups import PopUps
from hazwatch.web.text import _t, label, language

#: Alarm priorities that sound the console's cue when they become active and unacknowledged.
CUE_PRIORITIES = frozenset({"urgent", "high"})

NAVIGATION: tuple[tuple[str, str, str], ...] = (
    ("/", "web.nav.monitoring", "sensors"),
    ("/alarms", "web.nav.alarms", "notifications_active"),
    ("/alarms/list", "console.nav.alarm_list", "table_rows"),
    ("/alarms/history", "web.nav.alarm_history", "history"),
    ("/tanks", "web.nav.tanks", "propane_tank"),
    ("/findings", "web.nav.findings", "report_problem"),
    ("/hidden-dangers", "web.nav.hidden_dangers", "assignment_late"),
    ("/inspections", "web.nav.inspections", "fact_check"),
    ("/risks", "web.nav.risks", "grid_view"),
    ("/chemicals", "web.nav.chemicals", "science"),
    ("/registry/organisations", "web.nav.registry", "domain"),
    ("/plan", "web.nav.plan", "map"),
    ("/access", "web.nav.access", "door_front"),
    ("/permits", "web.nav.permits", "assignment_ind"),
    ("/commitments", "web.nav.commitments", "verified"),
    ("/readiness", "web.nav.readiness", "health_and_safety"),
    ("/muster", "web.nav.muster", "groups"),
    ("/calibration", "web.nav.calibration", "tune"),
    ("/supervision/dashboard", "web.nav.dashboard", "dashboard"),
    ("/supervision", "web.nav.supervision", "account_balance"),
    ("/supervision/incidents", "web.nav.incidents", "emergency"),
    ("/supervision/dispatches", "web.nav.dispatch", "assignment_ind"),
    ("/supervision/tasks", "web.nav.tasks", "checklist"),
    ("/supervision/interconnect", "web.nav.interconnect", "hub"),
    ("/supervision/codes", "web.nav.codes", "qr_code_2"),
    ("/supervision/grades", "web.nav.grades", "leaderboard"),
    ("/supervision/credit", "web.nav.credit", "gavel"),
    ("/district/waste", "web.nav.waste", "recycling"),
    ("/district/transport", "web.nav.transport", "local_shipping"),
    ("/district/map", "web.nav.map", "public"),
    ("/district/admission", "web.nav.admission", "domain_add"),
    ("/district/catalogue", "web.nav.catalogue", "rule"),
    ("/district/resources", "web.nav.resources", "medical_services"),
    ("/district/coverage", "web.nav.coverage", "donut_large"),
    ("/replay", "web.nav.replay", "replay"),
    ("/workers", "web.nav.workers", "dns"),
)
#: Pages about the installation, not an organisation: shown to platform administrators.
ADMIN_PAGES = frozenset({"/workers"})

#: Buttons a thumb can hit on a phone (44 px, as WCAG 2.5.5 and Apple's guidelines ask); on
#: every page, framed or made for printing.
THUMB_SIZED = (
    "<style>@media (max-width: 599.98px) { .q-btn { min-height: 44px; min-width: 44px; } }</style>"
)

#: The alarm cue (sound and red flash).
_HEAD_HTML = """
<script>
window.hazwatchCue = function () {
  try {
    const ctx = new (window.AudioContext || window.webkitAudioContext)();
    [0, 0.35, 0.7].forEach((start) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = "square";
      osc.frequency.value = 880;
      gain.gain.value = 0.08;
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + start);
      osc.stop(ctx.currentTime + start + 0.2);
    });
  } catch (e) { console.warn("alarm cue", e); }
  document.body.classList.add("hazwatch-flash");
  setTimeout(() => document.body.classList.remove("hazwatch-flash"), 6000);
};
</script>
<style>
@keyframes hazwatch-flash { 50% { box-shadow: inset 0 0 0 6px #d32f2f; } }
body.hazwatch-flash { animation: hazwatch-flash 1s step-start 6; }
</style>
"""


@dataclass
class Frame:
    """What a page gets from its frame: who is looking and the live event feed."""

    who: Principal
    feed: LiveFeed


def _localise_reconnect_notice() -> None:
    """NiceGUI's own 'connection lost, reconnecting' popup, in the person's language."""
    texts = json.dumps([_t("web.connection.lost"), _t("web.connection.reconnecting")])
    ui.add_body_html(
        "<script>document.addEventListener('DOMContentLoaded', () => {"
        f"const t = {texts};"
        "document.querySelectorAll('#popup span').forEach((s, i) => { s.textContent = t[i]; });"
        "});</script>"
    )


def switch_language(value: str) -> None:
    """Remember the language for this browser and redraw the page in it."""
    app.storage.user["language"] = value
    ui.navigate.reload()


def frame(title_key: str, who: Principal) -> Frame:
    """Build the page frame; the caller then fills the page body."""
    ui.page_title(f"{_t(title_key)} · HazWatch")
    ui.add_head_html(_HEAD_HTML + THUMB_SIZED)
    _localise_reconnect_notice()
    ui.colors(primary="#1f3a5f")
    feed = LiveFeed(who)

    # Open on a wide screen by Quasar's own show-if-above (which reports the opening back),
    # not value=None: that asks the browser on connect and logs an error with a traceback
    # whenever the page is left within a second.
    drawer = ui.left_drawer(value=False, bordered=True)
    drawer.props("show-if-above width=220 breakpoint=900")
    with ui.header(elevated=True).classes("items-center no-wrap gap-2 px-2 py-1"):
        ui.button(icon="menu", on_click=lambda: drawer.toggle()).props(
            "flat round color=white"
        ).props("data-testid=menu")
        ui.label("HazWatch").classes("text-h6 text-white gt-xs")
        # on a phone the page's title stands for the brand: which page this is matters more
        ui.label(_t(title_key)).classes("text-subtitle1 text-white ellipsis min-w-0 shrink")
        ui.space()
        ui.toggle(
            {code: _t(f"web.language.{code}") for code in LANGUAGES},
            value=language(),
            on_change=lambda e: switch_language(str(e.value)),
        ).props("dense flat toggle-color=white color=primary text-color=white data-testid=language")
        ui.label(f"{who.username} · {label(who.role)}").classes("text-white gt-sm")
        ui.button(icon="logout", on_click=_logout).props("flat round color=white").tooltip(
            _t("web.logout")
        ).props("data-testid=logout")

    _ingest_banner()
    overdue = _overdue_hidden_dangers(who)
    with drawer:
        for path, key, icon in NAVIGATION:
            if path in ADMIN_PAGES and not who.is_platform_admin:
                continue
            with (
                ui.link(target=path).classes("no-underline text-inherit w-full"),
                ui.row().classes("items-center gap-3 py-2 px-1 w-full"),
            ):
                ui.icon(icon).classes("text-primary")
                ui.label(_t(key))
                if path == "/hidden-dangers" and overdue:
                    ui.badge(str(overdue), color="negative").props("data-testid=nav-overdue")

    pop_ups = PopUps(more=lambda count: _t("web.notices.more", count=count))
    feed.on("alarm", lambda event: _cue_on_new_alarm(pop_ups, event))
    feed.on("notification", lambda event: _notify(pop_ups, event))
    return Frame(who, feed)


def banner_state() -> str:
    """What the values on the page are worth: ``ok``, ingest ``stalled`` or ``lagging``, or
    (partitioned, the workers' present read from the database and their live events)
    ``present_unavailable`` / ``live_unavailable``."""
    runtime = state.runtime()
    problems = runtime.present_problems()
    return problems[0] if problems else runtime.liveness.status().state.value


def _ingest_banner() -> None:
    """While ingest is stalled or lagging, or the workers' present cannot be read, the values
    on every page may be old: a board that looks live and is not is itself a hazard, so
    every page says so (looked at every two seconds; redrawn only when the state changes)."""
    shown = [banner_state()]

    @ui.refreshable
    def banner() -> None:
        if shown[0] == IngestState.OK.value:
            return
        with (
            ui.row()
            .classes("w-full items-center gap-2 q-pa-sm bg-negative text-white")
            .props(f"data-testid=ingest-banner data-state={shown[0]}")
        ):
            ui.icon("sync_problem")
            ui.label(_t(f"ingest.console.{shown[0]}")).classes("text-weight-bold")

    def check() -> None:
        now = banner_state()
        if now != shown[0]:
            shown[0] = now
            banner.refresh()

    banner()
    ui.timer(2.0, check)


def _overdue_hidden_dangers(who: Principal) -> int:
    """How many hidden dangers the person sees are past their deadline (shown on every page:
    overdue work items are not alarms, but nobody should have to look for them)."""
    context = state.context()
    with context.unit_of_work(who) as db:
        return hidden_dangers.count_overdue(db, who, context.clock.now())


def _logout() -> None:
    session.log_out()
    ui.navigate.to("/login")


def _cue_on_new_alarm(pop_ups: PopUps, event: dict[str, Any]) -> None:
    if event.get("state") != "active_unack" or event.get("previous_state") == "active_unack":
        return
    if event.get("priority") not in CUE_PRIORITIES:
        return
    message = _t(str(event.get("message_key") or "web.alarm.new"), **event.get("params", {}))
    pop_ups.show(
        _alarm_key(event.get("alarm_id"), event.get("point_id")),
        f"⚠ {message}",
        rank=_rank(event.get("priority")),
        occasion=str(event.get("at")),  # each activation of the alarm is announced
        type="negative",
        position="top",
        timeout=None,  # stays until the operator closes it
        classes="hazwatch-pop-up",
    )
    ui.run_javascript("window.hazwatchCue && window.hazwatchCue()")


def _alarm_key(alarm_id: object, point_id: object) -> str:
    """What an alarm's pop-up is about: its point (a low and a low-low on one point are one
    alarm to the operator), else the alarm itself."""
    return f"point:{point_id}" if point_id is not None else f"{ALARM}:{alarm_id}"


def _rank(priority: object) -> int:
    """Higher for a more urgent priority, so a pop-up keeps the worst level's message."""
    order = [p.value for p in reversed(Priority)]
    return order.index(priority) if priority in order else -1


#: How long (seconds, as ui.notification counts) a notice not about an alarm stays shown.
NOTICE_SHOWN_S = 8.0


def _notify(pop_ups: PopUps, event: dict[str, Any]) -> None:
    """An escalation step's pop-up, in the reader's language (the stored subject is in the
    installation's); about an alarm, it is the alarm's pop-up."""
    subject = str(event.get("subject", ""))
    kind, ident = event.get("subject_type"), event.get("subject_id")
    key = f"{kind}:{ident}"
    if isinstance(kind, str) and isinstance(ident, int):
        context = state.context()
        with context.unit_of_work() as db:
            shown = escalation.message_in(db, kind, ident, language(), context.settings.timezone)
            if kind == ALARM and (alarm := db.get(Alarm, ident)) is not None:
                key = _alarm_key(ident, alarm.point_id)
        subject = shown[0] if shown else subject
    about_an_alarm = kind == ALARM
    pop_ups.show(
        key,
        subject,
        rank=_rank(event.get("priority")),
        type="warning",
        # An alarm's pop-up stays on top until the operator closes it; reminders and work
        # orders (their lists keep them) fade at the side: in the first days of December
        # every task's year-end reminder arrives at once and covered the whole page.
        # Only a few show at once (hazwatch.web.pop_ups.NOTICES_SHOWN), the rest are counted.
        position="top" if about_an_alarm else "bottom-right",
        timeout=None if about_an_alarm else NOTICE_SHOWN_S,
        notice=not about_an_alarm,
        classes="hazwatch-pop-up" if about_an_alarm else "hazwatch-pop-up hazwatch-notice",
    )
