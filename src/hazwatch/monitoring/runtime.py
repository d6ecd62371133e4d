"""Everything that runs alongside the engine in one process, wired in one place: the bus,
the console hub, escalation and its dispatcher, interlocks, MQTT ingest and the tick loop.

With ``ingest_enabled`` off (API tests, replay) nothing runs in the background: the caller
drives time with ``engine.tick`` and delivery with ``dispatcher.run_once``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

import paho.mqtt.client as mqtt

from hazwatch.core.context import Context
from hazwatch.monitoring.access.service import EngineState, FastAccess
from hazwatch.monitoring.engine import Fence, MonitoringEngine
from hazwatch.monitoring.escalation.service import Dispatcher, Escalator
from hazwatch.monitoring.evaluation import PointPresent
from hazwatch.monitoring.events import AlarmChange, EventBus
from hazwatch.monitoring.ingest_watch import IngestWatch
from hazwatch.monitoring.interlocks.service import (
    ANSWER_KIND,
    CommandTransport,
    Interlocks,
    MqttCommandTransport,
    answer_topic,
    handle_ack,
    take_answer,
)
from hazwatch.monitoring.kinds import PointKind
from hazwatch.monitoring.live import LiveHub
from hazwatch.monitoring.liveness import IngestLiveness, MessageProgress
from hazwatch.monitoring.maintenance import StorageMaintenance
from hazwatch.monitoring.metrics import RuntimeMetrics
from hazwatch.monitoring.mqtt import MqttIngest, reading_topics
from hazwatch.monitoring.occupancy import service as occupancy
from hazwatch.monitoring.present import PersistedPresent, Present
from hazwatch.monitoring.retry import Stopped
from hazwatch.monitoring.sharding import Partition
from hazwatch.monitoring.tanks.watch import TankWatch
from hazwatch.monitoring.virtual import VirtualOxygen
from hazwatch.monitoring.workers.control import OperatorActions, Owners
from hazwatch.monitoring.workers.live import LiveRelay
from hazwatch.monitoring.writer import ReadingWriter

log = logging.getLogger(__name__)

#: Work that other domains run on the engine's tick (an SCBA check falling overdue opens a
#: hidden danger), each built with the context; registered from modules the wiring imports.
_TICK_PLUGINS: list[Callable[[Context], TickPlugin]] = []


class TickPlugin(Protocol):
    def tick(self, now: datetime) -> None: ...


def register_tick_plugin(factory: Callable[[Context], TickPlugin]) -> None:
    if factory not in _TICK_PLUGINS:
        _TICK_PLUGINS.append(factory)


class TopicPlugin(Protocol):
    """Another domain's device messages on the same broker and topic scheme,
    ``{prefix}/v1/{site_id}/{device_code}/{kind}`` (vehicle positions), handled on the
    connection's thread, or the partition's in the partitioned mode; raising leaves the
    message unacknowledged (redelivered)."""

    kind: str

    def handle(self, site_id: int | None, device_code: str, topic: str, payload: bytes) -> None: ...


class TopicPluginFactory(Protocol):
    """A plug-in's class: its kind is known before any engine exists (the bridge
    subscribes to it)."""

    kind: str

    def __call__(self, context: Context, engine: MonitoringEngine) -> TopicPlugin: ...


_TOPIC_PLUGINS: list[TopicPluginFactory] = []


def register_topic_plugin(factory: TopicPluginFactory) -> None:
    if factory not in _TOPIC_PLUGINS:
        _TOPIC_PLUGINS.append(factory)


def device_topics(prefix: str) -> list[str]:
    """Every MQTT topic devices publish on: readings, actuators' answers, the plug-ins'
    kinds (what the partitioned mode's bridge moves into the stream)."""
    plugins = [f"{prefix}/v1/+/+/{factory.kind}" for factory in _TOPIC_PLUGINS]
    return [*reading_topics(prefix), answer_topic(prefix), *plugins]


class NoBrokerTransport:
    """Without a broker no actuator can confirm: the command times out and alarms."""

    def send(self, site_id: int, device_code: str, message: dict[str, Any]) -> None:
        log.warning("no broker: command %s to %s not sent", message.get("action"), device_code)


class EngineRuntime:
    def __init__(
        self,
        context: Context,
        transport: CommandTransport | None = None,
        *,
        writer: ReadingWriter | None = None,
        fence: Fence | None = None,
    ) -> None:
        self.context = context
        settings = context.settings
        # partitioned (a stream configured): the workers take the readings, not this process
        live = settings.ingest_enabled and settings.stream_url is None
        self.bus = EventBus()
        self.hub = LiveHub()
        self.writer = writer or ReadingWriter(context.engine, threaded=live)
        self.engine = MonitoringEngine(
            context,
            self.bus,
            partition=Partition.from_settings(context.settings),
            writer=self.writer,
            fence=fence,
        )
        self.engine.occupants = occupancy.lookup(context.sessions)
        #: Partitioned, this process owns no site (a partition's own engine has a fence):
        #: operator actions go to the owner of the site, gateway batches into the stream.
        self.owners = Owners(context) if settings.stream_url and fence is None else None
        self.actions: OperatorActions = self.owners or self.engine
        #: Partitioned, the points' present is what their owners persist and announce live
        #: (:mod:`hazwatch.monitoring.present`): this process's engine takes no readings.
        self.persisted: PersistedPresent | None = None
        self.relay: LiveRelay | None = None
        if self.owners is not None:
            self.persisted = PersistedPresent(context)
            self.relay = LiveRelay(self.owners, self.hub, self.persisted)
        self.source: Present = self.persisted or self.engine
        self.ingest: MqttIngest | None = MqttIngest(context.settings, self.engine) if live else None
        self.liveness = IngestLiveness(
            self.ingest.progress if self.ingest is not None else MessageProgress(),
            (self.writer.retry, self.engine.retry),
            stall_after_s=context.settings.ingest_stall_after_s,
            lag_limit_s=context.settings.ingest_lag_limit_s,
        )
        if transport is None:
            transport = (
                MqttCommandTransport(self.ingest.connection.publish, self.ingest.prefix)
                if self.ingest is not None
                else NoBrokerTransport()
            )
        self.dispatcher = Dispatcher(context, self.hub.notify)
        self.watch = IngestWatch(context, self.liveness, self.dispatcher)
        self.escalator = Escalator(
            context,
            self.dispatcher.wake,
            sweep_work_items=context.settings.engine_partition == 0,
        )
        self.interlocks = Interlocks(context, self.engine, transport)
        self.tanks = TankWatch(context, self.engine)
        self.bus.subscribe(self.hub.on_event)
        self.bus.subscribe(self.escalator.on_event, AlarmChange)
        self.bus.subscribe(self.interlocks.on_event, AlarmChange)
        self.bus.subscribe_kind(self.tanks.on_event, PointKind.TANK_LEVEL.value)
        self.access = FastAccess(
            context.sessions,
            EngineState(self.persisted or self.engine),
            self.engine.record_decisions,
            readers=self._reader,
        )
        self.maintenance = StorageMaintenance(context)
        self.engine.add_tick_hook(self.escalator.tick)
        self.engine.add_tick_hook(self.interlocks.tick)
        self.engine.add_tick_hook(self.tanks.tick)
        self.virtual = VirtualOxygen(context, self.engine, self.tanks)
        self.engine.add_tick_hook(self.virtual.tick)
        first = context.settings.engine_partition == 0  # once, however many engines run
        if first:  # daily partitions and retention: one creator, not one per engine
            self.engine.add_tick_hook(self.maintenance.tick)
        self.plugins = [factory(context) for factory in _TICK_PLUGINS] if first else []
        for plugin in self.plugins:
            self.engine.add_tick_hook(plugin.tick)
        #: Device messages other than readings, by the kind in their topic or subject.
        self.topics = {factory.kind: factory(context, self.engine) for factory in _TOPIC_PLUGINS}
        if self.ingest is not None:
            for topic_plugin in self.topics.values():
                self._subscribe(self.ingest, topic_plugin)
            self.ingest.connection.add_subscription(
                answer_topic(self.ingest.prefix),
                lambda message: handle_ack(
                    self.interlocks,
                    message.topic,
                    bytes(message.payload),
                    self.context.clock.now(),
                ),
            )
        self.metrics = RuntimeMetrics(self)
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        #: Whether the stored present is read in the background (not in API tests).
        self._background = False

    def _subscribe(self, ingest: MqttIngest, plugin: TopicPlugin) -> None:
        """A plugin's topic, with the readings' partition rule (a site's messages reach the
        engine that owns it) and acknowledgement once handled."""

        def handle(message: mqtt.MQTTMessage) -> None:
            *_, topic_site, device_code, _kind = message.topic.split("/")
            site_id = int(topic_site) if topic_site.isdigit() else None
            if site_id is None or self.engine.partition.owns(site_id):
                plugin.handle(site_id, device_code, message.topic, bytes(message.payload))
            ingest.connection.ack(message)

        topic = f"{ingest.prefix}/v1/+/+/{plugin.kind}"
        ingest.connection.add_subscription(topic, handle, acks_itself=True)

    def take_other(
        self, site_id: int | None, device_code: str, kind: str, subject: str, payload: bytes
    ) -> bool:
        """A device message from the stream that carries no readings: an actuator's answer
        or a plug-in's kind, handled as the single process handles it from the broker.
        False for any other kind (readings)."""
        if kind == ANSWER_KIND:
            now = self.context.clock.now()
            take_answer(self.interlocks, site_id, device_code, payload, now, where=subject)
            return True
        plugin = self.topics.get(kind)
        if plugin is None:
            return False
        plugin.handle(site_id, device_code, subject, payload)
        return True

    def _reader(self, secret: str) -> int | None:
        device = self.engine.device_for_secret(secret)
        return None if device is None else device.id

    def present(self, point_id: int) -> PointPresent | None:
        """A point's present as this process knows it (:class:`Present`): what routes and
        console pages show."""
        return self.source.present(point_id)

    def present_problems(self) -> list[str]:
        """Why this process cannot vouch for the present it shows (readiness reasons):
        partitioned, the stored present out of reach, or the workers' live events."""
        problems = []
        if self.persisted is not None and self._background and not self.persisted.fresh():
            problems.append("present_unavailable")
        if self.relay is not None and self._background and not self.relay.connected():
            problems.append("live_unavailable")
        return problems

    def start(self) -> None:
        if self.context.settings.ingest_enabled and self.persisted is not None:
            self._background = True
            self.persisted.start()
            if self.relay is not None:
                self.relay.start()
            # Partitioned, the workers tick the sites; this process's engine still checks
            # device tokens (HTTP ingest, door readers), so it follows their changes.
            self._every_tick("config-follow", self.engine.follow_config)
        if self.ingest is None:
            return
        self.ingest.start()
        self.dispatcher.start()
        self.watch.start()
        self._every_tick("engine-tick", self.engine.tick)

    def _every_tick(self, name: str, work: Callable[[], object]) -> None:
        self._ticker = threading.Thread(
            target=self._tick_loop, args=(work,), name=name, daemon=True
        )
        self._ticker.start()

    def stop(self) -> None:
        """Returns promptly even while the database is away: the engine stops waiting for
        it first (what was not stored stays unacknowledged at the broker)."""
        self._stop.set()
        self.engine.stop()
        if self.ingest is not None:
            self.watch.stop()
            self.ingest.stop()
            self.dispatcher.stop()
        if self._ticker is not None:
            # Generous: a tick may be inside the first import of CoolProp (3 s on a quiet
            # machine, past 5 s on a loaded one), which nothing can interrupt.
            self._ticker.join(timeout=20)
        if self.relay is not None:
            self.relay.stop()
        if self.persisted is not None:
            self.persisted.stop()
        if self.owners is not None:
            self.owners.close()
        self.engine.close()

    def _tick_loop(self, work: Callable[[], object]) -> None:
        interval = self.context.settings.engine_tick_seconds
        while not self._stop.wait(interval):
            try:
                work()
            except Stopped:
                return
            except Exception:  # keep ticking: stale detection must not die with one error
                log.exception("engine tick failed")
