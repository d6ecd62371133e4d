"""Messages in the language of the person at the console (``app.storage.user``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from nicegui import app

from hazwatch.core.choices import Choice
from hazwatch.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, translate
from hazwatch.web import state


def language() -> str:
    chosen = str(app.storage.user.get("language", DEFAULT_LANGUAGE))
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def _t(key: str, /, **params: Any) -> str:
    """``key`` translated into the console user's language."""
    return translate(key, language(), **params)


def label(choice: Choice) -> str:
    return choice.label(language())


def local_time(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    """A stored UTC instant shown in the installation's time zone (Asia/Shanghai)."""
    if moment is None:
        return "—"
    return moment.astimezone(ZoneInfo(state.context().settings.timezone)).strftime(fmt)


def age(moment: datetime | None, now: datetime) -> str:
    """How long ago a reading was taken, in the largest sensible unit."""
    if moment is None:
        return _t("web.age.never")
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 60:
        return _t("web.age.seconds", n=seconds)
    if seconds < 3600:
        return _t("web.age.minutes", n=seconds // 60)
    if seconds < 86400:
        return _t("web.age.hours", n=seconds // 3600)
    return _t("web.age.days", n=seconds // 86400)
