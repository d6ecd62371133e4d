"""Message catalogues (gettext ``.po`` files read with Babel), keyed by message id.

Messages are keys such as ``registry.finding.sublease_without_consent``; every key exists in
both ``zh_CN`` (the default) and ``en``. Each domain keeps its own catalogue file
``locale/<lang>/<domain>.po`` so domains can grow independently; all files of a language are
merged at first use.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from babel.messages.pofile import read_po

LANGUAGES: tuple[str, ...] = ("zh_CN", "en")
DEFAULT_LANGUAGE = "zh_CN"


@cache
def catalogue(language: str) -> dict[str, str]:
    """All messages of one language, merged from every domain's ``.po`` file."""
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    merged: dict[str, str] = {}
    folder = resources.files("hazwatch") / "locale" / language
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".po"):
            continue
        with entry.open("rb") as handle:
            for message in read_po(handle, locale=language):
                if message.id and isinstance(message.id, str) and message.string:
                    merged[message.id] = str(message.string)
    return merged


def normalise_language(value: str | None) -> str:
    """Pick a supported language from a tag or an Accept-Language header."""
    if not value:
        return DEFAULT_LANGUAGE
    for part in value.split(","):
        tag = part.split(";")[0].strip().replace("-", "_").lower()
        if tag.startswith("zh"):
            return "zh_CN"
        if tag.startswith("en"):
            return "en"
    return DEFAULT_LANGUAGE


def translate(key: str, language: str | None = None, /, **params: Any) -> str:
    """The message for ``key`` in ``language``; the key itself if no catalogue has it.
    A parameter that is an enumeration member (:class:`~hazwatch.core.choices.Choice`) is
    written as its label in that language; its value stays the machine-readable one."""
    text = catalogue(normalise_language(language)).get(key)
    if text is None:
        text = catalogue(DEFAULT_LANGUAGE).get(key, key)
    if params:
        shown = {name: _labelled(value, language) for name, value in params.items()}
        try:
            return text.format(**shown)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def _labelled(value: Any, language: str | None) -> Any:
    label = getattr(value, "label", None)
    return label(language) if callable(label) else value


_ = translate
