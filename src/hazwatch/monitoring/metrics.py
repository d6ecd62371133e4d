"""Prometheus metrics of one HazWatch process (``GET /metrics``, prometheus-client).

Most series are read from what the runtime already counts when Prometheus scrapes (the
engine's ingest counters, the messages waiting, the writer's queue, the operator notices),
so the reading path pays nothing for them; the rest are counted where they happen: alarm
changes from the engine's bus, notification outcomes in the dispatcher, and the duration of
every database write that goes through :class:`~hazwatch.monitoring.retry.Retry`. Each
runtime has its own registry (several apps in one test process do not collide).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from hazwatch.monitoring.events import AlarmChange, Event
from hazwatch.monitoring.liveness import IngestState

if TYPE_CHECKING:
    from hazwatch.monitoring.runtime import EngineRuntime

#: Database writes take milliseconds; an outage's retries are counted apart, not timed here.
DB_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
ACTIVE_UNACK = "active_unack"


class RuntimeMetrics(Collector):
    def __init__(self, runtime: EngineRuntime) -> None:
        self.runtime = runtime
        self.registry = CollectorRegistry(auto_describe=True)
        self.alarm_changes = Counter(
            "hazwatch_alarm_changes",
            "Alarm transitions by the state they led to.",
            ["state"],
            registry=self.registry,
        )
        self.alarms_raised = Counter(
            "hazwatch_alarms_raised",
            "Alarms that became active (raised or raised again).",
            registry=self.registry,
        )
        self.db_work = Histogram(
            "hazwatch_db_seconds",
            "Duration of database work that succeeded: the writer's batches, the engine's "
            "alarm commits and look-ups.",
            ["owner"],
            buckets=DB_BUCKETS,
            registry=self.registry,
        )
        self.registry.register(self)
        runtime.writer.retry.observe = self.db_work.labels("writer").observe
        runtime.engine.retry.observe = self.db_work.labels("engine").observe
        runtime.bus.subscribe(self.on_alarm, AlarmChange)

    def on_alarm(self, event: Event) -> None:
        assert isinstance(event, AlarmChange)
        self.alarm_changes.labels(event.state).inc()
        if event.state == ACTIVE_UNACK and event.previous_state != ACTIVE_UNACK:
            self.alarms_raised.inc()

    def collect(self) -> Iterator[Metric]:
        runtime = self.runtime
        readings = CounterMetricFamily(
            "hazwatch_ingest_readings",
            "Readings taken by the engine, by outcome (rejected: by reason).",
            labels=["outcome", "reason"],
        )
        for key, value in sorted(dict(runtime.engine.counters).items()):  # a copy: it grows
            outcome, _dot, reason = key.partition(".")
            readings.add_metric([outcome, reason], value)
        yield readings
        progress = runtime.liveness.progress
        messages = CounterMetricFamily(
            "hazwatch_ingest_messages",
            "Broker messages with readings, received and applied (stored or refused, then "
            "acknowledged).",
            labels=["stage"],
        )
        messages.add_metric(["received"], progress.received_total)
        messages.add_metric(["applied"], progress.applied_total)
        yield messages
        status = runtime.liveness.status()
        yield _gauge(
            "hazwatch_ingest_pending_messages", "Messages received, not yet stored.", status.pending
        )
        yield _gauge(
            "hazwatch_ingest_lag_seconds",
            "Age of the oldest message received and not yet stored (0: none waits).",
            status.oldest_s or 0.0,
        )
        yield _gauge(
            "hazwatch_ingest_since_progress_seconds",
            "Seconds since a message was last stored.",
            status.since_progress_s,
        )
        state = GaugeMetricFamily(
            "hazwatch_ingest_state",
            "1 for the state ingest is in (ok, lagging, stalled).",
            labels=["state"],
        )
        for each in IngestState:
            state.add_metric([each.value], 1.0 if status.state is each else 0.0)
        yield state
        writer = runtime.writer
        yield _gauge(
            "hazwatch_writer_queue_batches", "Batches waiting for the writer.", writer.queued()
        )
        yield _gauge(
            "hazwatch_writer_queue_capacity",
            "Most batches the writer queue holds before ingest waits (back-pressure).",
            writer.capacity,
        )
        failures = CounterMetricFamily(
            "hazwatch_db_failures",
            "Database work that failed (each retry counted).",
            labels=["owner"],
        )
        failures.add_metric(["writer"], writer.retry.failures)
        failures.add_metric(["engine"], runtime.engine.retry.failures)
        yield failures
        dispatcher = runtime.dispatcher
        outcomes = CounterMetricFamily(
            "hazwatch_notifications",
            "Notification delivery attempts by outcome.",
            labels=["outcome"],
        )
        outcomes.add_metric(["sent"], dispatcher.sent)
        outcomes.add_metric(["failed"], dispatcher.failed)
        yield outcomes
        notices = CounterMetricFamily(
            "hazwatch_operator_notices", "Notices to the platform operator.", labels=["kind"]
        )
        for kind, value in runtime.watch.raised.items():
            notices.add_metric([kind], value)
        yield notices


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)
