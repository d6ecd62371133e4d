"""``hazwatch worker run``: one process owning a share of the partitions of the sites.

The control loop renews the worker's leases every fifth of the lease time, claims its share
of the free or expired partitions and gives back what it holds above its share. Each owned
partition runs in its own thread: a :class:`~hazwatch.monitoring.runtime.EngineRuntime` for
that partition's sites (alarm state, escalation, interlocks, tanks …) loaded from the
database when the partition is taken, fed from the partition's stream consumer, ticked once
a second. A message is acknowledged to the stream once its readings are committed, so a
worker killed at any point leaves what it had not stored in the stream for the next owner,
who finds in the database every alarm (acknowledgement, shelving, escalation progress) the
dead one stored: an active alarm stays active, is not raised again, and its escalation goes
on from the step it reached.

Devices' other messages reach the owner the same way (the bridge forwards actuators'
answers and vehicle positions on the site's subject), and the partitions' interlock
commands leave through the process's own MQTT connection to the devices' broker: an
exhaust fan is started by the worker that raised the alarm, and its answer confirms the
command there.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import threading
import time
from datetime import timedelta
from functools import partial
from types import FrameType

from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.context import Context, build_context
from hazwatch.core.settings import Settings
from hazwatch.monitoring.choices import AlarmState
from hazwatch.monitoring.config import DeviceConfig
from hazwatch.monitoring.engine import Fence
from hazwatch.monitoring.escalation.models import ALARM, Escalation
from hazwatch.monitoring.events import AlarmChange
from hazwatch.monitoring.ingest import Decoded
from hazwatch.monitoring.interlocks.service import CommandTransport, MqttCommandTransport
from hazwatch.monitoring.models import Alarm
from hazwatch.monitoring.mqtt import MqttConnection, admit
from hazwatch.monitoring.runtime import EngineRuntime
from hazwatch.monitoring.workers import control, service
from hazwatch.monitoring.workers.live import Announcer
from hazwatch.monitoring.workers.metrics import WorkerMetrics
from hazwatch.monitoring.workers.service import Held, LeaseLost
from hazwatch.monitoring.workers.stream import Puller, StreamLink, parse
from hazwatch.monitoring.writer import ReadingWriter

log = logging.getLogger(__name__)

#: The stream's kinds that carry readings (the others: :meth:`EngineRuntime.take_other`).
READING_KINDS = frozenset({"reading", "batch"})
#: Messages taken at once from what a partition's consumer pulled ahead.
FETCH = 2_000
#: Seconds between refreshes of a partition's stream backlog (shown in the health view).
PENDING_EVERY_S = 2.0


def default_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"[:64]


class PartitionRunner:
    """One owned partition: its engine, fed from its consumer, in its own thread."""

    def __init__(self, worker: Worker, held: Held) -> None:
        self.worker = worker
        self.partition = held.partition
        self.epoch = held.epoch
        self.pending = 0
        self.runtime: EngineRuntime | None = None
        self.subscription: Puller | None = None
        #: The partition's control subject (operator actions), served once its engine runs.
        self.desk: Subscription | None = None
        #: Set to give the partition back: stop fetching, store what was taken, release.
        self.releasing = threading.Event()
        #: Set when the lease is gone: stop at once, store nothing more.
        self.abandoned = threading.Event()
        self.thread = threading.Thread(
            target=self._run, name=f"partition-{self.partition}", daemon=True
        )

    def start(self) -> None:
        self.thread.start()

    def taken(self) -> int:
        return self.runtime.engine.writer_count() if self.runtime is not None else 0

    def _fence(self, session: Session) -> None:
        service.fence(session, self.partition, self.worker.worker_id, self.epoch)

    def _run(self) -> None:
        try:
            self.runtime = self.worker.runtime_for(self.partition, self._fence)
            # its events and console notices, for the consoles of the API processes
            self.runtime.hub.forward(Announcer(self.worker.link, self.partition).put)
            self._resume_escalations(self.runtime)
            self.runtime.dispatcher.start()
            self.desk = self._open_desk(self.runtime)
            self.subscription = self._bind()
            if self.subscription is None:
                return
            self._serve(self.subscription)
        except LeaseLost:
            log.warning("partition %d: lease lost, stopping without storing more", self.partition)
            self.abandoned.set()
        except Exception:
            log.exception("partition %d failed; giving it back", self.partition)
        finally:
            self._finish()

    def _resume_escalations(self, runtime: EngineRuntime) -> None:
        """Start the ladder of every active, unacknowledged alarm of the partition that has
        none: the previous owner stored the alarm and died before its escalator stored the
        ladder. It starts at the alarm's raise, so its steps fall due as they would have."""
        owns = runtime.engine.partition.owns
        with self.worker.context.sessions() as session:
            alarms = [
                alarm
                for alarm in session.scalars(
                    select(Alarm)
                    .outerjoin(
                        Escalation,
                        (Escalation.subject_type == ALARM) & (Escalation.subject_id == Alarm.id),
                    )
                    .where(
                        Alarm.state == AlarmState.ACTIVE_UNACK.value,
                        Escalation.subject_id.is_(None),
                    )
                )
                if owns(alarm.site_id)
            ]
        for alarm in alarms:
            log.warning(
                "partition %d: alarm %d had no escalation; started", self.partition, alarm.id
            )
            runtime.escalator.on_event(
                AlarmChange(
                    alarm_id=alarm.id,
                    site_id=alarm.site_id,
                    organisation_id=alarm.organisation_id,
                    room_id=alarm.room_id,
                    point_id=alarm.point_id,
                    condition=alarm.condition,
                    priority=alarm.priority,
                    state=alarm.state,
                    previous_state=AlarmState.NORMAL.value,
                    at=alarm.raised_at or alarm.changed_at,
                    value=alarm.value,
                    message_key=alarm.message_key,
                    params=dict(alarm.params or {}),
                )
            )

    def _open_desk(self, runtime: EngineRuntime) -> Subscription | None:
        """Answer operator actions on the partition's sites (:mod:`.control`); without the
        stream server now, actions answer 503 until the partition is taken again."""
        handle = partial(control.answer, runtime.engine, lost=self.abandoned.set)
        try:
            return self.worker.link.call(
                control.listen(self.worker.link, self.partition, handle), timeout=10
            )
        except Exception as exc:
            log.warning("partition %d: its control subject is not served (%s)", self.partition, exc)
            return None

    def _bind(self) -> Puller | None:
        delay = 0.25
        while not (self.releasing.is_set() or self.abandoned.is_set()):
            try:
                return self.worker.link.bind(self.partition)
            except Exception as exc:  # the stream server away: try again
                log.warning("partition %d: binding its consumer failed (%s)", self.partition, exc)
                time.sleep(delay)
                delay = min(delay * 2, 5.0)
        return None

    def _serve(self, subscription: Puller) -> None:
        assert self.runtime is not None
        engine = self.runtime.engine
        link = self.worker.link
        tick_every = self.worker.context.settings.engine_tick_seconds
        next_tick = next_pending = time.monotonic()
        reconnects = link.reconnects
        while not (self.releasing.is_set() or self.abandoned.is_set()):
            if link.reconnects != reconnects:
                # messages in flight when the connection broke would wait out the ack wait:
                # binding again hands every unacknowledged one over now (duplicates are
                # recognised)
                reconnects = link.reconnects
                rebound = self._bind()
                if rebound is None:
                    return
                with contextlib.suppress(Exception):  # the old pull is forgotten anyway
                    link.unsubscribe(subscription)
                subscription = self.subscription = rebound
            try:
                messages = link.fetch(subscription, FETCH)
            except Exception as exc:  # disconnected: the client reconnects by itself
                log.warning("partition %d: fetch failed (%s)", self.partition, exc)
                time.sleep(0.5)
                messages = []
            if messages:
                self._take(messages)
            now = time.monotonic()
            if now >= next_tick:
                next_tick = now + tick_every
                engine.tick()
            if now >= next_pending:
                next_pending = now + PENDING_EVERY_S
                try:
                    self.pending = link.pending(subscription)
                except Exception:  # shown as it was last seen
                    log.debug("partition %d: backlog unknown", self.partition)

    def _take(self, messages: list[Msg]) -> None:
        """A fetched batch: each device's readings taken in one step (as a gateway batch
        is), its messages acknowledged together once stored; refused ones at once. Each
        message counts in the partition's ingest progress (lag, stall, metrics) until it
        is acknowledged."""
        assert self.runtime is not None
        engine = self.runtime.engine
        received = self.runtime.liveness.progress.received
        by_device: dict[str, tuple[DeviceConfig, Decoded, list[Msg], list[int]]] = {}
        for message in messages:
            token = received()
            site_id, device_code, kind = parse(message.subject)
            if site_id is None or not engine.partition.owns(site_id):
                log.error("partition %d: %s is not ours", self.partition, message.subject)
                self._acknowledge([message], [token])
                continue
            if kind not in READING_KINDS:
                self._take_other(message, token, site_id, device_code, kind)
                continue
            admitted = admit(
                engine,
                site_id,
                device_code,
                message.subject,
                message.data,
                partial(self._acknowledge, [message], [token]),
                max_batch=self.worker.context.settings.ingest_max_batch,
                source="stream",
            )
            if admitted is None:
                continue
            device, decoded = admitted
            known = by_device.get(device.code)
            if known is None:
                by_device[device.code] = (device, decoded, [message], [token])
            else:
                known[1].readings.extend(decoded.readings)
                known[1].rejections.extend(decoded.rejections)
                known[2].append(message)
                known[3].append(token)
        for device, decoded, taken, tokens in by_device.values():
            engine.submit_decoded(
                decoded,
                device=device,
                source="stream",
                after_commit=partial(self._acknowledge, taken, tokens),
            )

    def _acknowledge(self, messages: list[Msg], tokens: list[int]) -> None:
        """Stored or refused: acknowledged to the stream (from any thread: the writer's
        commit callback), and no longer waiting in the ingest progress."""
        assert self.runtime is not None
        applied = self.runtime.liveness.progress.applied
        for token in tokens:
            applied(token)
        self.worker.link.ack_all(messages)

    def _take_other(
        self, message: Msg, token: int, site_id: int, device_code: str, kind: str
    ) -> None:
        """An actuator's answer or a plug-in's message (vehicle positions), taken at once;
        one that failed stays unacknowledged and comes again after the ack wait."""
        assert self.runtime is not None
        try:
            known = self.runtime.take_other(
                site_id, device_code, kind, message.subject, message.data
            )
        except Exception:
            log.exception("partition %d: %s failed", self.partition, message.subject)
            # not acknowledged: the stream hands it out again, as a message of its own
            self.runtime.liveness.progress.applied(token)
            return
        if not known:
            log.warning("partition %d: %s is of no known kind", self.partition, message.subject)
        self._acknowledge([message], [token])

    def _finish(self) -> None:
        runtime, subscription, link = self.runtime, self.subscription, self.worker.link
        if self.desk is not None:  # no new action once the engine stops
            try:
                link.call(control.close(self.desk), timeout=control.REPLY_WAIT_S)
            except Exception:  # the server away: nobody can send one either
                log.warning("partition %d: closing its control subject failed", self.partition)
        if runtime is not None:
            runtime.dispatcher.stop()
            if not self.abandoned.is_set():
                runtime.stop()  # everything taken is stored and acknowledged
        if subscription is not None:
            try:
                link.unsubscribe(subscription)
            except Exception:  # the server away: the lease decides anyway
                log.warning("partition %d: unsubscribing failed", self.partition)
        if not self.abandoned.is_set():
            self.worker.released(self.partition)


