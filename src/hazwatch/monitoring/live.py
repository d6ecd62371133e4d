"""Live push to consoles: every subscriber gets the events of the organisations it may see.

The hub listens on the engine's bus (a synchronous call from the engine's thread) and hands
events to each subscriber's bounded asyncio queue on its event loop; a slow console loses
its oldest events rather than slowing the engine.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from typing import Any

from hazwatch.monitoring.events import Event, PointUpdate

QUEUE_SIZE = 1000


def event_json(event: Event | dict[str, Any]) -> dict[str, Any]:
    if isinstance(event, dict):
        return event
    body = event._asdict() if isinstance(event, PointUpdate) else asdict(event)
    body["type"] = "point" if isinstance(event, PointUpdate) else "alarm"
    for key, value in body.items():
        if isinstance(value, datetime):
            body[key] = value.isoformat()
    return body


class Subscriber:
    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        organisations: frozenset[int] | None,
        sites: frozenset[int] | None,
    ) -> None:
        self.loop = loop
        self.organisations = organisations
        self.sites = sites
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(QUEUE_SIZE)

    def wants(self, organisation_id: int | None, site_id: int | None) -> bool:
        if self.organisations is not None and organisation_id not in self.organisations:
            return self.sites is not None and site_id in self.sites
        return True

    def put(self, body: dict[str, Any]) -> None:
        if self.queue.full():
            self.queue.get_nowait()
        self.queue.put_nowait(body)


#: Where a hub hands on everything it publishes: (body, organisation id, site id).
Sink = Callable[[dict[str, Any], int | None, int | None], None]


class LiveHub:
    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self._lock = threading.Lock()
        self._forward: Sink | None = None

    def forward(self, sink: Sink) -> None:
        """Also hand everything published to ``sink``: a partition's hub in a worker, which
        no console subscribes to, announces to the API processes' consoles
        (:mod:`hazwatch.monitoring.workers.live`)."""
        self._forward = sink

    def subscribe(
        self, organisations: frozenset[int] | None, sites: frozenset[int] | None = None
    ) -> Subscriber:
        subscriber = Subscriber(asyncio.get_running_loop(), organisations, sites)
        with self._lock:
            self._subscribers.append(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        with self._lock:
            if subscriber in self._subscribers:
                self._subscribers.remove(subscriber)

    def on_event(self, event: Event) -> None:
        if self._subscribers or self._forward:  # every reading passes here: no console, no work
            self.publish(event_json(event), event.organisation_id, event.site_id)

    def publish(
        self, body: dict[str, Any], organisation_id: int | None, site_id: int | None
    ) -> None:
        if self._forward is not None:
            self._forward(body, organisation_id, site_id)
        with self._lock:
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            if subscriber.wants(organisation_id, site_id):
                subscriber.loop.call_soon_threadsafe(subscriber.put, body)

    def notify(self, body: dict[str, Any]) -> None:
        """The console channel of the escalation ladder."""
        self.publish(body, body.get("organisation_id"), body.get("site_id"))
