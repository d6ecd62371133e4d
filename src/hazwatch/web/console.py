"""Mount the console on the API app.

NiceGUI keeps its pages in a process-wide registry, so the console can be mounted once per
process: ``hazwatch serve`` does it; API tests build the app with ``console=False``.
The pages reach the engine runtime that :func:`hazwatch.api.app.create_app` stored on
``app.state.runtime``, so operator actions go through the same engine as the API's.
"""

from __future__ import annotations

from fastapi import FastAPI

from hazwatch.core.context import Context
from hazwatch.web import state


def mount_console(app: FastAPI, context: Context) -> None:
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