class Worker:
    """The control loop of one worker process (see the module docstring)."""

    def __init__(
        self,
        context: Context,
        link: StreamLink,
        name: str | None = None,
        *,
        commands: CommandTransport | None = None,
    ) -> None:
        """``commands``: how the partitions' interlocks reach the actuators (the MQTT
        broker in :func:`serve`); without it a command cannot be confirmed and alarms."""
        self.context = context
        self.link = link
        self.commands = commands
        self.name = name or default_name()
        settings = context.settings
        self.partitions = settings.stream_partitions
        self.ttl = timedelta(seconds=settings.worker_lease_seconds)
        self.worker_id = 0
        self.runners: dict[int, PartitionRunner] = {}
        self._lock = threading.Lock()
        self._released: list[int] = []
        self.stopping = threading.Event()

    def runtime_for(self, partition: int, fence: Fence) -> EngineRuntime:
        """The partition's engine and everything wired to it, its state loaded now."""
        settings = self.context.settings.model_copy(
            update={
                "engine_partition": partition,
                "engine_partitions": self.partitions,
                "ingest_enabled": False,
            }
        )
        context = Context(settings, self.context.engine, self.context.sessions, self.context.clock)
        writer = ReadingWriter(context.engine, threaded=True)
        return EngineRuntime(context, self.commands, writer=writer, fence=fence)

    def start(self) -> None:
        now = self.context.clock.now()
        with self.context.unit_of_work() as session:
            service.ensure_partitions(session, self.partitions, now)
            self.worker_id = service.register(
                session, self.name, socket.gethostname()[:128], os.getpid(), now
            )
        log.info("worker %s (id %d) started", self.name, self.worker_id)

    def run(self) -> None:
        """Until :attr:`stopping` is set; then give every partition back."""
        self.start()
        interval = self.ttl.total_seconds() / 5
        while True:
            try:
                self.beat()
            except Exception:  # the database away: the leases run out, others take over
                log.exception("worker heartbeat failed")
            if self.stopping.wait(interval):
                break
        self.shutdown()

    def beat(self) -> None:
        """Renew, claim the share, hand back the surplus, and follow what was lost."""
        now = self.context.clock.now()
        with self._lock:
            released, self._released = self._released, []
        with self.context.unit_of_work() as session:
            service.release(session, self.worker_id, released, now)
            held = service.renew(
                session,
                self.worker_id,
                now,
                self.ttl,
                taken=sum(runner.taken() for runner in list(self.runners.values())),
                pending={p: runner.pending for p, runner in list(self.runners.items())},
            )
            live = service.live_workers(session, now, self.ttl)
            share = service.share(self.partitions, live)
            claimed = (
                service.claim(
                    session, self.worker_id, now, self.ttl, self.partitions, share - len(held)
                )
                if not self.stopping.is_set()
                else []
            )
        for partition, runner in list(self.runners.items()):
            if partition not in held and not runner.releasing.is_set():
                log.warning("partition %d: lease lost to another worker", partition)
                runner.abandoned.set()
                self.runners.pop(partition, None)
        surplus = len(held) - share
        if surplus > 0:
            for partition in sorted(held, reverse=True)[:surplus]:
                extra = self.runners.get(partition)
                if extra is not None and not extra.releasing.is_set():
                    log.info("partition %d: given back (share %d)", partition, share)
                    extra.releasing.set()
        for lease in claimed:
            if lease.handover_s is not None:
                log.warning(
                    "partition %d taken over from a silent worker, %.1f s after its last renewal",
                    lease.partition,
                    lease.handover_s,
                )
            taken = PartitionRunner(self, lease)
            self.runners[lease.partition] = taken
            taken.start()

    def released(self, partition: int) -> None:
        """Called by a runner once everything it took is stored: the lease goes back at the
        next beat (or at once when stopping)."""
        with self._lock:
            self._released.append(partition)
        leaving = self.runners.get(partition)
        if leaving is not None and leaving.releasing.is_set():
            self.runners.pop(partition, None)

    def shutdown(self) -> None:
        for runner in list(self.runners.values()):
            runner.releasing.set()
        for runner in list(self.runners.values()):
            runner.thread.join(timeout=30)
        with self.context.unit_of_work() as session:
            service.stop(session, self.worker_id, self.context.clock.now())
        log.info("worker %s stopped", self.name)


def serve(
    settings: Settings, name: str | None = None, metrics: tuple[str, int] | None = None
) -> None:
    """A worker process's life: connect, run until SIGTERM or Ctrl-C, stop cleanly
    (everything taken stored and acknowledged, its partitions given back at once);
    ``metrics``: the address and port its Prometheus metrics are served on."""
    context = build_context(settings)
    name = name or default_name()
    link = StreamLink(settings, name)
    broker = MqttConnection(settings, f"{settings.mqtt_client_id}-{name}")
    broker.start()
    try:
        link.ensure_stream()
        commands = MqttCommandTransport(broker.publish, settings.mqtt_topic_prefix)
        worker = Worker(context, link, name, commands=commands)
        if metrics is not None:
            WorkerMetrics(worker).serve(metrics[1], metrics[0])

        def stop(_signum: int, _frame: FrameType | None) -> None:
            worker.stopping.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        worker.run()
    finally:
        broker.stop()
        link.close()
        context.dispose()
