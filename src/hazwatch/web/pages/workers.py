"""Ingest workers and partitions (platform administrators): which worker owns which share
of the sites, whether it still renews its leases, what waits in the stream, and how long the
last hand-over took. Refreshed every few seconds, as a hand-over takes about a lease."""

from __future__ import annotations

from nicegui import ui

from hazwatch.monitoring.workers import routes
from hazwatch.web import session, state
from hazwatch.web.layout import frame
from hazwatch.web.text import _t, local_time
from hazwatch.web.widgets import badge

REFRESH_S = 3.0


@ui.page("/workers")
def workers_page() -> None:
    who = session.require("/workers")
    if who is None:
        return
    frame("web.nav.workers", who)
    if not who.is_platform_admin:
        ui.label(_t("auth.admin_only")).classes("text-negative").props("data-testid=refused")
        return
    ui.label(_t("web.workers.title")).classes("text-h6")
    if not state.context().settings.stream_url:
        ui.label(_t("web.workers.single")).classes("text-body2").props("data-testid=single-mode")
    _health()
    ui.timer(REFRESH_S, _health.refresh)


@ui.refreshable
def _health() -> None:
    context = state.context()
    with context.sessions() as db:
        shown = routes.health(context, db)
    if not shown.workers:
        ui.label(_t("web.workers.none")).props("data-testid=no-workers")
    for worker in shown.workers:
        with ui.card().classes("w-full gap-1").props(f"data-testid=worker-{worker.name}"):
            with ui.row().classes("items-center gap-2"):
                ui.label(worker.name).classes("text-subtitle1")
                if worker.alive:
                    badge(_t("workers.alive"), "green", "worker-state")
                else:
                    badge(_t("workers.silent"), "red", "worker-state")
            ui.label(f"{_t('web.workers.host')}: {worker.host} · pid {worker.pid}")
            ui.label(
                f"{_t('web.workers.heartbeat')}: {local_time(worker.heartbeat_at, '%H:%M:%S')}"
                f" · {_t('web.workers.taken')}: {worker.taken}"
            )
            ui.label(
                f"{_t('web.workers.partitions')}: "
                + (", ".join(map(str, worker.partitions)) or "—")
            ).props("data-testid=worker-partitions")
    if shown.unowned:
        ui.label(_t("web.workers.unowned", partitions=", ".join(map(str, shown.unowned)))).classes(
            "text-negative"
        ).props("data-testid=unowned")
    columns = [
        {"name": "partition", "label": _t("web.workers.partition"), "field": "partition"},
        {"name": "owner", "label": _t("web.workers.owner"), "field": "owner"},
        {"name": "pending", "label": _t("web.workers.pending"), "field": "pending"},
        {"name": "handover", "label": _t("web.workers.handover"), "field": "handover"},
    ]
    rows = [
        {
            "partition": lease.partition,
            "owner": lease.worker or _t("web.workers.nobody"),
            "pending": lease.pending,
            "handover": "—" if lease.handover_s is None else f"{lease.handover_s:.1f}",
        }
        for lease in shown.leases
    ]
    ui.table(columns=columns, rows=rows, row_key="partition").classes("w-full").props(
        "dense data-testid=partitions"
    )
