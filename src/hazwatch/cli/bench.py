"""``hazwatch bench …``: rerunnable benchmarks that print their figures."""

from __future__ import annotations

import tempfile
from pathlib import Path

import typer

from hazwatch.benchmarks import access, ingest, replay, workers
from hazwatch.benchmarks.broker import private_broker
from hazwatch.benchmarks.fixture import build, database_url, drop_database
from hazwatch.cli.common import language, seconds_progress
from hazwatch.core.i18n import translate
from hazwatch.core.settings import get_settings

bench_app = typer.Typer(help="Benchmarks (figures are printed; nothing is asserted).")
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def register(app: typer.Typer) -> None:
    app.add_typer(bench_app, name="bench")


def _spread(samples: list[float]) -> str:
    cuts = ingest.percentiles(samples)
    return f"p50 {cuts['p50']:.1f} ms, p95 {cuts['p95']:.1f} ms, p99 {cuts['p99']:.1f} ms"


def _backends(postgres_url: str | None) -> list[str]:
    return ["sqlite", "postgresql"] if postgres_url else ["sqlite"]


@bench_app.command("ingest")
def bench_ingest(
    messages: int = typer.Option(40_000, help="Single-reading messages per run."),
    batches: int = typer.Option(2_000, help="Gateway batches of 100 per run."),
    points: int = typer.Option(1000, help="Measurement points the readings spread over."),
    latency_seconds: float = typer.Option(10.0, help="Duration of the latency run."),
    postgres_url: str | None = typer.Option(POSTGRES, help="PostgreSQL server ('' to skip)."),
) -> None:
    """Sustained MQTT ingest (single and batched), publish-to-alarm latency, bare subscriber."""
    settings = get_settings().model_copy(update={"ingest_enabled": False})
    with tempfile.TemporaryDirectory() as folder, private_broker() as mqtt_url:
        for backend in _backends(postgres_url or None):
            url = database_url(backend, Path(folder), postgres_url or POSTGRES)
            try:
                typer.echo(f"[{backend}] preparing {points} points …")
                site = build(settings, url, points)
                single = ingest.sustained(site, backend, mqtt_url, messages, 1)
                bare_single = ingest.bare_subscriber(site, mqtt_url, messages, 1)
                typer.echo(
                    f"[{backend}] single-reading messages: {single.rate:,.0f} readings/s "
                    f"(bare subscriber {bare_single:,.0f}/s, ratio {single.rate / bare_single:.2f})"
                )
                batched = ingest.sustained(site, backend, mqtt_url, batches, ingest.BATCH)
                bare_batched = ingest.bare_subscriber(site, mqtt_url, batches, ingest.BATCH)
                typer.echo(
                    f"[{backend}] batches of 100: {batched.rate:,.0f} readings/s "
                    f"(bare subscriber {bare_batched:,.0f}/s, "
                    f"ratio {batched.rate / bare_batched:.2f})"
                )
                half = max(single.rate / 2, 1.0)
                samples = ingest.latency(site, mqtt_url, half, latency_seconds)
                cuts = ingest.percentiles(samples)
                typer.echo(
                    f"[{backend}] publish-to-alarm at {half:,.0f} msg/s ({len(samples)} alarms): "
                    f"p50 {cuts['p50']:.1f} ms, p95 {cuts['p95']:.1f} ms, p99 {cuts['p99']:.1f} ms"
                )
                site.context.dispose()
            finally:
                drop_database(url, postgres_url or POSTGRES)


