"""Mount the console on the API app.

NiceGUI keeps its pages in a process-wide registry, so the console can be mounted once per
process: ``hazwatch serve`` does it; API tests build the app with ``console=False``.
The pages reach the engine runtime that :func:`hazwatch.api.app.create_app` stored on
``app.state.runtime``, so operator actions go through the same engine as the API's.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI

from hazwatch.core.context import Context
from hazwatch.web import state

log = logging.getLogger(__name__)


def mount_console(app: FastAPI, context: Context) -> None:
    from nicegui import app as console_app
    from nicegui import ui

    from hazwatch.web import pages  # noqa: F401  (registers the pages)

    state.bind(context, app.state.runtime)
    ui.run_with(
        app,
        title="HazWatch",
        storage_secret=context.settings.secret_key.get_secret_value(),
        language="zh-CN",
        show_welcome_message=False,
        favicon="🛡️",
        reconnect_timeout=10.0,
    )
    after_s = context.settings.console_unconnected_page_s
    console_app.timer(min(10.0, after_s / 2), lambda: drop_unconnected_pages(after_s))


def drop_unconnected_pages(after_s: float) -> None:
    """Drop the pages fetched more than ``after_s`` ago whose browser never connected: each
    holds its elements in memory, and a monitoring probe fetches one every few seconds.
    NiceGUI sweeps them after a minute itself; this sweep is the operator's choice of when."""
    from nicegui import Client

    before = len(Client.instances)
    Client.prune_instances(client_age_threshold=after_s)
    if dropped := before - len(Client.instances):
        log.info("Dropped %d console page(s) never connected to after %g s", dropped, after_s)
