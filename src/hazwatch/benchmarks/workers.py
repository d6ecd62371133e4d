"""Partitioned ingest under load, for ``hazwatch bench workers`` and the fault tests.

A private NATS server with JetStream (restartable, its store in a temporary folder), a
throw-away database with many sites, ``hazwatch worker run`` processes started and killed
like an operator would, and a publisher that puts single-reading messages on the partition
subjects (what the MQTT bridge does). Every point's readings go up from 20.5 %vol, then
drop below the low limit once (one low alarm each, never cleared), so "every reading stored
once" and "every alarm raised once" can be counted in the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import multiprocessing
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import partial
from multiprocessing.process import BaseProcess
from pathlib import Path

from sqlalchemy import delete, func, select

from hazwatch.core.auth.roles import SYSTEM
from hazwatch.core.context import Context, build_context
from hazwatch.core.db import Base
from hazwatch.core.errors import Unavailable
from hazwatch.core.ports import free_port
from hazwatch.core.settings import Settings
from hazwatch.monitoring import service
from hazwatch.monitoring.engine import MonitoringEngine
from hazwatch.monitoring.escalation.models import Escalation, Notification
from hazwatch.monitoring.kinds import PointKind
from hazwatch.monitoring.models import (
    Alarm,
    AlarmEvent,
    IngestRejection,
    PointState,
    Reading,
    ReadingMinute,
)
from hazwatch.monitoring.schemas import DeviceIn, PointIn
from hazwatch.monitoring.sharding import partition_of
from hazwatch.monitoring.workers import control, worker
from hazwatch.monitoring.workers.models import PartitionLease, StreamWorker
from hazwatch.monitoring.workers.stream import Puller, StreamLink, message_id, subject_for
from hazwatch.registry import service as registry
from hazwatch.registry.demo import load_demo
from hazwatch.registry.resources import RESOURCES

_FORK = multiprocessing.get_context("fork")

#: Readings a point sends before it drops below the low limit (its one alarm).
NORMAL_BEFORE_LOW = 5
#: Time between a point's readings in a throughput run (many rounds stay recent).
STEP = timedelta(milliseconds=10)


def nats_binary() -> str | None:
    found = shutil.which("nats-server")
    if found:
        return found
    return "/usr/sbin/nats-server" if Path("/usr/sbin/nats-server").exists() else None


class NatsServer:
    """A private ``nats-server -js`` whose store survives :meth:`kill` and :meth:`start`;
    with ``config``, that configuration file (JetStream and users, e.g.
    ``deploy/nats/hazwatch.conf``) and the ``environment`` it reads passwords from."""

    def __init__(
        self,
        binary: str,
        folder: Path,
        config: Path | None = None,
        environment: dict[str, str] | None = None,
    ) -> None:
        self.binary = binary
        self.folder = folder
        self.config = config
        self.environment = environment
        self.port = free_port()
        self.url = f"nats://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Started and answering on its port; a server that exits instead (its port taken
        meanwhile by another process, a bad configuration) is an error naming its log, not
        someone else's server answering in its place."""
        command = [self.binary, "-a", "127.0.0.1", "-p", str(self.port), "-sd", str(self.folder)]
        command += ["-js"] if self.config is None else ["-c", str(self.config)]
        log_file = self.folder / "nats-server.log"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [*command, "-l", str(log_file)],
            env=None if self.environment is None else {**os.environ, **self.environment},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        written = log_file.stat().st_size if log_file.exists() else 0
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.process.poll() is None:
            with contextlib.suppress(OSError), log_file.open("rb") as log:
                log.seek(written)
                if b"Server is ready" in log.read():  # this process listens, not another
                    return
            time.sleep(0.05)
        self.kill()
        told = log_file.read_text()[-2000:] if log_file.exists() else "(no log)"
        raise RuntimeError(f"the private NATS server did not start on {self.port}: {told}")

    def kill(self) -> None:
        """SIGKILL: what a crash or a power loss does to the stream server."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None


@contextmanager
def private_nats(
    config: Path | None = None, environment: dict[str, str] | None = None
) -> Iterator[NatsServer]:
    binary = nats_binary()
    if binary is None:
        raise FileNotFoundError("nats-server is not installed (Debian package 'nats-server')")
    with tempfile.TemporaryDirectory() as folder:
        server = NatsServer(binary, Path(folder), config, environment)
        server.start()
        try:
            yield server
        finally:
            server.kill()


@dataclass
class Sites:
    """Sites with one gateway and some O2 points each."""

    context: Context
    #: (site id, device code, point codes)
    sites: list[tuple[int, str, list[str]]]

    @property
    def points(self) -> int:
        return sum(len(codes) for _site, _device, codes in self.sites)


def build_sites(settings: Settings, url: str, sites: int, points: int) -> Sites:
    """``sites`` sites of ``points`` O2 points each, every change of value stored (so every
    reading is a row to count)."""
    context = build_context(settings.model_copy(update={"database_url": url}))
    Base.metadata.create_all(context.engine)
    made = []
    with context.unit_of_work() as session:
        demo = load_demo(session)
        for index in range(sites):
            site = registry.create_object(
                session,
                SYSTEM,
                RESOURCES["sites"],
                {
                    "organisation_id": demo["landlord"],
                    "jurisdiction_id": demo["street"],
                    "name": f"负载测试厂区 {index}",
                },
            )
            building = registry.create_object(
                session,
                SYSTEM,
                RESOURCES["buildings"],
                {"site_id": site.id, "organisation_id": demo["landlord"], "name": "1号楼"},
            )
            room = registry.create_object(
                session,
                SYSTEM,
                RESOURCES["rooms"],
                {
                    "building_id": building.id,
                    "organisation_id": demo["lab"],
                    "name": "气瓶间",
                    "length_m": "4",
                    "width_m": "3",
                    "height_m": "3",
                },
            )
            code = f"GW-{index:03d}"
            device, _token = service.create_device(
                session, SYSTEM, DeviceIn(site_id=site.id, organisation_id=demo["lab"], code=code)
            )
            codes = []
            for number in range(points):
                point = f"O2-{index:03d}-{number:03d}"
                service.create_point(
                    session,
                    SYSTEM,
                    PointIn(
                        site_id=site.id,
                        organisation_id=demo["lab"],
                        room_id=room.id,
                        device_id=device.id,
                        code=point,
                        kind=PointKind.O2,
                        expected_interval_s=3600,
                        off_delay_s=0,
                        deadband=0,
                        storage_deviation=0,
                        settings_reason="load test: every reading stored",
                    ),
                )
                codes.append(point)
            made.append((int(site.id), code, codes))
    return Sites(context, made)


def worker_settings(
    settings: Settings, url: str, stream_url: str, partitions: int, lease_s: float
) -> Settings:
    return settings.model_copy(
        update={
            "database_url": url,
            "stream_url": stream_url,
            "stream_partitions": partitions,
            "worker_lease_seconds": lease_s,
            "ingest_enabled": True,
        }
    )


def _run_worker(settings: Settings, name: str, log: Path, metrics_port: int | None) -> None:
    logging.basicConfig(
        filename=log, level=logging.WARNING, format="%(asctime)s %(name)s %(message)s", force=True
    )
    metrics = None if metrics_port is None else ("127.0.0.1", metrics_port)
    worker.serve(settings, name, metrics)


def start_worker(
    settings: Settings, name: str, log: Path, metrics_port: int | None = None
) -> BaseProcess:
    """A worker process (what ``hazwatch worker run --name NAME [--metrics-port N]``
    runs), forked from this one so that it starts at once instead of importing HazWatch
    again."""
    process = _FORK.Process(target=_run_worker, args=(settings, name, log, metrics_port), name=name)
    process.start()
    return process


def stop_worker(process: BaseProcess) -> None:
    """SIGTERM: the worker stores what it took and gives its partitions back."""
    if process.is_alive():
        process.terminate()
        process.join(30)
    if process.is_alive():
        process.kill()
        process.join(10)


def kill_worker(process: BaseProcess) -> None:
    """SIGKILL: what a crash does (nothing flushed, nothing given back)."""
    process.kill()
    process.join(10)


def owners(context: Context, now: datetime) -> dict[int, str]:
    """{partition: worker name} of the leases that hold now."""
    with context.sessions() as session:
        rows = session.execute(
            select(PartitionLease.partition, StreamWorker.name)
            .join(StreamWorker, StreamWorker.id == PartitionLease.worker_id)
            .where(PartitionLease.expires_at > now)
        ).all()
    return {int(partition): str(name) for partition, name in rows}


def owned_by(context: Context, names: set[str], partitions: int) -> bool:
    """Whether every partition is owned, by exactly the workers ``names``."""
    now = owners(context, datetime.now(UTC))
    return len(now) == partitions and set(now.values()) == names


def wait_for(condition: Callable[[], bool], timeout: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


@dataclass
class Plan:
    """What a publisher sends: ``rounds`` readings per point, one message each; with
    ``drop`` every point falls below its low limit after :data:`NORMAL_BEFORE_LOW` readings
    (an alarm storm: every point alarms), without it every reading is normal (the steady
    state a throughput figure is about)."""

    sites: Sites
    rounds: int
    start: datetime
    drop: bool = True
    #: Time between a point's readings.
    step: timedelta = timedelta(seconds=1)
    messages: list[tuple[str, bytes, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for step in range(self.rounds):
            at = self.start + self.step * step
            for site_id, device, codes in self.sites.sites:
                for number, code in enumerate(codes):
                    value = (
                        20.5 + step * 0.0001
                        if step < NORMAL_BEFORE_LOW or not self.drop
                        else 19.0 - (step - NORMAL_BEFORE_LOW) * 0.0001 - number * 1e-7
                    )
                    payload = json.dumps(
                        {
                            "point": code,
                            "ts": int(at.timestamp() * 1000),
                            "value": round(value, 7),
                            "unit": "%vol",
                        }
                    ).encode()
                    topic = f"hazwatch/v1/{site_id}/{device}/reading"
                    self.messages.append((topic, payload, device))

    @property
    def alarms(self) -> int:
        """Low alarms expected: one per point that reached its drop."""
        return self.sites.points if self.drop and self.rounds > NORMAL_BEFORE_LOW else 0


def publish(
    link: StreamLink,
    partitions: int,
    messages: list[tuple[str, bytes, str]],
    ids: list[str] | None = None,
) -> None:
    """Store every message in the stream (as the bridge does, ``Nats-Msg-Id`` from the topic
    and payload unless ``ids`` says otherwise), a window at a time; a message the server did
    not confirm (it was restarting) is sent again."""

    async def send(index: int) -> None:
        topic, payload, device = messages[index]
        subject = subject_for(link.prefix, partitions, int(topic.split("/")[2]), device, "reading")
        msg_id = ids[index] if ids is not None else message_id(topic, payload)
        for _attempt in range(50):
            try:
                await link.js.publish(subject, payload, headers={"Nats-Msg-Id": msg_id})
                return
            except Exception:  # the server away for a moment: the same message again
                await asyncio.sleep(0.2)
        raise RuntimeError(f"the stream did not take {subject}")

    async def send_all() -> None:
        window = 500
        for offset in range(0, len(messages), window):
            await asyncio.gather(
                *(send(i) for i in range(offset, min(offset + window, len(messages))))
            )

    link.call(send_all(), timeout=None)


def stored(context: Context) -> int:
    with context.sessions() as session:
        return session.scalar(select(func.count()).select_from(Reading)) or 0


def raised(context: Context) -> dict[int, int]:
    """Raise events per alarm."""
    with context.sessions() as session:
        rows = session.execute(
            select(AlarmEvent.alarm_id, func.count())
            .where(AlarmEvent.event == "raise")
            .group_by(AlarmEvent.alarm_id)
        ).all()
    return {int(alarm_id): int(count) for alarm_id, count in rows}


def reset(context: Context) -> None:
    """Forget every reading, alarm, escalation and worker (the sites and points stay)."""
    with context.unit_of_work() as session:
        for model in (
            Notification,
            Escalation,
            AlarmEvent,
            Alarm,
            Reading,
            ReadingMinute,
            PointState,
            IngestRejection,
            PartitionLease,
            StreamWorker,
        ):
            session.execute(delete(model))


@dataclass
class Throughput:
    workers: int
    messages: int
    #: From the first message published to the last reading stored (publisher alongside).
    seconds: float
    #: Of which the publisher took this long to have the stream store every message.
    publish_seconds: float
    #: A backlog of as many messages waiting in the stream, taken by the workers: from the
    #: first of its readings stored to the last (the workers' own rate, no publisher).
    backlog_seconds: float
    #: The same messages taken by a bare consumer (fetch and acknowledge, nothing else).
    bare_per_s: float
    #: CPU seconds the worker processes spent on the backlog (None: not known here); on a
    #: machine shared with other work the rate per CPU second is the steadier figure.
    backlog_cpu_s: float | None = None

    @property
    def per_s(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0

    @property
    def publish_per_s(self) -> float:
        return self.messages / self.publish_seconds if self.publish_seconds else 0.0

    @property
    def backlog_per_s(self) -> float:
        return self.messages / self.backlog_seconds if self.backlog_seconds else 0.0

    @property
    def per_cpu_s(self) -> float | None:
        """Readings of the backlog per CPU second of the workers."""
        return self.messages / self.backlog_cpu_s if self.backlog_cpu_s else None


def cpu_seconds(processes: list[BaseProcess]) -> float | None:
    """User and system CPU seconds the processes used so far (Linux: /proc; else None)."""
    total = 0.0
    for process in processes:
        try:
            fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _bare(link: StreamLink, partitions: int, total: int, timeout: float) -> float:
    """Readings/s of consumers that only take and acknowledge (the workers' own pulling,
    one per partition, in this process): what the stream itself delivers on this machine."""
    pullers = [Puller(link, partition) for partition in range(partitions)]
    for puller in pullers:
        link.call(puller.start())
    taken = 0
    started = time.monotonic()
    deadline = started + timeout
    try:
        while taken < total and time.monotonic() < deadline:
            for puller in pullers:
                messages = puller.take(10_000, 0.005)
                link.ack_all(messages)
                taken += len(messages)
        seconds = time.monotonic() - started
    finally:
        for puller in pullers:
            link.unsubscribe(puller)
    return taken / seconds


def _drained(context: Context, before: int, total: int, timeout: float) -> float:
    """Seconds from the first of ``total`` new readings stored to the last (0: timed out)."""
    deadline = time.monotonic() + timeout
    first = None
    while time.monotonic() < deadline:
        now = stored(context) - before
        if now > 0 and first is None:
            first = time.monotonic()
        if now >= total:
            return time.monotonic() - (first or time.monotonic())
        time.sleep(0.02)
    return 0.0


def throughput(
    sites: Sites,
    settings: Settings,
    workers: int,
    rounds: int,
    folder: Path,
    timeout: float = 120.0,
) -> Throughput:
    """Single-reading messages through ``workers`` worker processes: a backlog waiting in
    the stream when they start, then live (from the first message published to the last
    reading stored, the publisher running alongside as devices do)."""
    reset(sites.context)
    partitions = settings.stream_partitions
    names = [f"bench-{count}" for count in range(workers)]
    link = StreamLink(settings, "bench-publisher")
    started_workers: list[BaseProcess] = []
    try:
        link.ensure_stream()
        # recent readings (older than a point's stale limit, every point would alarm and
        # the figure would be an alarm storm's), a point's readings STEP apart
        start = datetime.now(UTC) - STEP * rounds * 2 - timedelta(seconds=5)
        warm = Plan(sites, 1, start - timedelta(seconds=1), drop=False)
        backlog = Plan(sites, rounds, start, drop=False, step=STEP)
        publish(link, partitions, warm.messages + backlog.messages)
        started_workers = [start_worker(settings, name, folder / "bench.log") for name in names]
        wait_for(lambda: owned_by(sites.context, set(names), partitions), 120)
        # every partition's engine loaded and serving once the warm reading of each point is in
        wait_for(lambda: stored(sites.context) >= 1, timeout, 0.02)
        cpu_before = cpu_seconds(started_workers)
        waiting = len(warm.messages) + len(backlog.messages)
        # The first worker up may take most of the backlog before the others hold their
        # share: then there is nothing left to time with every worker at work (0: not measured)
        taken_early = stored(sites.context) > len(warm.messages) + len(backlog.messages) // 10
        backlog_seconds = 0.0 if taken_early else _drained(sites.context, 0, waiting, timeout)
        cpu_after = cpu_seconds(started_workers)
        backlog_cpu = (
            cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
        )
        before = stored(sites.context)
        plan = Plan(sites, rounds, start + STEP * rounds, drop=False, step=STEP)
        started = time.monotonic()
        publish(link, partitions, plan.messages)
        publish_seconds = time.monotonic() - started
        wait_for(lambda: stored(sites.context) - before >= len(plan.messages), timeout, 0.02)
        seconds = time.monotonic() - started
        taken = stored(sites.context) - before
    finally:
        for process in started_workers:
            stop_worker(process)
    try:
        again = Plan(sites, rounds, datetime.now(UTC) - timedelta(hours=1), drop=False)
        publish(link, partitions, again.messages)
        bare = _bare(link, partitions, len(plan.messages), timeout)
    finally:
        link.close()
    return Throughput(workers, taken, seconds, publish_seconds, backlog_seconds, bare, backlog_cpu)


@dataclass
class Handover:
    #: From the kill to every partition owned by the survivor.
    claimed_s: float
    #: From the kill to the first reading of a moved partition stored by the survivor.
    serving_s: float


def handover(sites: Sites, settings: Settings, folder: Path, timeout: float = 60.0) -> Handover:
    """Two workers; one is killed (SIGKILL) and readings keep coming for its sites."""
    reset(sites.context)
    first = start_worker(settings, "bench-a", folder / "bench.log")
    second = start_worker(settings, "bench-b", folder / "bench.log")
    link = StreamLink(settings, "bench-publisher")
    try:
        wait_for(
            lambda: (
                set(owners(sites.context, datetime.now(UTC)).values()) == {"bench-a", "bench-b"}
                and len(owners(sites.context, datetime.now(UTC))) == settings.stream_partitions
            ),
            120,
        )
        moved = {
            p for p, name in owners(sites.context, datetime.now(UTC)).items() if name == "bench-a"
        }
        plan = Plan(sites, 1, datetime.now(UTC) - timedelta(minutes=1), drop=False)
        victims = [
            message
            for message in plan.messages
            if partition_of(int(message[0].split("/")[2]), settings.stream_partitions) in moved
        ]
        kill_worker(first)
        killed = time.monotonic()
        publish(link, settings.stream_partitions, victims)
        wait_for(
            lambda: (
                set(owners(sites.context, datetime.now(UTC)).values()) == {"bench-b"}
                and len(owners(sites.context, datetime.now(UTC))) == settings.stream_partitions
            ),
            timeout,
            0.05,
        )
        claimed = time.monotonic() - killed
        wait_for(lambda: stored(sites.context) >= len(victims), timeout, 0.05)
        serving = time.monotonic() - killed
    finally:
        kill_worker(first)
        stop_worker(second)
        link.close()
    return Handover(claimed, serving)


@dataclass
class Latency:
    """Milliseconds from a reading's publication to its alarm being in the database."""

    rate: float
    #: Raised before the kill.
    steady_ms: list[float]
    #: Raised from readings published after one of the two workers was killed.
    handover_ms: list[float]
    #: Low readings the stream confirmed (each should raise an alarm).
    expected: int
    #: Publications the stream did not confirm (the server away while its peer was killed):
    #: their readings were never in the stream, so no alarm is owed for them.
    unconfirmed: int


