"""One pop-up per alarm (issue 13 item 2): the alarm's cue and every escalation step's
console notification about it share one pop-up, updated in place while it shows (a low and
a low-low on one point are one alarm, shown at its worst level); an alarm that has popped
up once in this browser does not pop up again after a refresh or a reconnect (only a new
activation of it does). A ladder delivers one notification per contact, and every console
that sees the organisation hears each of them: without this, one alarm made a stack of
identical pop-ups."""

from __future__ import annotations

from typing import Any

from nicegui import app, ui

#: Pop-ups remembered per browser (``app.storage.user``), newest last.
REMEMBERED = 200
_STORE = "pop_ups"


class PopUps:
    """The pop-ups of one page, keyed by what they are about (``alarm:12``)."""

    def __init__(self) -> None:
        #: Each key's pop-up while it shows, with the rank of the message it shows.
        self._showing: dict[str, tuple[ui.notification, int]] = {}

    def show(
        self,
        key: str,
        message: str,
        *,
        rank: int = 0,
        occasion: str | None = None,
        **style: Any,
    ) -> None:
        """Show ``message`` for ``key``: in its pop-up if one is showing (unless that shows
        a message of a higher ``rank``, e.g. a more urgent priority), else in a new one
        unless this browser has already shown ``key`` (for this ``occasion``, e.g. an
        alarm's activation time, when one is given)."""
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
        notification = ui.notification(
            message,
            close_button="✕",
            multi_line=True,
            on_dismiss=lambda: self._showing.pop(key, None),
            **style,
        )
        self._showing[key] = (notification, rank)