@bench_app.command("access")
def bench_access(
    rate: float = typer.Option(1000.0, min=1, help="Requests per second, sent on schedule."),
    seconds: float = typer.Option(10.0, min=1, max=600, help="Duration of the schedule."),
    generators: int = typer.Option(2, min=1, max=16, help="Load generator processes."),
    workers: int = typer.Option(2, min=1, max=16, help="Worker processes of the access service."),
    postgres_url: str | None = typer.Option(POSTGRES, help="PostgreSQL server ('' to skip)."),
) -> None:
    """Door access check latency over HTTP, open loop, from `hazwatch serve` (the engine's
    process) and from the access service (`hazwatch access serve`): each run ends on time
    and reports what it got."""
    settings = get_settings().model_copy(update={"ingest_enabled": False})
    with tempfile.TemporaryDirectory() as folder, private_broker() as mqtt_url:
        for backend in _backends(postgres_url or None):
            url = database_url(backend, Path(folder), postgres_url or POSTGRES)
            try:
                site = build(settings, url, 10)
                secret = access.add_reader(site)
                for server_workers in (0, workers):
                    server = (
                        f"access service, {server_workers} workers"
                        if server_workers
                        else "hazwatch serve"
                    )
                    outcome, sequential = access.run(
                        site, secret, mqtt_url, (rate, seconds, generators), server_workers
                    )
                    one = ingest.percentiles(sequential)
                    typer.echo(
                        f"[{backend}] access check ({server}), one reader at a time: "
                        f"p50 {one['p50']:.1f} ms, p95 {one['p95']:.1f} ms, "
                        f"p99 {one['p99']:.1f} ms"
                    )
                    cuts = ingest.percentiles(outcome.latencies_ms)
                    typer.echo(
                        f"[{backend}] access check ({server}) asked {rate:,.0f} req/s for "
                        f"{seconds:g} s from {generators} generator processes: answered "
                        f"{outcome.answered_per_s:,.0f} req/s ({len(outcome.latencies_ms)} ok, "
                        f"{outcome.errors} errors, {outcome.unanswered} unanswered after "
                        f"{access.GRACE_S:g} s, {outcome.shed} shed by the generator): "
                        f"p50 {cuts['p50']:.1f} ms, p95 {cuts['p95']:.1f} ms, "
                        f"p99 {cuts['p99']:.1f} ms"
                    )
                site.context.dispose()
            finally:
                drop_database(url, postgres_url or POSTGRES)


@bench_app.command("replay")
def bench_replay(
    points: int = typer.Option(50, min=2, max=500, help="Measurement points, each every second."),
    hours: float = typer.Option(24.0, min=0.1, max=168, help="Simulated hours."),
    interval: int = typer.Option(1, min=1, max=60, help="Seconds between a point's readings."),
) -> None:
    """Replay speed: a generated site through the live pipeline on a simulated clock."""
    with seconds_progress(int(hours * 3600), "replay") as progress:
        record = replay.measure(points, hours, interval, progress)
    typer.echo(
        translate(
            "scenarios.bench.result",
            language(),
            points=points,
            interval=interval,
            hours=f"{hours:g}",
            seconds=f"{record.wall_seconds:.1f}",
            rate=f"{hours / record.wall_seconds:.3f}",
            readings=f"{record.readings:,}",
        )
    )


