"""One pop-up per alarm (issue 13 item 2): the alarm's cue and every escalation step's
console notification about it share one pop-up, updated in place while it shows (a low and
a low-low on one point are one alarm, shown at its worst level); an alarm that has popped
up once in this browser does not pop up again after a refresh or a reconnect (only a new
activation of it does). A ladder delivers one notification per contact, and every console
that sees the organisation hears each of them: without this, one alarm made a stack of
identical pop-ups.

Notices that are not about an alarm (task reminders, work orders, reports to the regulator)
come in bursts: on 1 December every task's year-end reminder arrives at once, and 21 of them
covered the page. At most :data:`NOTICES_SHOWN` of them show at a time; the rest are counted
in a single summary ("N more") while it shows. Their own lists keep every one of them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import app, ui

#: Pop-ups remembered per browser (``app.storage.user``), newest last.
REMEMBERED = 200
_STORE = "pop_ups"
#: Notices not about an alarm shown at once; an alarm's pop-up is never held back.
NOTICES_SHOWN = 3


class PopUps:
    """The pop-ups of one page, keyed by what they are about (``alarm:12``).

    ``more`` words the summary of the notices held back, given how many (in the reader's
    language)."""

    def __init__(self, more: Callable[[int], str]) -> None:
        #: Each key's pop-up while it shows, with the rank of the message it shows.
        self._showing: dict[str, tuple[ui.notification, int]] = {}
        #: The keys of the notices showing (a subset of ``_showing``).
        self._notices: set[str] = set()
        self._more = more
        #: The summary while it shows, and how many notices it counts.
        self._summary: tuple[ui.notification, int] | None = None

    def show(
        self,
        key: str,
        message: str,
        *,
        rank: int = 0,
        occasion: str | None = None,
        notice: bool = False,
        **style: Any,
    ) -> None:
        """Show ``message`` for ``key``: in its pop-up if one is showing (unless that shows
        a message of a higher ``rank``, e.g. a more urgent priority), else in a new one
        unless this browser has already shown ``key`` (for this ``occasion``, e.g. an
        alarm's activation time, when one is given). A ``notice`` (not about an alarm) is
        counted in the summary instead when :data:`NOTICES_SHOWN` notices show already."""
        if key in self._showing:
            showing, shown_rank = self._showing[key]
            if rank >= shown_rank:
                showing.message = message
                showing.update()
                self._showing[key] = (showing, rank)
            return
        seen: dict[str, str] = dict(app.storage.user.get(_STORE, {}))
        if key in seen and (occasion is None or seen[key] == occasion):
            return
        seen.pop(key, None)
        seen[key] = occasion or ""
        app.storage.user[_STORE] = dict(list(seen.items())[-REMEMBERED:])
        if notice and len(self._notices) >= NOTICES_SHOWN:
            self._hold_back(style)
            return
        notification = ui.notification(
            message,
            close_button="✕",
            multi_line=True,
            on_dismiss=lambda: self._gone(key),
            **style,
        )
        self._showing[key] = (notification, rank)
        if notice:
            self._notices.add(key)

    def _gone(self, key: str) -> None:
        self._showing.pop(key, None)
        self._notices.discard(key)

    def _hold_back(self, style: dict[str, Any]) -> None:
        """Count one more notice in the summary, shown like the notices themselves."""
        if self._summary is not None:
            summary, held = self._summary
            summary.message = self._more(held + 1)
            summary.update()
            self._summary = (summary, held + 1)
            return
        summary = ui.notification(
            self._more(1),
            close_button="✕",
            on_dismiss=self._summary_gone,
            **(style | {"classes": f"{style.get('classes', '')} hazwatch-more-notices".strip()}),
        )
        self._summary = (summary, 1)

    def _summary_gone(self) -> None:
        self._summary = None
