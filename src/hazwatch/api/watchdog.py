"""Event-loop watchdog: a console that stops answering is itself a hazard (the duty officer
sees a frozen board), so a stall is logged with every thread's stack, once per stall.

A thread asks the loop to answer every ``ping_every`` seconds; when no answer has come for
``stall_after`` seconds the stacks of all threads show what holds the loop (a blocking call
in a page handler, a wait on a database lock).
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
import time
import traceback

log = logging.getLogger(__name__)


class LoopWatchdog:
    def __init__(
        self, loop: asyncio.AbstractEventLoop, stall_after: float = 5.0, ping_every: float = 1.0
    ) -> None:
        self.loop = loop
        self.stall_after = stall_after
        self.ping_every = ping_every
        self.answered = time.monotonic()
        self.stalls = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="loop-watchdog", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _answer(self) -> None:
        self.answered = time.monotonic()

    def _run(self) -> None:
        reported = False
        while not self._stop.wait(self.ping_every):
            self.loop.call_soon_threadsafe(self._answer)
            silent = time.monotonic() - self.answered
            if silent < self.stall_after:
                reported = False
            elif not reported:
                reported = True
                self.stalls += 1
                log.error("event loop silent for %.1f s; threads:\n%s", silent, thread_stacks())


def thread_stacks() -> str:
    names = {thread.ident: thread.name for thread in threading.enumerate()}
    return "\n".join(
        f"--- {names.get(ident, ident)}\n{''.join(traceback.format_stack(frame))}"
        for ident, frame in sys._current_frames().items()
    )
