"""Access-check benchmark: ``hazwatch serve`` in its own process and a paced client.

The server runs as in production, with MQTT ingest on (against a private broker): that is
what makes the engine's writer a background thread, so logging a decision costs the reader
nothing. Without ingest every check would commit its own log row.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import httpx
from sqlalchemy import select

from hazwatch.benchmarks.fixture import BenchSite
from hazwatch.core.auth.roles import SYSTEM
from hazwatch.monitoring import service as monitoring
from hazwatch.monitoring.schemas import DeviceIn
from hazwatch.registry.models import Door


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run(
    site: BenchSite, mqtt_url: str, rate: float, seconds: float, generators: int
) -> tuple[Load, list[float]]:
    """The open-loop load's outcome and the latencies (ms) of one reader asking at a time."""
    context = site.context
    with context.unit_of_work() as session:  # door readers authenticate as devices
        reader, secret = monitoring.create_device(
            session,
            SYSTEM,
            DeviceIn(site_id=site.site_id, organisation_id=site.demo["lab"], code="READER-1"),
        )
        # A reader asks only for the doors that name it (both lab doors, in this bench).
        for door in session.scalars(
            select(Door).where(Door.code.in_(("LAB-ENTRANCE", "LAB-DRY1")))
        ):
            door.reader_device_id = reader.id
    port = _free_port()
    environment = {
        **os.environ,
        "HAZWATCH_DATABASE_URL": site.database,
        "HAZWATCH_INGEST_ENABLED": "true",
        "HAZWATCH_MQTT_URL": mqtt_url,
        "HAZWATCH_MQTT_CLIENT_ID": f"bench-access-{port}",
        "HAZWATCH_LOG_LEVEL": "WARNING",
    }
    # The server runs in its own process (its own interpreter lock), as in production.
    server = subprocess.Popen(
        [sys.executable, "-m", "hazwatch.cli.main", "serve", "--port", str(port), "--no-migrate"],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_healthy(port, server, deadline=time.monotonic() + 60)
        sequential = _sequential(port, secret, 500)
        return load(port, secret, rate, seconds, generators), sequential
    finally:
        server.terminate()
        server.wait(10)


def _wait_until_healthy(port: int, server: subprocess.Popen[bytes], deadline: float) -> None:
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"hazwatch serve on port {port} did not become healthy")


def _sequential(port: int, secret: str, count: int) -> list[float]:
    """Latency of one reader asking at a time (the unloaded service time)."""
    latencies = []
    with httpx.Client(timeout=5.0) as client:
        for index in range(count):
            started = time.perf_counter()
            client.post(
                f"http://127.0.0.1:{port}/api/access/check",
                headers={"Authorization": f"Bearer {secret}"},
                json={"door": "LAB-ENTRANCE", "person": f"p{index % 50}"},
            )
            latencies.append((time.perf_counter() - started) * 1000)
    return latencies


@dataclass(frozen=True)
class Load:
    """What an open-loop load run achieved. Requests are sent on schedule whatever the server
    does; a request the schedule wanted while ``MAX_IN_FLIGHT`` were still unanswered is
    ``shed`` (the generator could not keep up), and one still unanswered ``GRACE_S`` after the
    schedule ended is ``unanswered``: the run ends on time and says so instead of waiting."""

    latencies_ms: list[float]
    errors: int
    unanswered: int
    shed: int
    elapsed_s: float

    @property
    def answered_per_s(self) -> float:
        return len(self.latencies_ms) / self.elapsed_s if self.elapsed_s else 0.0

    def __add__(self, other: Load) -> Load:
        return Load(
            self.latencies_ms + other.latencies_ms,
            self.errors + other.errors,
            self.unanswered + other.unanswered,
            self.shed + other.shed,
            max(self.elapsed_s, other.elapsed_s),
        )


#: Requests one generator process keeps waiting at once before it sheds the next.
MAX_IN_FLIGHT = 256
#: How long answers are awaited after the schedule ends.
GRACE_S = 5.0


def load(port: int, secret: str, rate: float, seconds: float, generators: int) -> Load:
    """Open-loop load from ``generators`` processes of their own (so the client's interpreter
    lock is not what is measured), each sending ``rate / generators`` requests per second."""
    share = rate / generators
    with ProcessPoolExecutor(generators) as pool:
        runs = [
            pool.submit(_generate, port, secret, share, seconds, offset)
            for offset in range(generators)
        ]
        results = [run.result() for run in runs]
    return sum(results[1:], results[0])


def _generate(port: int, secret: str, rate: float, seconds: float, offset: int) -> Load:
    return asyncio.run(_schedule(port, secret, rate, seconds, offset))


async def _schedule(port: int, secret: str, rate: float, seconds: float, offset: int) -> Load:
    url = f"http://127.0.0.1:{port}/api/access/check"
    headers = {"Authorization": f"Bearer {secret}"}
    latencies: list[float] = []
    errors = shed = 0
    in_flight: set[asyncio.Task[None]] = set()
    limits = httpx.Limits(max_connections=MAX_IN_FLIGHT, max_keepalive_connections=64)
    async with httpx.AsyncClient(limits=limits, timeout=GRACE_S + seconds) as client:

        async def one(index: int) -> None:
            nonlocal errors
            started = time.perf_counter()
            try:
                response = await client.post(
                    url,
                    headers=headers,
                    json={
                        "door": "LAB-ENTRANCE" if index % 2 else "LAB-DRY1",
                        "person": f"p{offset}-{index % 50}",
                    },
                )
            except httpx.HTTPError:
                errors += 1
                return
            if response.status_code == 200:
                latencies.append((time.perf_counter() - started) * 1000)
            else:
                errors += 1

        began = time.perf_counter()
        for index in range(int(rate * seconds)):
            delay = began + index / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if len(in_flight) >= MAX_IN_FLIGHT:
                shed += 1
                continue
            task = asyncio.create_task(one(index))
            in_flight.add(task)
            task.add_done_callback(in_flight.discard)
        if in_flight:
            await asyncio.wait(set(in_flight), timeout=GRACE_S)
        unanswered = len(in_flight)
        for task in in_flight:
            task.cancel()
        elapsed = time.perf_counter() - began
    return Load(latencies, errors, unanswered, shed, elapsed)
