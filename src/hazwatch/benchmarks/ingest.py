"""Ingest benchmark: broker → decode → alarm evaluation → persistence.

A publisher in a separate process (the second core) sends readings to Mosquitto with QoS 1;
the engine ingests them through the same MQTT path as production. Measured:

* sustained readings per second until the last reading is stored, for single-reading
  messages and for gateway batches of 100;
* publish-to-alarm latency percentiles at half the sustained single-message rate, where one
  message in ten flips an O2 alarm (the engine persists each transition before publishing it);
* the rate at which a bare paho subscriber receives the same messages, as a ceiling.
"""

from __future__ import annotations

import json
import multiprocessing
import statistics
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from urllib.parse import urlparse

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from hazwatch.benchmarks.fixture import BenchSite
from hazwatch.monitoring.engine import MonitoringEngine
from hazwatch.monitoring.events import AlarmChange, Event, EventBus
from hazwatch.monitoring.mqtt import MqttIngest
from hazwatch.monitoring.writer import ReadingWriter

BATCH = 100


@dataclass
class IngestFigures:
    backend: str
    mode: str
    readings: int
    rate: float


def _client(url: str, name: str) -> mqtt.Client:
    parsed = urlparse(url)
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"{name}-{uuid.uuid4().hex[:6]}")
    client.max_inflight_messages_set(2000)
    client.max_queued_messages_set(0)
    client.connect(parsed.hostname or "127.0.0.1", parsed.port or 1883)
    return client


def _publish(
    url: str,
    topic: str,
    codes: list[str],
    messages: int,
    batch: int,
    rate: float,
    alarm_every: int,
    start_ms: int,
) -> None:
    """Runs in its own process: publish as fast as possible, or paced at ``rate``."""
    client = _client(url, "bench-pub")
    client.loop_start()
    sequence = 0
    pending: list[mqtt.MQTTMessageInfo] = []
    began = time.perf_counter()
    for index in range(messages):
        readings = []
        for _ in range(batch):
            point = codes[sequence % len(codes)]
            value = 20.9
            if alarm_every and sequence % alarm_every == 0:
                value = 19.0 if (sequence // alarm_every) % 2 == 0 else 21.0
                point = codes[0]
            stamp = int(time.time() * 1000) if rate else start_ms + sequence
            readings.append({"point": point, "ts": stamp, "value": value, "unit": "%vol"})
            sequence += 1
        payload = readings[0] if batch == 1 else {"readings": readings}
        pending.append(client.publish(topic, json.dumps(payload), qos=1))
        if rate:
            delay = began + (index + 1) / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
    for info in pending:  # QoS 1: leave only once the broker has every message
        info.wait_for_publish(60)
    client.disconnect()
    client.loop_stop()


def _run_publisher(
    url: str,
    topic: str,
    codes: list[str],
    messages: int,
    batch: int,
    rate: float = 0.0,
    alarm_every: int = 0,
) -> BaseProcess:
    start_ms = int(time.time() * 1000) - 10 * 60 * 1000 - messages * batch
    process = multiprocessing.get_context("spawn").Process(
        target=_publish, args=(url, topic, codes, messages, batch, rate, alarm_every, start_ms)
    )
    process.start()
    return process


def _measure(count: Callable[[], int], total: int, timeout: float) -> float:
    """Readings per second from the first arrival to the last (process start-up excluded)."""
    began = time.perf_counter()
    while count() == 0:
        if time.perf_counter() - began > timeout:
            raise TimeoutError("nothing arrived")
        time.sleep(0.002)
    first_at, first = time.perf_counter(), count()
    while count() < total:
        if time.perf_counter() - began > timeout:
            raise TimeoutError("benchmark did not finish in time")
        time.sleep(0.005)
    elapsed = time.perf_counter() - first_at
    return (total - first) / elapsed if elapsed > 0 else 0.0


def sustained(
    site: BenchSite, backend: str, url: str, messages: int, batch: int, timeout: float = 600
) -> IngestFigures:
    engine, ingest = _engine(site, url)
    try:
        topic = f"{ingest.prefix}/v1/{site.site_id}/{site.device_code}/" + (
            "reading" if batch == 1 else "batch"
        )
        total = messages * batch
        base = engine.writer_count()
        stored = engine.writer_count
        process = _run_publisher(url, topic, site.point_codes, messages, batch)
        rate = _measure(lambda: stored() - base, total, timeout)
        process.join(30)
    finally:
        ingest.stop()
        engine.close()
    return IngestFigures(backend, "single" if batch == 1 else f"batch of {batch}", total, rate)


def latency(site: BenchSite, url: str, rate: float, seconds: float) -> list[float]:
    """Milliseconds from publish to the alarm transition reaching a bus listener."""
    samples: list[float] = []

    def listen(event: Event) -> None:
        if isinstance(event, AlarmChange) and event.condition == "low":
            samples.append(time.time() * 1000 - event.at.timestamp() * 1000)

    engine, ingest = _engine(site, url, listen)
    try:
        topic = f"{ingest.prefix}/v1/{site.site_id}/{site.device_code}/reading"
        process = _run_publisher(url, topic, site.point_codes, int(rate * seconds), 1, rate, 100)
        process.join(seconds + 120)
        engine.flush()
    finally:
        ingest.stop()
        engine.close()
    return samples


def bare_subscriber(
    site: BenchSite, url: str, messages: int, batch: int, timeout: float = 600
) -> float:
    """Messages per second a subscriber doing nothing receives (readings/s)."""
    prefix = f"bare-{uuid.uuid4().hex[:6]}"
    received = [0]
    ready = threading.Event()
    client = _client(url, "bench-bare")
    client.on_message = lambda _c, _u, _m: received.__setitem__(0, received[0] + 1)
    client.on_subscribe = lambda *_args: ready.set()
    client.subscribe(f"{prefix}/#", qos=1)
    client.loop_start()
    ready.wait(10)
    topic = f"{prefix}/v1/{site.site_id}/{site.device_code}/x"
    process = _run_publisher(url, topic, site.point_codes, messages, batch)
    rate = _measure(lambda: received[0], messages, timeout) * batch
    process.join(30)
    client.loop_stop()
    client.disconnect()
    return rate


def _engine(
    site: BenchSite, url: str, listener: Callable[[Event], None] | None = None
) -> tuple[MonitoringEngine, MqttIngest]:
    bus = EventBus()
    if listener is not None:
        bus.subscribe(listener)
    engine = MonitoringEngine(
        site.context, bus, writer=ReadingWriter(site.context.engine, threaded=True)
    )
    settings = site.context.settings.model_copy(
        update={
            "mqtt_url": url,
            "mqtt_topic_prefix": f"bench-{uuid.uuid4().hex[:6]}",
            "mqtt_client_id": f"bench-engine-{uuid.uuid4().hex[:6]}",
        }
    )
    ingest = MqttIngest(settings, engine)
    ingest.start()
    if not ingest.connection.connected.wait(10):
        raise ConnectionError(f"cannot reach the MQTT broker at {url}")
    return engine, ingest


def percentiles(samples: list[float]) -> dict[str, float]:
    if len(samples) < 2:
        return {
            "p50": samples[0] if samples else float("nan"),
            "p95": float("nan"),
            "p99": float("nan"),
        }
    cuts = statistics.quantiles(samples, n=100)
    return {"p50": statistics.median(samples), "p95": cuts[94], "p99": cuts[98]}
