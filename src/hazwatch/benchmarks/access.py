"""Access-check benchmark: a server in processes of its own and an open-loop load.

Two servers, as in production: ``hazwatch serve`` (the engine's own process, with MQTT
ingest on against a private broker: that makes its writer a background thread, so logging a
decision costs the reader nothing) and the access service ``hazwatch access serve --workers
N`` (answers from the persisted present, :mod:`hazwatch.monitoring.access.fleet`).

The load comes from generator processes of their own, each a minimal HTTP/1.1 client on
keep-alive connections (a general-purpose client spent more of the two cores than the
server it measured). Requests go out on schedule whatever the server does, and latency runs
from the scheduled instant, so a server that falls behind is seen falling behind instead of
slowing the load down (coordinated omission).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import httpx
from sqlalchemy import select

from hazwatch.benchmarks.fixture import BenchSite
from hazwatch.core.auth.roles import SYSTEM
from hazwatch.core.ports import free_port
from hazwatch.monitoring import service as monitoring
from hazwatch.monitoring.schemas import DeviceIn
from hazwatch.registry.models import Door


def add_reader(site: BenchSite) -> str:
    """A door reader for both lab doors; its token."""
    with site.context.unit_of_work() as session:  # door readers authenticate as devices
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
    return secret


def run(
    site: BenchSite,
    secret: str,
    mqtt_url: str,
    load_shape: tuple[float, float, int],
    workers: int = 0,
) -> tuple[Load, list[float]]:
    """The open-loop load's outcome and the latencies (ms) of one reader asking at a time,
    against ``hazwatch serve`` (``workers`` 0) or the access service with ``workers``;
    ``load_shape``: requests per second, seconds, generator processes."""
    port = free_port()
    environment = {
        **os.environ,
        "HAZWATCH_DATABASE_URL": site.database,
        "HAZWATCH_INGEST_ENABLED": "true",
        "HAZWATCH_MQTT_URL": mqtt_url,
        "HAZWATCH_MQTT_CLIENT_ID": f"bench-access-{port}",
        "HAZWATCH_LOG_LEVEL": "WARNING",
    }
    # The server runs in its own processes (their own interpreter locks), as in production.
    command = ["serve", "--port", str(port), "--no-migrate"]
    if workers:
        command = ["access", "serve", "--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(
        [sys.executable, "-m", "hazwatch.cli.main", *command],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_healthy(port, server, deadline=time.monotonic() + 300)
        sequential = _sequential(port, secret, 500)
        return load(port, secret, *load_shape), sequential
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


def _request(secret: str, door: str, person: str) -> bytes:
    body = json.dumps({"door": door, "person": person}).encode()
    head = (
        "POST /api/access/check HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {secret}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _exchange(
    connection: tuple[asyncio.StreamReader, asyncio.StreamWriter], request: bytes
) -> int:
    """Send one request on a keep-alive connection; its status once the body is read."""
    reader, writer = connection
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    length = _CONTENT_LENGTH.search(head)
    if length is None:
        raise ConnectionError("no content-length")
    await reader.readexactly(int(length[1]))
    return int(head[9:12])


_CONTENT_LENGTH = re.compile(rb"content-length:\s*(\d+)", re.IGNORECASE)


async def _schedule(port: int, secret: str, rate: float, seconds: float, offset: int) -> Load:
    requests = [
        _request(secret, "LAB-ENTRANCE" if index % 2 else "LAB-DRY1", f"p{offset}-{index}")
        for index in range(50)
    ]
    latencies: list[float] = []
    errors = shed = 0
    in_flight: set[asyncio.Task[None]] = set()
    idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def one(index: int, scheduled: float) -> None:
        nonlocal errors
        try:
            connection = idle.pop() if idle else await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            errors += 1
            return
        try:
            status = await _exchange(connection, requests[index % len(requests)])
        except (OSError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            errors += 1
            connection[1].close()
            return
        idle.append(connection)
        if status == 200:
            latencies.append((time.perf_counter() - scheduled) * 1000)
        else:
            errors += 1

    began = time.perf_counter()
    for index in range(int(rate * seconds)):
        scheduled = began + index / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        if len(in_flight) >= MAX_IN_FLIGHT:
            shed += 1
            continue
        task = asyncio.create_task(one(index, scheduled))
        in_flight.add(task)
        task.add_done_callback(in_flight.discard)
    if in_flight:
        await asyncio.wait(set(in_flight), timeout=GRACE_S)
    unanswered = len(in_flight)
    for task in in_flight:
        task.cancel()
    elapsed = time.perf_counter() - began
    for _reader, writer in idle:
        writer.close()
    return Load(latencies, errors, unanswered, shed, elapsed)
