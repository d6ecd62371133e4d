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
from typing import Any, NamedTuple

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


class PointUpdate(NamedTuple):
    """A point's latest value or quality changed (for live views; not persisted here).

    A named tuple, not a frozen dataclass: one is built for every reading, and a frozen
    dataclass costs five times as much to build."""

    point_id: int
    site_id: int
    organisation_id: int
    room_id: int | None
    at: datetime
    value: float | None
    quality: str
    #: The point's kind (a ``PointKind`` value), so listeners skip what they do not watch.
    kind: str = ""


Event = AlarmChange | PointUpdate
Listener = Callable[[Event], None]
#: What a listener hears when it names nothing: everything.
EVENT_TYPES: tuple[type[AlarmChange] | type[PointUpdate], ...] = (AlarmChange, PointUpdate)


class EventBus:
    """Synchronous fan-out by event type: a point update (every reading) only reaches the
    listeners that asked for point updates, or for those of its point's kind."""

    def __init__(self) -> None:
        self._listeners: dict[type, tuple[Listener, ...]] = dict.fromkeys(EVENT_TYPES, ())
        self._by_kind: dict[str, tuple[Listener, ...]] = {}

    def subscribe(
        self, listener: Listener, *types: type[AlarmChange] | type[PointUpdate]
    ) -> Callable[[], None]:
        """Add a listener for ``types`` (all events when none are named); returns a
        function that removes it."""
        chosen = types or EVENT_TYPES
        for kind in chosen:
            self._listeners[kind] = (*self._listeners[kind], listener)

        def unsubscribe() -> None:
            for kind in chosen:
                self._listeners[kind] = tuple(x for x in self._listeners[kind] if x is not listener)

        return unsubscribe

    def subscribe_kind(self, listener: Listener, kind: str) -> None:
        """Add a listener for every reading of one point kind (a tank's level), where other
        listeners hear only the newest of each point in a batch."""
        self._by_kind[kind] = (*self._by_kind.get(kind, ()), listener)

    def follows_kind(self, kind: str) -> bool:
        """Whether some listener follows every reading of this kind."""
        return kind in self._by_kind

    def publish(self, event: Event) -> None:
        listeners = self._listeners[type(event)]
        if isinstance(event, PointUpdate) and event.kind in self._by_kind:
            listeners += self._by_kind[event.kind]
        for listener in listeners:
            try:
                listener(event)
            except Exception:  # a faulty listener must never stop the alarm engine
                log.exception("event listener %r failed on %r", listener, event)
