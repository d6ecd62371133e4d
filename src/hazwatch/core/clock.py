"""Time source for everything that reasons about "now".

Alarm delays, escalation, stale detection and replay all ask a ``Clock`` rather than the
system, so tests and the replay runner can drive time deterministically.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that moves only when told to; used by tests and the replay runner."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start")
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self._now += delta
            return self._now

    def set(self, when: datetime) -> None:
        with self._lock:
            if when < self._now:
                raise ValueError("a clock does not run backwards")
            self._now = when


#: An instant after every real one: "nothing will ever fall due" for caches of next-due times.
NEVER = datetime.max.replace(tzinfo=UTC)


class NextDue:
    """When a tick hook next has work, so that ticks before then cost no query.

    Unknown (after :meth:`invalidate`) until a lookup :meth:`settle` s it. A lookup takes a
    :meth:`token` first: a change that lands while it runs invalidates again and wins, so a
    stale answer never hides new work.
    """

    def __init__(self) -> None:
        self._at: datetime | None = None
        self._changes = 0

    def invalidate(self) -> None:
        self._changes += 1
        self._at = None

    def waiting(self, now: datetime) -> bool:
        """True while nothing can be due yet."""
        return self._at is not None and now < self._at

    def token(self) -> int:
        return self._changes

    def settle(self, token: int, at: datetime | None) -> None:
        """The lookup's answer (None: nothing will fall due), unless a change came since."""
        if token == self._changes:
            self._at = at or NEVER


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Normalise a datetime read back from a database that drops the zone (SQLite)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def local_date(moment: datetime, timezone: str) -> date:
    """The date at ``moment`` where the regulated sites are (licence and agreement validity
    run by local calendar days)."""
    return moment.astimezone(ZoneInfo(timezone)).date()


def local_text(moment: datetime | None, timezone: str, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored instant as people where the sites are read it ("" for none): ledgers,
    notices and the command line."""
    return moment.astimezone(ZoneInfo(timezone)).strftime(fmt) if moment else ""


def typed_instant(text: str, timezone: str) -> datetime | str:
    """A date and time as a person types it (``2025-03-01T17:00`` in a console form or on the
    command line): local where the sites are unless it carries an offset. Text that is not
    one comes back unchanged, for the input schema to refuse naming its field."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(timezone))
