"""Waiting out a database that is away, in one place for every write that must not be lost.

The writer's batches and the engine's alarm transitions are already taken in memory when
they are written: giving up would lose them (a redelivered reading is then a duplicate). So
a write that fails because the database is unreachable, restarting or locked is tried again
with back-off, for as long as it takes, and the broker's messages stay unacknowledged
meanwhile. Waiting ends at once when the process stops (:class:`Stopped`): nothing
unstored was acknowledged, so the broker redelivers it to the next run, and a stop during an
outage returns promptly instead of hanging. How long writes have been failing
(``failing_since``) is what readiness reports as a stall.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

log = logging.getLogger(__name__)

#: Back-off between retries of a write the database was away for (seconds).
RETRY_FIRST_S, RETRY_MAX_S = 0.25, 5.0

T = TypeVar("T")


def transient(exc: BaseException) -> bool:
    """A failure that passes by itself (the database unreachable, restarting, locked): the
    same write is retried. Anything else is about the rows."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, OperationalError | InterfaceError | PoolTimeout)


class Stopped(Exception):
    """The process stops while the database is still away: the work was not done."""


class Retry:
    """Runs database work of one owner until it succeeds. A ``patient`` one waits out
    transient failures with back-off (0.25 s doubling to 5 s) until ``stopping`` is set; an
    impatient one (an inline writer, whose caller answers the device) raises them like any
    other failure."""

    def __init__(self, stopping: threading.Event, *, patient: bool = True) -> None:
        self.stopping = stopping
        self.patient = patient
        #: Failed attempts so far, each retry counted.
        self.failures = 0
        #: time.monotonic() since when attempts have been failing transiently, or None.
        self.failing_since: float | None = None
        #: Told the duration (seconds) of each attempt that succeeded (the metrics).
        self.observe: Callable[[float], None] | None = None

    def __call__(self, attempt: Callable[[], T], what: str, *, within: float | None = None) -> T:
        """``attempt()``'s result; ``what`` it does names it in the log. With ``within``
        the waiting is bounded: the last transient failure is raised once retrying would
        go past that many seconds (someone is waiting for the answer)."""
        delay = RETRY_FIRST_S
        began = time.monotonic()
        while True:
            started = time.perf_counter()
            try:
                result = attempt()
            except Exception as exc:
                self.failures += 1
                if not (self.patient and transient(exc)):
                    raise
                if within is not None and time.monotonic() - began + delay > within:
                    raise
                if self.failing_since is None:
                    self.failing_since = time.monotonic()
                log.warning("%s failed (%s); retrying in %.2f s", what, type(exc).__name__, delay)
                if self.stopping.wait(delay):
                    raise Stopped(what) from exc
                delay = min(delay * 2, RETRY_MAX_S)
                continue
            if self.observe is not None:
                self.observe(time.perf_counter() - started)
            self.failing_since = None
            return result
