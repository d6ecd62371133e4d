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

import httpx
from sqlalchemy import select

from hazwatch.benchmarks.fixture import BenchSite
from hazwatch.core.auth.roles import SYSTEM
from hazwatch.monitoring import service as monitoring
from hazwatch.monitoring.schemas import DeviceIn
from hazwatch.registry.models import Door

Figures = tuple[list[float], int, float, list[float]]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run(site: BenchSite, mqtt_url: str, rate: float, seconds: float) -> Figures:
    """Latencies (ms) of allow/deny answers, refused count, and the achieved rate."""
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
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        sequential = _sequential(port, secret, 500)
        return (*asyncio.run(_load(port, secret, rate, seconds)), sequential)
    finally:
        server.terminate()
        server.wait(10)


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


async def _load(
    port: int, secret: str, rate: float, seconds: float
) -> tuple[list[float], int, float]:
    url = f"http://127.0.0.1:{port}/api/access/check"
    headers = {"Authorization": f"Bearer {secret}"}
    latencies: list[float] = []
    failures = [0]
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(limits=limits, timeout=5.0) as client:

        async def one(index: int) -> None:
            started = time.perf_counter()
            response = await client.post(
                url,
                headers=headers,
                json={
                    "door": "LAB-ENTRANCE" if index % 2 else "LAB-DRY1",
                    "person": f"p{index % 50}",
                },
            )
            if response.status_code == 200:
                latencies.append((time.perf_counter() - started) * 1000)
            else:
                failures[0] += 1

        tasks = []
        began = time.perf_counter()
        total = int(rate * seconds)
        for index in range(total):
            delay = began + index / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(index)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - began
    return latencies, failures[0], total / elapsed
