"""Live push into a console page: the engine runtime's hub, scoped to the Principal.

The hub puts each event the person may see (same organisation scope as the API's live
stream) on a bounded queue on this page's event loop; a short timer hands them to the
page's handlers. No polling of the database: updates arrive as the engine publishes them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui

from hazwatch.core.auth.roles import Principal
from hazwatch.core.scope import visible_organisations
from hazwatch.web import state

Handler = Callable[[dict[str, Any]], None]

#: How often queued events are handed to the page (seconds).
DRAIN_INTERVAL = 0.3


class LiveFeed:
    def __init__(self, who: Principal) -> None:
        context = state.context()
        with context.unit_of_work(who) as session:
            visible = visible_organisations(session, who)
        hub = state.runtime().hub
        self._subscriber = hub.subscribe(visible)
        self._handlers: dict[str, list[Handler]] = {}
        self._client = ui.context.client
        self._client.on_delete(lambda: hub.unsubscribe(self._subscriber))
        ui.timer(DRAIN_INTERVAL, self._drain)

    def on(self, kind: str, handler: Handler) -> None:
        """Call ``handler`` with each event of ``kind`` (``alarm``, ``point``, ``notification``)."""
        self._handlers.setdefault(kind, []).append(handler)

    def _drain(self) -> None:
        """Hand queued events to the handlers while the browser is connected. A page left
        for another (a reload, a language switch) lingers unconnected until NiceGUI deletes
        it; handling events there would show its pop-ups nowhere and mark them seen in this
        browser. A page that reconnects gets what arrived meanwhile."""
        if not self._client.has_socket_connection:
            return
        queue = self._subscriber.queue
        while not queue.empty():
            event = queue.get_nowait()
            for handler in self._handlers.get(str(event.get("type")), []):
                handler(event)
