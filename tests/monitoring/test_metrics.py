"""Prometheus metrics at ``/metrics`` (issue 17 item 5): ingest rate, lag, queue depth, alarm
rate, notification failures and database latency are exposed, and move with the work."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from hazwatch.api.app import create_app
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.monitoring.escalation.models import Notification
from hazwatch.monitoring.runtime import EngineRuntime
from hazwatch.monitoring.writer import Batch, ReadingWriter
from tests.monitoring.conftest import Plant, Received

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def samples(text: str) -> Samples:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(scraped: Samples, name: str, **labels: str) -> float:
    return scraped[(name, tuple(sorted(labels.items())))]


@pytest.fixture
def api(context: Context) -> Iterator[TestClient]:
    with TestClient(create_app(context, console=False)) as client:
        yield client


def scrape(api: TestClient) -> Samples:
    answer = api.get("/metrics")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    return samples(answer.text)


def test_metrics_expose_ingest_alarms_notifications_and_database_latency_and_they_move(
    api: TestClient,
    context: Context,
    plant: Plant,
    clock: ManualClock,
    webhook: tuple[str, Received],
) -> None:
    runtime: EngineRuntime = api.app.state.runtime  # type: ignore[attr-defined]
    before = scrape(api)
    for name, labels in [
        ("hazwatch_ingest_messages_total", {"stage": "received"}),
        ("hazwatch_ingest_pending_messages", {}),
        ("hazwatch_ingest_lag_seconds", {}),
        ("hazwatch_ingest_since_progress_seconds", {}),
        ("hazwatch_ingest_state", {"state": "ok"}),
        ("hazwatch_writer_queue_batches", {}),
        ("hazwatch_writer_queue_capacity", {}),
        ("hazwatch_alarms_raised_total", {}),
        ("hazwatch_notifications_total", {"outcome": "failed"}),
        ("hazwatch_db_failures_total", {"owner": "writer"}),
        ("hazwatch_operator_notices_total", {"kind": "ingest_stalled"}),
    ]:
        assert (name, tuple(sorted(labels.items()))) in before, name
    assert value(before, "hazwatch_ingest_state", state="ok") == 1
    assert value(before, "hazwatch_alarms_raised_total") == 0
    assert value(before, "hazwatch_writer_queue_capacity") == runtime.writer.capacity

    now = clock.now()
    readings = [
        {"point": "O2-DRY1", "ts": (now - timedelta(seconds=3 - i)).isoformat(), "value": v}
        for i, v in enumerate((20.9, 20.4, 19.0))  # the last one is low: an alarm
    ] + [{"point": "O2-DRY1", "ts": now.isoformat(), "value": -5.0}]  # impossible
    for reading in readings:
        reading["unit"] = "%vol"
    answer = api.post(
        "/api/ingest/readings",
        json={"readings": readings},
        headers={"Authorization": f"Bearer {plant.device_token}"},
    )
    assert answer.status_code == 200, answer.text
    url, received = webhook
    received.fail_next = 1
    with context.unit_of_work() as session:
        session.add(
            Notification(
                subject_type="alarm",
                subject_id=1,
                organisation_id=plant.demo["lab"],
                step=0,
                target="duty_officer",
                channel="webhook",
                address=f"{url}/duty",
                subject="test",
                body="test",
                created_at=now,
                next_attempt_at=now,
            )
        )
    runtime.dispatcher.wake()
    runtime.dispatcher.run_once()
    token = runtime.liveness.progress.received()  # a message waits
    time.sleep(0.05)
    after = scrape(api)
    runtime.liveness.progress.applied(token)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - before.get((name, tuple(sorted(labels.items()))), 0.0)

    assert moved("hazwatch_ingest_readings_total", outcome="accepted", reason="") == 3
    assert moved("hazwatch_ingest_readings_total", outcome="rejected", reason="impossible_value")
    assert moved("hazwatch_alarms_raised_total") == 1
    assert moved("hazwatch_alarm_changes_total", state="active_unack") == 1
    assert moved("hazwatch_notifications_total", outcome="failed") == 1
    assert moved("hazwatch_db_seconds_count", owner="writer") >= 1
    assert moved("hazwatch_db_seconds_count", owner="engine") >= 1  # the alarm's commit
    assert moved("hazwatch_db_seconds_sum", owner="engine") > 0
    assert moved("hazwatch_ingest_messages_total", stage="received") == 1
    assert value(after, "hazwatch_ingest_pending_messages") == 1
    assert value(after, "hazwatch_ingest_lag_seconds") > 0


def test_the_writer_queue_depth_is_exposed_and_bounded(context: Context, plant: Plant) -> None:
    """The writer's queue is bounded (a full queue makes ingest wait: back-pressure to the
    broker, which keeps the messages unacknowledged); its depth is a metric."""
    writer = ReadingWriter(context.engine, threaded=True, max_queued_batches=3)
    runtime = EngineRuntime(context, writer=writer)
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        held.set()
        release.wait(10)

    try:
        runtime.writer.submit(Batch(taken=1, after_commit=[hold]))
        assert held.wait(10)  # the writer thread is held in the first batch's callback
        for _ in range(3):
            runtime.writer.submit(Batch(taken=1))
        depth = samples(generate_latest(runtime.metrics.registry).decode())
        assert value(depth, "hazwatch_writer_queue_batches") == 3
        assert value(depth, "hazwatch_writer_queue_capacity") == 3
        full = threading.Thread(target=runtime.writer.submit, args=(Batch(taken=1),))
        full.start()
        full.join(0.3)
        assert full.is_alive(), "a full queue did not make the submitter wait"
        release.set()
        full.join(10)
        runtime.writer.flush()
        drained = samples(generate_latest(runtime.metrics.registry).decode())
        assert value(drained, "hazwatch_writer_queue_batches") == 0
    finally:
        release.set()
        runtime.stop()
