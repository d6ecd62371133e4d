"""Access-check benchmark: a real HTTP server (uvicorn) and a paced client at a fixed rate."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from datetime import timedelta

import httpx
import uvicorn

from hazwatch.api.app import create_app
from hazwatch.benchmarks.fixture import BenchSite
from hazwatch.core.auth import service as auth
from hazwatch.core.auth.models import TokenKind, UserAccount

Figures = tuple[list[float], int, float]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run(site: BenchSite, rate: float, seconds: float) -> Figures:
    """Latencies (ms) of allow/deny answers, refused count, and the achieved rate."""
    context = site.context
    with context.unit_of_work() as session:
        user = session.query(UserAccount).filter_by(username="lab").one()
        _token, secret = auth.issue_token(
            session, user, kind=TokenKind.API, lifetime=timedelta(hours=1)
        )
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(context, console=False),
            host="127.0.0.1",
            port=port,
            log_level="error",
            access_log=False,
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        return asyncio.run(_load(port, secret, rate, seconds))
    finally:
        server.should_exit = True
        thread.join(10)


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
