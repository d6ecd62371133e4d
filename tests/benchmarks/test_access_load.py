"""The access benchmark's load generator ends on schedule and says what it did not get."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator

import pytest

from hazwatch.benchmarks import access


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never answers: a server far below the asked rate."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(512)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(listener.getsockname()[1])
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


def test_a_server_that_never_answers_ends_the_run_with_everything_counted(
    silent_server: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(access, "GRACE_S", 0.5)
    monkeypatch.setattr(access, "MAX_IN_FLIGHT", 10)
    outcome = asyncio.run(access._schedule(silent_server, "token", 40.0, 1.0, 0))
    assert outcome.latencies_ms == [] and outcome.errors == 0
    assert outcome.unanswered == 10  # the window filled and nothing came back
    assert outcome.shed == 30  # the rest of the schedule found the window full
    assert outcome.answered_per_s == 0.0


def test_loads_from_several_generators_add_up() -> None:
    first = access.Load([1.0, 2.0], 1, 2, 3, 10.0)
    second = access.Load([3.0], 0, 1, 0, 9.5)
    total = first + second
    assert (total.latencies_ms, total.errors, total.unanswered, total.shed) == (
        [1.0, 2.0, 3.0],
        1,
        3,
        3,
    )
    assert total.answered_per_s == pytest.approx(0.3)