@bench_app.command("workers")
def bench_workers(
    rounds: int = typer.Option(40, min=6, max=10_000, help="Readings per point per run."),
    sites: int = typer.Option(16, min=2, max=500, help="Sites (spread over the partitions)."),
    points: int = typer.Option(20, min=1, max=200, help="O2 points per site."),
    partitions: int = typer.Option(8, min=2, max=64, help="Stream partitions."),
    lease_seconds: float = typer.Option(5.0, min=1, max=60, help="Worker lease."),
    postgres_url: str = typer.Option(POSTGRES, help="PostgreSQL server."),
    latency_seconds: float = typer.Option(
        20.0, min=4, max=300, help="Duration of the publish-to-alarm run (a worker killed halfway)."
    ),
) -> None:
    """Partitioned ingest: readings/s with 1 and 2 worker processes (single-reading messages
    through a private NATS JetStream, PostgreSQL), and the hand-over of a killed worker."""
    settings = get_settings().model_copy(update={"ingest_enabled": False})
    with tempfile.TemporaryDirectory() as folder, workers.private_nats() as nats:
        url = database_url("postgresql", Path(folder), postgres_url)
        try:
            typer.echo(f"[workers] preparing {sites} sites × {points} points …")
            built = workers.build_sites(settings, url, sites, points)
            running = workers.worker_settings(settings, url, nats.url, partitions, lease_seconds)
            for count in (1, 2):
                figures = workers.throughput(built, running, count, rounds, Path(folder))
                bare = max(figures.bare_per_s, 1)
                if not figures.backlog_seconds:
                    typer.echo(
                        f"[workers] {count} worker(s), backlog waiting in the stream: not "
                        "measured (the first worker up took it before every worker held its "
                        "partitions)"
                    )
                else:
                    typer.echo(
                        f"[workers] {count} worker(s), backlog waiting in the stream: "
                        f"{figures.backlog_per_s:,.0f} readings/s "
                        f"({figures.backlog_per_s / count:,.0f} per worker; "
                        f"ratio to the bare consumer {figures.backlog_per_s / bare:.2f}"
                        + (
                            f"; {figures.per_cpu_s:,.0f} per worker CPU second)"
                            if figures.per_cpu_s
                            else ")"
                        )
                    )
                typer.echo(
                    f"[workers] {count} worker(s), live with the publisher alongside: "
                    f"{figures.per_s:,.0f} readings/s ({figures.per_s / count:,.0f} per worker; "
                    f"{figures.messages:,} readings in {figures.seconds:.1f} s; publisher "
                    f"{figures.publish_per_s:,.0f} msg/s; bare consumer {bare:,.0f}/s, "
                    f"ratio {figures.per_s / bare:.2f})"
                )
            half = max(figures.per_s / 2, 1.0)
            timed = workers.latency(built, running, Path(folder), half, latency_seconds)
            for label, samples in (
                ("steady", timed.steady_ms),
                ("readings published after a worker was killed", timed.handover_ms),
            ):
                typer.echo(
                    f"[workers] publish-to-alarm at {half:,.0f} msg/s with 2 workers, {label} "
                    f"({len(samples)} alarms): {_spread(samples)}"
                )
            typer.echo(
                f"[workers] alarms raised {len(timed.steady_ms) + len(timed.handover_ms)} "
                f"of {timed.expected} low readings the stream confirmed "
                f"({timed.unconfirmed} publications unconfirmed)"
            )
            moved = workers.handover(built, running, Path(folder))
            typer.echo(
                f"[workers] hand-over of a killed worker (lease {lease_seconds:g} s): "
                f"partitions claimed after {moved.claimed_s:.1f} s, its sites' readings "
                f"stored again after {moved.serving_s:.1f} s"
            )
            built.context.dispose()
        finally:
            drop_database(url, postgres_url)


@bench_app.command("actions")
def bench_actions(
    count: int = typer.Option(200, min=10, max=100_000, help="Comments sent to the owner."),
    sites: int = typer.Option(4, min=1, max=500, help="Sites (one low alarm per point)."),
    points: int = typer.Option(5, min=1, max=200, help="O2 points per site."),
    partitions: int = typer.Option(4, min=1, max=64, help="Stream partitions."),
    postgres_url: str = typer.Option(POSTGRES, help="PostgreSQL server."),
) -> None:
    """Operator actions in the partitioned mode: the round trip from the API process to the
    worker owning the site and back (NATS request, the worker's commit), beside the same
    action applied by an engine in this process, and the refusal when nobody owns it."""
    settings = get_settings().model_copy(update={"ingest_enabled": False})
    with tempfile.TemporaryDirectory() as folder, workers.private_nats() as nats:
        url = database_url("postgresql", Path(folder), postgres_url)
        try:
            built = workers.build_sites(settings, url, sites, points)
            running = workers.worker_settings(settings, url, nats.url, partitions, 5.0)
            figures = workers.actions(built, running, Path(folder), count)
            local_p50 = ingest.percentiles(figures.in_process_ms)["p50"]
            for label, samples in (
                ("comment through the owning worker", figures.via_owner_ms),
                ("acknowledgement through the owning worker", figures.ack_ms),
                ("comment by an engine in this process", figures.in_process_ms),
                ("refused, no owner (503)", figures.refused_ms),
            ):
                ratio = ingest.percentiles(samples)["p50"] / max(local_p50, 1e-9)
                typer.echo(
                    f"[actions] {label} ({len(samples)}): {_spread(samples)} "
                    f"(p50 ratio to in-process {ratio:.2f})"
                )
            built.context.dispose()
        finally:
            drop_database(url, postgres_url)


@bench_app.command("all")
def bench_all() -> None:
    """Every benchmark with its default figures (what `make bench` runs)."""
    bench_ingest(40_000, 2_000, 1000, 10.0, POSTGRES)
    bench_access(1000.0, 10.0, 2, 2, POSTGRES)
    bench_replay(50, 24.0, 1)
    bench_workers(40, 16, 20, 8, 5.0, POSTGRES, 20.0)
    bench_actions(200, 4, 5, 4, POSTGRES)
