"""MQTT ingest against a real Mosquitto: the shared broker, and a private one we restart."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import func, select

from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.core.ports import free_port
from hazwatch.monitoring.engine import MonitoringEngine
from hazwatch.monitoring.events import AlarmChange, EventBus
from hazwatch.monitoring.models import Alarm, IngestRejection, Reading, ReadingMinute
from hazwatch.monitoring.mqtt import MqttIngest
from hazwatch.monitoring.writer import ReadingWriter
from tests.monitoring.conftest import Plant, wait_for
from tests.services import MQTT_URL, require


def publisher(port: int) -> mqtt.Client:
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"pub-{uuid.uuid4().hex[:8]}")
    client.connect("127.0.0.1", port)
    client.loop_start()
    return client


def ingest_for(context: Context, url: str, bus: EventBus) -> tuple[MqttIngest, MonitoringEngine]:
    prefix = f"hwtest-{uuid.uuid4().hex[:8]}"
    settings = context.settings.model_copy(
        update={
            "mqtt_url": url,
            "mqtt_topic_prefix": prefix,
            "mqtt_client_id": f"engine-{uuid.uuid4().hex[:8]}",
        }
    )
    engine = MonitoringEngine(context, bus, writer=ReadingWriter(context.engine, threaded=True))
    ingest = MqttIngest(settings, engine)
    ingest.start()
    assert ingest.connection.connected.wait(10), "engine did not connect to the broker"
    return ingest, engine


def count(context: Context, model: type) -> int:
    with context.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_low_oxygen_over_mqtt_raises_an_alarm(
    context: Context, plant: Plant, clock: ManualClock
) -> None:
    require("MQTT", MQTT_URL, 1883)
    changes: list[AlarmChange] = []
    bus = EventBus()
    bus.subscribe(lambda e: changes.append(e) if isinstance(e, AlarmChange) else None)
    ingest, engine = ingest_for(context, MQTT_URL, bus)
    try:
        prefix = ingest.prefix
        site = plant.demo["plant"]
        ts = clock.now().isoformat()
        payload = json.dumps(
            {
                "point": "O2-DRY1",
                "ts": ts,
                "value": 19.1,
                "unit": "%vol",
                "token": plant.device_token,
            }
        )
        topic = f"{prefix}/v1/{site}/GW-LAB/reading"
        if shutil.which("mosquitto_pub"):  # the command a person would type
            subprocess.run(
                [
                    "mosquitto_pub",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    "1883",
                    "-q",
                    "1",
                    "-t",
                    topic,
                    "-m",
                    payload,
                ],
                check=True,
                timeout=10,
            )
        else:
            publisher(1883).publish(topic, payload, qos=1).wait_for_publish(5)
        assert wait_for(lambda: any(c.condition == "low" for c in changes))
        client = publisher(1883)
        client.publish(f"{prefix}/v1/{site}/GW-LAB/batch", b"{broken", qos=1).wait_for_publish(5)
        client.publish(f"{prefix}/v1/{site}/NO-DEVICE/reading", payload, qos=1).wait_for_publish(5)
        engine.flush()
        assert wait_for(lambda: count(context, IngestRejection) >= 2)
        client.loop_stop()
        client.disconnect()
    finally:
        ingest.stop()
        engine.close()
    with context.sessions() as session:
        reasons = set(session.scalars(select(IngestRejection.reason)))
    assert {"malformed_json", "unknown_device"} <= reasons
    assert count(context, Alarm) == 1


@pytest.fixture
def private_broker(tmp_path: Path) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    """A Mosquitto of our own (persistent, so queued QoS 1 messages survive a restart)."""
    yield from own_broker(tmp_path, persistent=True)


def own_broker(
    folder: Path, *, persistent: bool
) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    """A Mosquitto of the test's own on a free port, its files in ``folder``: call what this
    yields to start it (again, after killing it, to restart it; ``.port`` is its port).
    ``persistent`` keeps sessions and queued messages across a restart, else it forgets them."""
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    if not Path(binary).exists():
        require("mosquitto binary", "mqtt://127.0.0.1:1", 1)
    port = free_port()
    config = folder / "mosquitto.conf"
    kept = f"persistence true\npersistence_location {folder}/\n"
    config.write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous true\n"
        + (kept if persistent else "persistence false\n")
    )
    processes: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [binary, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        processes.append(process)
        assert wait_for(lambda: _listening(port), 5)
        return process

    start.port = port  # type: ignore[attr-defined]
    yield start
    for process in processes:
        process.terminate()
        process.wait(5)


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), 0.2):
            return True
    except OSError:
        return False


def test_broker_restart_loses_nothing_and_duplicates_nothing(
    context: Context,
    plant: Plant,
    clock: ManualClock,
    private_broker: Callable[[], subprocess.Popen[bytes]],
) -> None:
    port = private_broker.port  # type: ignore[attr-defined]
    broker = private_broker()
    ingest, engine = ingest_for(context, f"mqtt://127.0.0.1:{port}", EventBus())
    topic = f"{ingest.prefix}/v1/{plant.demo['plant']}/GW-LAB/batch"

    def batch(start: int) -> bytes:
        readings = [
            {
                "point": "O2-DRY1",
                "ts": (clock.now() - timedelta(seconds=600 - i)).isoformat(),
                "value": 20.4 + (i % 2) * 0.5,  # each moves more than the storage deviation
                "unit": "%vol",
                "seq": i,
            }
            for i in range(start, start + 50)
        ]
        return json.dumps({"readings": readings}).encode()

    try:
        client = publisher(port)
        client.publish(topic, batch(0), qos=1).wait_for_publish(5)
        assert wait_for(lambda: count(context, Reading) == 50)
        broker.terminate()
        broker.wait(5)
        assert wait_for(lambda: not ingest.connection.connected.is_set(), 5)
        broker = private_broker()  # same persistence file: the engine's session survives
        assert ingest.connection.connected.wait(40), "engine did not reconnect"
        client.loop_stop()
        client = publisher(port)
        client.publish(topic, batch(25), qos=1).wait_for_publish(5)  # half re-sent
        client.publish(topic, batch(75), qos=1).wait_for_publish(5)
        assert wait_for(lambda: count(context, Reading) == 125, 20)
        engine.flush()
        time.sleep(0.3)
        assert count(context, Reading) == 125
        with context.sessions() as session:  # and each counted once in its minute
            assert session.scalar(select(func.sum(ReadingMinute.count))) == 125
        client.loop_stop()
        client.disconnect()
    finally:
        ingest.stop()
        engine.close()