def latency(sites: Sites, settings: Settings, folder: Path, rate: float, seconds: float) -> Latency:
    """Two workers take readings published at ``rate``; one message in 100 on every second
    round of a point is below the low limit (its alarm raised, and cleared by the point's
    next reading); halfway through one worker is killed (SIGKILL), so the readings of its
    sites wait for the hand-over. An alarm counts once it is in the database (polled every
    20 ms, the poll included in the figure)."""
    reset(sites.context)
    names = ["lat-a", "lat-b"]
    started_workers = [start_worker(settings, name, folder / "bench.log") for name in names]
    link = StreamLink(settings, "bench-latency")
    points = [(site, device, code) for site, device, codes in sites.sites for code in codes]
    total = int(rate * seconds)
    killed_at: list[float] = []
    try:
        wait_for(lambda: owned_by(sites.context, set(names), settings.stream_partitions), 120)

        async def paced() -> tuple[int, int]:
            began = time.monotonic()
            sent: list[asyncio.Task[object]] = []
            lows: list[bool] = []
            for index in range(total):
                site, device, code = points[index % len(points)]
                low = index % 100 == 0 and (index // len(points)) % 2 == 0
                lows.append(low)
                payload = json.dumps(
                    {
                        "point": code,
                        "ts": int(time.time() * 1000),
                        "value": 19.0 if low else 20.9,
                        "unit": "%vol",
                    }
                ).encode()
                subject = subject_for(
                    link.prefix, settings.stream_partitions, site, device, "reading"
                )
                sent.append(
                    asyncio.ensure_future(
                        link.js.publish(
                            subject,
                            payload,
                            headers={"Nats-Msg-Id": message_id(subject, payload)},
                        )
                    )
                )
                if not killed_at and index >= total // 2:
                    kill_worker(started_workers[0])
                    killed_at.append(time.time() * 1000)
                delay = began + (index + 1) / rate - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
            confirmed = [
                not isinstance(answer, BaseException)
                for answer in await asyncio.gather(*sent, return_exceptions=True)
            ]
            owed = sum(low and ok for low, ok in zip(lows, confirmed, strict=True))
            return owed, confirmed.count(False)

        observed: list[tuple[float, float]] = []
        done = threading.Event()

        def poll() -> None:
            # Every raise, not only ids above the highest seen: two workers commit at once,
            # and an id drawn first can be committed after a later one (the run counted 202
            # of 205 alarms when it looked only above the highest id).
            seen: set[int] = set()
            while not done.is_set():
                with sites.context.sessions() as session:
                    rows = session.execute(
                        select(AlarmEvent.id, AlarmEvent.at).where(AlarmEvent.event == "raise")
                    ).all()
                now = time.time() * 1000
                for event_id, at in rows:
                    if event_id not in seen:
                        seen.add(event_id)
                        observed.append((at.timestamp() * 1000, now))
                time.sleep(0.02)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        expected, unconfirmed = link.call(paced(), timeout=None)
        wait_for(lambda: len(observed) >= expected, 60, 0.1)
        done.set()
        poller.join(5)
    finally:
        kill_worker(started_workers[0])
        stop_worker(started_workers[1])
        link.close()
    kill = killed_at[0] if killed_at else float("inf")
    steady = [seen - at for at, seen in observed if at < kill]
    moved = [seen - at for at, seen in observed if at >= kill]
    return Latency(rate, steady, moved, expected, unconfirmed)


@dataclass
class Actions:
    """Milliseconds of operator actions as the API process sees them (issue 17 follow-up:
    actions sent to the owning worker, ``monitoring.workers.control``)."""

    #: Comments sent to the owning worker process and answered after its commit.
    via_owner_ms: list[float]
    #: Acknowledgements the same way (one per alarm: a second changes nothing).
    ack_ms: list[float]
    #: The same comments applied by an engine in this process (the single-process mode).
    in_process_ms: list[float]
    #: A comment refused because nobody owns the partition (503 owner_unavailable).
    refused_ms: list[float]


def actions(sites: Sites, settings: Settings, folder: Path, count: int) -> Actions:
    """One worker process raises one low alarm per point; this process, as the API does,
    sends ``count`` comments and one acknowledgement per alarm to it, then (the worker
    stopped) the same comments through an engine of its own, and a few to the partitions
    now without an owner."""
    reset(sites.context)
    context = replace(sites.context, settings=settings)
    process = start_worker(settings, "act-a", folder / "bench.log")
    link = StreamLink(settings, "bench-actions")
    owners = control.Owners(context)
    try:
        wait_for(lambda: owned_by(context, {"act-a"}, settings.stream_partitions), 120)
        plan = Plan(sites, NORMAL_BEFORE_LOW + 1, datetime.now(UTC) - timedelta(minutes=1))
        publish(link, settings.stream_partitions, plan.messages)
        wait_for(lambda: len(raised(context)) >= plan.alarms, 60)
        alarms = sorted(raised(context))
        wait_for(lambda: _answers(owners, alarms[0]), 30)  # every runner listening
        comments = [
            _timed(partial(owners.comment, alarms[i % len(alarms)], SYSTEM, "bench"))
            for i in range(count)
        ]
        acks = [_timed(partial(owners.acknowledge, alarm_id, SYSTEM)) for alarm_id in alarms]
    finally:
        stop_worker(process)
        link.close()
    engine = MonitoringEngine(context)
    try:
        local = [
            _timed(partial(engine.comment, alarms[i % len(alarms)], SYSTEM, "bench"))
            for i in range(count)
        ]
    finally:
        engine.close()
    refused = []
    for alarm_id in alarms[:20]:
        began = time.perf_counter()
        try:
            owners.comment(alarm_id, SYSTEM, "bench")
        except Unavailable:
            refused.append((time.perf_counter() - began) * 1000)
    owners.close()
    return Actions(comments, acks, local, refused)


def _answers(owners: control.Owners, alarm_id: int) -> bool:
    try:
        owners.comment(alarm_id, SYSTEM, "bench: owner ready")
    except Unavailable:
        return False
    return True


def _timed(action: Callable[[], None]) -> float:
    """Milliseconds ``action`` took."""
    began = time.perf_counter()
    action()
    return (time.perf_counter() - began) * 1000
