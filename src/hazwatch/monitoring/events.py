"""In-process events the alarm engine publishes, and the bus listeners subscribe to.

The engine that owns a site's alarm state publishes every transition here; escalation,
interlocks, the console's live push and the replay recorder listen. Listeners must be
quick and must not raise into the engine: slow work (HTTP, SMTP, MQTT commands) goes to an
outbox or a queue. The bus is synchronous so that, in replay, every reaction happens at the
simulated instant that caused it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AlarmChange:
    """One alarm transition (ISA-18.2 lifecycle), as seen by listeners."""

    alarm_id: int
    site_id: int
    organisation_id: int
    room_id: int | None
    point_id: int | None
    condition: str
    priority: str
    state: str
    previous_state: str | None
    at: datetime
    value: float | None = None
    actor: str | None = None
    message_key: str = ""
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PointUpdate:
    """A point's latest value or quality changed (for live views; not persisted here)."""

    point_id: int
    site_id: int
    organisation_id: int
    room_id: int | None
    at: datetime
    value: float | None
    quality: str


Event = AlarmChange | PointUpdate
Listener = Callable[[Event], None]


class EventBus:
    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Add a listener; returns a function that removes it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def publish(self, event: Event) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # a faulty listener must never stop the alarm engine
                log.exception("event listener %r failed on %r", listener, event)
