"""The event-loop watchdog reports a stalled console once per stall, with the stacks."""

from __future__ import annotations

import asyncio
import logging
import threading
import time

import pytest

from hazwatch.api.watchdog import LoopWatchdog


def test_a_blocked_loop_is_reported_once_with_the_blocking_stack(
    caplog: pytest.LogCaptureFixture,
) -> None:
    loop = asyncio.new_event_loop()
    runner = threading.Thread(target=loop.run_forever, daemon=True)
    runner.start()
    watchdog = LoopWatchdog(loop, stall_after=0.4, ping_every=0.05)
    try:
        with caplog.at_level(logging.ERROR, logger="hazwatch.api.watchdog"):
            watchdog.start()
            time.sleep(0.3)
            assert watchdog.stalls == 0  # an answering loop is not reported
            loop.call_soon_threadsafe(time.sleep, 1.2)  # a page handler blocking the loop
            time.sleep(2.0)
        assert watchdog.stalls == 1
        assert "event loop silent" in caplog.text
        assert "run_forever" in caplog.text  # the loop thread's stack, where it is held
    finally:
        watchdog.stop()
        loop.call_soon_threadsafe(loop.stop)
        runner.join(timeout=5)
        loop.close()
