"""Prometheus metrics of one worker process (``hazwatch worker run --metrics-port N``).

In the partitioned mode the readings, alarms and notifications happen in the workers, so the
API process's ``/metrics`` cannot show them. A worker serves, on a port of its own, the same
series as a single process (:mod:`hazwatch.monitoring.metrics`) for each partition it holds,
labelled ``partition``, merged into one family per name (an exposition must not repeat a
name), and what only a worker knows: the partitions it holds and each one's backlog in the
stream. A partition that moves to another worker starts its counters again there: Prometheus
takes a counter that restarts as a reset, and the ``instance`` label tells the workers apart.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from hazwatch.monitoring.workers.worker import Worker


class WorkerMetrics(Collector):
    def __init__(self, worker: Worker) -> None:
        self.worker = worker
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(self)

    def collect(self) -> Iterator[Metric]:
        runners = sorted(self.worker.runners.items())
        yield GaugeMetricFamily(
            "hazwatch_worker_partitions",
            "Partitions this worker holds (their engines loaded or loading).",
            value=len(runners),
        )
        backlog = GaugeMetricFamily(
            "hazwatch_stream_backlog_messages",
            "Messages of the partition waiting in the stream or taken and not yet "
            "acknowledged (refreshed every 2 s).",
            labels=["partition"],
        )
        merged: dict[str, Metric] = {}
        for partition, runner in runners:
            backlog.add_metric([str(partition)], runner.pending)
            runtime = runner.runtime
            if runtime is None:  # still loading
                continue
            for family in runtime.metrics.registry.collect():
                into = merged.get(family.name)
                if into is None:
                    into = merged[family.name] = Metric(
                        family.name, family.documentation, family.type, family.unit
                    )
                into.samples.extend(
                    sample._replace(labels={**sample.labels, "partition": str(partition)})
                    for sample in family.samples
                )
        yield backlog
        yield from merged.values()

    def serve(self, port: int, address: str = "0.0.0.0") -> None:
        """Expose the metrics over HTTP (a daemon thread: it ends with the process)."""
        start_http_server(port, address, registry=self.registry)
