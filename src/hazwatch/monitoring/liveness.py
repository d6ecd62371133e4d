"""Whether ingest is moving: what ``/readyz``, the operator's notice and the metrics say.

Ingest has *stalled* when work waits and nothing moves: a reading message received and not
yet stored (so not acknowledged to the broker) for ``ingest_stall_after_s`` with no message
stored meanwhile, or database writes failing for that long (the writer's or the engine's
own, :mod:`hazwatch.monitoring.retry`). It *lags* when the oldest message received and not
yet stored is older than ``ingest_lag_limit_s``. Time here is the process's monotonic clock,
never the context's (which a replay or a test drives).

A stall that is never told is the failure this exists for: after a database outage ingest
once stopped for good while ``/readyz`` said ready (issue 11).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from hazwatch.monitoring.retry import Retry


class IngestState(StrEnum):
    OK = "ok"
    STALLED = "stalled"
    LAGGING = "lagging"


@dataclass(frozen=True)
class IngestStatus:
    state: IngestState
    #: Machine-readable reasons (``ingest_stalled``, ``ingest_lagging``, ``writes_failing``).
    reasons: tuple[str, ...]
    #: Reading messages received and not yet stored.
    pending: int
    #: Age of the oldest of them (seconds), or None.
    oldest_s: float | None
    #: Seconds since a message was last stored (or since ingest started).
    since_progress_s: float
    #: Seconds database writes have been failing, or None.
    failing_s: float | None

    def as_dict(self) -> dict[str, object]:
        return {
            "state": self.state.value,
            "reasons": list(self.reasons),
            "pending": self.pending,
            "oldest_s": None if self.oldest_s is None else round(self.oldest_s, 3),
            "since_progress_s": round(self.since_progress_s, 3),
            "failing_s": None if self.failing_s is None else round(self.failing_s, 3),
        }


class MessageProgress:
    """Reading messages taken in and not yet stored, by when they came."""

    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self._lock = threading.Lock()
        self._next = 0
        self._pending: dict[int, float] = {}  # token → received (insertion order: oldest first)
        self.received_total = 0
        self.applied_total = 0
        self.last_progress = now()

    def received(self) -> int:
        """A message came in; returns its token for :meth:`applied`."""
        with self._lock:
            self._next += 1
            self._pending[self._next] = self._now()
            self.received_total += 1
            return self._next

    def applied(self, token: int) -> None:
        """The message is stored and acknowledged, or refused and acknowledged."""
        with self._lock:
            if self._pending.pop(token, None) is not None:
                self.applied_total += 1
                self.last_progress = self._now()

    def forget(self) -> None:
        """The connection is gone: the broker redelivers what was not acknowledged, as new
        messages on the next connection."""
        with self._lock:
            self._pending.clear()

    def waiting(self) -> tuple[int, float | None]:
        """How many messages wait, and when the oldest came."""
        with self._lock:
            oldest = next(iter(self._pending.values()), None)
            return len(self._pending), oldest


class IngestLiveness:
    def __init__(
        self,
        progress: MessageProgress,
        retries: Sequence[Retry],
        *,
        stall_after_s: float,
        lag_limit_s: float,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.progress = progress
        self.retries = retries
        self.stall_after_s = stall_after_s
        self.lag_limit_s = lag_limit_s
        self._now = now

    def status(self) -> IngestStatus:
        now = self._now()
        pending, oldest = self.progress.waiting()
        since_progress = now - self.progress.last_progress
        reasons: list[str] = []
        if oldest is not None:
            # waiting counts from the later of the last progress and the oldest arrival: a
            # message after a quiet hour has not waited an hour
            if now - max(self.progress.last_progress, oldest) >= self.stall_after_s:
                reasons.append("ingest_stalled")
            if now - oldest >= self.lag_limit_s:
                reasons.append("ingest_lagging")
        failing = [r.failing_since for r in self.retries if r.failing_since is not None]
        failing_s = now - min(failing) if failing else None
        if failing_s is not None and failing_s >= self.stall_after_s:
            reasons.append("writes_failing")
        if "ingest_stalled" in reasons or "writes_failing" in reasons:
            state = IngestState.STALLED
        elif reasons:
            state = IngestState.LAGGING
        else:
            state = IngestState.OK
        return IngestStatus(
            state,
            tuple(reasons),
            pending,
            None if oldest is None else now - oldest,
            since_progress,
            failing_s,
        )
