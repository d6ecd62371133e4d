"""``hazwatch worker …``: the partitioned mode's processes and their health view."""

from __future__ import annotations

import json
import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import typer

from hazwatch.cli.common import cli_context, fail, language
from hazwatch.core.clock import local_text
from hazwatch.core.db import import_all_models
from hazwatch.core.i18n import translate
from hazwatch.core.settings import get_settings
from hazwatch.monitoring.workers import routes, worker
from hazwatch.monitoring.workers.bridge import Bridge
from hazwatch.monitoring.workers.stream import StreamLink, StreamUnreachable

worker_app = typer.Typer(help="Partitioned ingest: worker processes, the MQTT bridge, health.")


def register(app: typer.Typer) -> None:
    app.add_typer(worker_app, name="worker")


def _until_signalled(stop: threading.Event) -> threading.Event:
    """``stop``, set by SIGTERM or Ctrl-C."""

    def handler(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
    return stop


def _stream_settings_or_fail() -> None:
    if not get_settings().stream_url:
        raise fail("workers.cli.no_stream")


@contextmanager
def _stream_reached() -> Iterator[None]:
    """A stream server that does not answer or refuses the credentials is a message and
    exit code 2, not a traceback."""
    try:
        yield
    except StreamUnreachable as exc:
        raise fail("workers.cli.stream_unreachable", server=exc.server, reason=exc.reason) from exc


@worker_app.command("run")
def run(
    name: str | None = typer.Option(None, help="Worker name (default: host and process id)."),
    metrics_port: int | None = typer.Option(
        None,
        min=1,
        max=65535,
        envvar="HAZWATCH_WORKER_METRICS_PORT",
        help="Serve this worker's Prometheus metrics (per partition) on this port.",
    ),
    metrics_address: str = typer.Option(
        "127.0.0.1", help="Address the metrics port listens on (0.0.0.0: every interface)."
    ),
) -> None:
    """Own a share of the partitions: take their readings from the stream, keep their alarms."""
    _stream_settings_or_fail()
    settings = get_settings()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(name)s %(message)s")
    metrics = None if metrics_port is None else (metrics_address, metrics_port)
    with _stream_reached():
        worker.serve(settings, name, metrics)


@worker_app.command("bridge")
def bridge() -> None:
    """Move device messages from the MQTT broker into the stream (acknowledged once stored)."""
    _stream_settings_or_fail()
    logging.basicConfig(level=get_settings().log_level, format="%(asctime)s %(name)s %(message)s")
    settings = get_settings()
    import_all_models()  # the plug-ins' device kinds (vehicle positions) are forwarded too
    with _stream_reached():
        link = StreamLink(settings, "hazwatch-bridge")
    forwarder = Bridge(settings, link)
    forwarder.start()
    _until_signalled(threading.Event()).wait()
    forwarder.stop()
    link.close()


@worker_app.command("list")
def list_workers(
    as_json: bool = typer.Option(False, "--json", help="Print JSON only."),
) -> None:
    """Workers and the partitions each owns; exit 1 when a partition has no live owner."""
    lang = language()
    with cli_context() as context, context.unit_of_work() as session:
        shown = routes.health(context, session)
    if as_json:
        typer.echo(json.dumps(shown.model_dump(mode="json"), ensure_ascii=False))
    else:
        zone = context.settings.timezone
        for worker in shown.workers:
            state = "workers.alive" if worker.alive else "workers.silent"
            typer.echo(
                translate(
                    "workers.cli.worker",
                    lang,
                    name=worker.name,
                    host=worker.host,
                    pid=worker.pid,
                    state=translate(state, lang),
                    heartbeat=local_text(worker.heartbeat_at, zone),
                    taken=worker.taken,
                    partitions=",".join(map(str, worker.partitions)) or "—",
                )
            )
        if shown.unowned:
            typer.echo(
                translate("workers.cli.unowned", lang, partitions=",".join(map(str, shown.unowned)))
            )
    if shown.unowned:
        raise typer.Exit(1)
