"""The workers' live events reach the consoles of the API processes.

In one process the console's live push (:class:`~hazwatch.monitoring.live.LiveHub`) hears
the engine's bus and the escalation ladder's console channel directly. In the partitioned
mode both happen inside the workers, whose hubs no console subscribes to. So each partition's
hub forwards what it publishes to an :class:`Announcer`, which sends it on the partition's
live subject ``{prefix}.live.p{n}`` (core NATS, fire-and-forget: a console is a view, the
alarms themselves are stored and escalated by the worker). Every API process listens on
``{prefix}.live.>`` (:class:`LiveRelay`) and publishes each event into its own hub, which
filters per organisation and site exactly as in one process, and tells its persisted present
(:class:`~hazwatch.monitoring.present.PersistedPresent`) each point's newest reading.

Events are gathered for :data:`WINDOW_S` and sent together, a point's updates in one window
reduced to its newest (a console shows the newest value; alarm events and notices are all
sent, in order). Lost while the server is away: the console then reads the stored present,
which the runtime's readiness reports as without live events (``live_unavailable``).
"""

from __future__ import annotations

import itertools
import logging
import threading
from typing import Any

import orjson
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription

from hazwatch.monitoring.live import LiveHub
from hazwatch.monitoring.present import PersistedPresent
from hazwatch.monitoring.workers.control import Owners
from hazwatch.monitoring.workers.stream import StreamLink

log = logging.getLogger(__name__)

#: Seconds events are gathered before they are sent.
WINDOW_S = 0.05
#: Events in one message at most (well under NATS's 1 MB payload limit).
CHUNK = 500


def live_subject(prefix: str, partition: int) -> str:
    return f"{prefix}.live.p{partition}"


class Announcer:
    """A partition's hub forwards here; what it gathers goes out on the link's loop."""

    def __init__(self, link: StreamLink, partition: int) -> None:
        self.link = link
        self.subject = live_subject(link.prefix, partition)
        self._pending: dict[object, dict[str, Any]] = {}
        self._order = itertools.count()
        self._lock = threading.Lock()

    def put(self, body: dict[str, Any], _organisation_id: int | None, _site_id: int | None) -> None:
        """Called from any of the partition's threads (engine, control desk, dispatcher)."""
        key: object = (
            ("point", body["point_id"]) if body.get("type") == "point" else next(self._order)
        )
        with self._lock:
            first = not self._pending
            self._pending.pop(key, None)  # a point's newest goes last
            self._pending[key] = body
        if first:
            try:
                self.link.loop.call_soon_threadsafe(self.link.loop.call_later, WINDOW_S, self._send)
            except RuntimeError:  # the link closed (the worker stopping): nobody to tell
                log.debug("live events of a closed link dropped")

    def _send(self) -> None:
        with self._lock:
            bodies, self._pending = list(self._pending.values()), {}
        for start in range(0, len(bodies), CHUNK):
            data = orjson.dumps(bodies[start : start + CHUNK], default=str)
            self.link.loop.create_task(self._publish(data))

    async def _publish(self, data: bytes) -> None:
        try:
            await self.link.nc.publish(self.subject, data)
        except Exception as exc:  # the server away: the consoles read the stored present
            log.debug("announcing live events failed (%s)", exc)


class LiveRelay:
    """The API process's end: every partition's live events into this process's hub and
    present. Connects in the background (the API starts while the stream server is away)
    and, once connected, the client reconnects and resubscribes by itself."""

    def __init__(self, owners: Owners, hub: LiveHub, present: PersistedPresent) -> None:
        self.owners = owners
        self.hub = hub
        self.persisted = present
        self._link: StreamLink | None = None
        self._subscription: Subscription | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._connect, name="live-relay", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        link, subscription = self._link, self._subscription
        if link is not None and subscription is not None:
            try:
                link.call(subscription.unsubscribe(), timeout=5)
            except Exception:  # the connection is closed next anyway
                log.debug("leaving the live subjects failed")

    def connected(self) -> bool:
        return (
            self._subscription is not None and self._link is not None and self._link.nc.is_connected
        )

    def _connect(self) -> None:
        delay = 0.5
        while not self._stop.is_set():
            try:
                link = self.owners.link()
                self._subscription = link.call(self._listen(link), timeout=10)
                self._link = link
                return
            except Exception as exc:
                log.warning("live events from the workers are not heard (%s)", exc)
            self._stop.wait(delay)
            delay = min(delay * 2, 5.0)

    async def _listen(self, link: StreamLink) -> Subscription:
        async def on_message(message: Msg) -> None:
            self.take(message.data)

        subscription = await link.nc.subscribe(f"{link.prefix}.live.>", cb=on_message)
        await link.nc.flush()
        return subscription

    def take(self, data: bytes) -> None:
        """One message of a partition's events, into the hub and the present."""
        try:
            bodies: list[dict[str, Any]] = orjson.loads(data)
            for body in bodies:
                if body.get("type") == "point":
                    self.persisted.heard(body)
                self.hub.notify(body)
        except Exception:  # a malformed message must not end the subscription
            log.exception("a live message could not be taken")
