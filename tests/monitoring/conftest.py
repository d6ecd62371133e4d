from __future__ import annotations

import contextlib
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import nats.js.errors
import pytest
from fastapi.testclient import TestClient

from hazwatch.api.app import create_app
from hazwatch.core.auth.roles import SYSTEM
from hazwatch.core.clock import SystemClock
from hazwatch.core.context import Context
from hazwatch.monitoring import service
from hazwatch.monitoring.engine import MonitoringEngine
from hazwatch.monitoring.events import AlarmChange, Event, EventBus
from hazwatch.monitoring.interlocks.service import CommandTransport
from hazwatch.monitoring.kinds import PointKind
from hazwatch.monitoring.models import Alarm
from hazwatch.monitoring.schemas import DeviceIn, PointIn
from hazwatch.monitoring.workers.stream import StreamLink
from hazwatch.monitoring.workers.worker import Worker
from hazwatch.registry.demo import DemoIds, load_demo
from tests.services import NATS_URL, require


@dataclass
class Plant:
    demo: DemoIds
    o2_point: int
    level_point: int
    device_token: str
    device_id: int

    def low_alarm(self, at: datetime) -> Alarm:
        """The dry room's O2 alarm, active and unacknowledged since ``at`` (a row to add)."""
        return Alarm(
            site_id=self.demo["plant"],
            point_id=self.o2_point,
            source="O2-DRY1",
            condition="low",
            organisation_id=self.demo["lab"],
            priority="high",
            active=True,
            acked=False,
            state="active_unack",
            changed_at=at,
        )


@pytest.fixture
def plant(context: Context) -> Plant:
    """The demo district with the dry room as it should have been: a fixed O2 detector."""
    with context.unit_of_work() as session:
        demo = load_demo(session)
        device, token = service.create_device(
            session,
            SYSTEM,
            DeviceIn(site_id=demo["plant"], organisation_id=demo["lab"], code="GW-LAB"),
        )
        # The dry room's exhaust fan: interlock rules drive registered actuators only.
        service.create_device(
            session,
            SYSTEM,
            DeviceIn(
                site_id=demo["plant"],
                organisation_id=demo["lab"],
                code="FAN-DRY1",
                kind="actuator",
            ),
        )
        o2 = service.create_point(
            session,
            SYSTEM,
            PointIn(
                site_id=demo["plant"],
                organisation_id=demo["lab"],
                room_id=demo["dry_room_1"],
                device_id=device.id,
                code="O2-DRY1",
                kind=PointKind.O2,
                expected_interval_s=10,
            ),
        )
        level = service.create_point(
            session,
            SYSTEM,
            PointIn(
                site_id=demo["plant"],
                organisation_id=demo["lab"],
                tank_id=demo["ln2_tank"],
                code="LT-LN2",
                kind=PointKind.TANK_LEVEL,
                expected_interval_s=60,
                low="300",
                settings_reason="refill order point",
            ),
        )
        return Plant(demo, o2.id, level.id, token, device.id)


@pytest.fixture
def events() -> list[Event]:
    return []


@pytest.fixture
def engine(context: Context, plant: Plant, events: list[Event]) -> Iterator[MonitoringEngine]:
    bus = EventBus()
    bus.subscribe(events.append)
    engine = MonitoringEngine(context, bus)
    yield engine
    engine.close()


def alarm_changes(events: list[Event]) -> list[AlarmChange]:
    return [e for e in events if isinstance(e, AlarmChange)]


def wait_for(predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Poll until ``predicate`` holds (background threads: broker, writer, dispatcher)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


#: Partitions of the partitioned-mode tests (the ``partitioned`` fixture, ``owner``).
PARTITIONS = 2


@dataclass
class Partitioned:
    context: Context
    client: TestClient


@contextmanager
def partitioned_app(context: Context, **changes: Any) -> Iterator[Partitioned]:
    """The API app in the partitioned mode on a stream and subjects of its own (no worker
    yet); ``changes`` to its settings."""
    if context.engine.dialect.name != "postgresql":
        pytest.skip("the partitioned mode needs PostgreSQL (its leases are row locks)")
    require("NATS", NATS_URL, 4222)
    run = uuid.uuid4().hex[:10]
    settings = context.settings.model_copy(
        update={
            "stream_url": NATS_URL,
            "stream_name": f"HWTEST-{run}",
            "stream_subject_prefix": f"hwtest-{run}",
            "stream_partitions": PARTITIONS,
            "worker_lease_seconds": 2.0,
            **changes,
        }
    )
    api = replace(context, settings=settings)
    try:
        with TestClient(create_app(api, console=False)) as client:
            yield Partitioned(api, client)
    finally:
        link = StreamLink(settings, "test-cleanup")
        with contextlib.suppress(nats.js.errors.NotFoundError):
            link.call(link.js.delete_stream(settings.stream_name))
        link.close()


@pytest.fixture
def partitioned(context: Context, plant: Plant) -> Iterator[Partitioned]:
    """The API app in the partitioned mode (:func:`partitioned_app`)."""
    with partitioned_app(context) as app:
        yield app


@contextmanager
def owner(api: Context, commands: CommandTransport | None = None) -> Iterator[Worker]:
    """A worker holding every partition, its control subjects served (leases on the real
    clock, which PostgreSQL's rows are compared with)."""
    link = StreamLink(api.settings, "test-worker")
    link.ensure_stream()
    worker = Worker(
        replace(api, clock=SystemClock()),
        link,
        f"test-{uuid.uuid4().hex[:8]}",
        commands=commands,
    )
    thread = threading.Thread(target=worker.run, name="test-worker")
    thread.start()
    try:
        assert wait_for(
            lambda: (
                len(worker.runners) == PARTITIONS
                and all(runner.desk is not None for runner in list(worker.runners.values()))
            ),
            20,
        )
        yield worker
    finally:
        worker.stopping.set()
        thread.join(60)
        link.close()


#: Words of the landlord's notices of a tenant's sub-lease or inert-gas source
#: (registry.landlord.watch), in every channel's body: kept apart from the alarm ladders, as
#: are the dispatch notices the engine tick's scan sends regulators (their payload names
#: ``dispatch_id``, supervision.watch).
LANDLORD_NOTICES = ("转租", "惰性气体源", "sub-let", "inert-gas source")


class Received:
    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.notices: list[tuple[str, dict[str, Any]]] = []
        self.fail_next = 0


@pytest.fixture
def webhook() -> Iterator[tuple[str, Received]]:
    """A real HTTP endpoint on localhost that records what it is sent."""
    received = Received()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if received.fail_next:
                received.fail_next -= 1
                self.send_response(503)
                self.end_headers()
                return
            text = json.dumps(body, ensure_ascii=False)
            if "dispatch_id" in body or any(word in text for word in LANDLORD_NOTICES):
                received.notices.append((self.path, body))
            else:
                received.requests.append((self.path, body))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"errcode": 0}')

        def log_message(self, *_args: object) -> None:
            return

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", received
    server.shutdown()
