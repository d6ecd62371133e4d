"""The next-due cache behind the tick hooks' query-free ticks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hazwatch.core.clock import NextDue

T0 = datetime(2025, 2, 7, 4, 30, tzinfo=UTC)


def test_next_due_waits_until_its_time_and_a_change_during_a_lookup_wins() -> None:
    due = NextDue()
    assert not due.waiting(T0)  # unknown: look
    due.settle(due.token(), T0 + timedelta(minutes=5))
    assert due.waiting(T0 + timedelta(minutes=4)) and not due.waiting(T0 + timedelta(minutes=5))
    token = due.token()
    due.invalidate()  # new work arrives while a lookup runs
    due.settle(token, T0 + timedelta(hours=1))
    assert not due.waiting(T0)  # the stale answer was dropped
    due.settle(due.token(), None)  # nothing will ever be due
    assert due.waiting(T0 + timedelta(days=3650))
