"""One source for each enumeration: value, translated label and display colour.

Borrowed from NetBox's ``ChoiceSet``: the database, API, console and filters all read the
same definition, so a state can never be labelled or coloured differently in two places.
Labels live in the message catalogues under ``choice.<EnumName>.<value>``; colours are
attached once with :func:`with_colours`.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import TypeVar

from hazwatch.core.i18n import translate

_COLOURS: dict[tuple[str, str], str] = {}

E = TypeVar("E", bound="Choice")


class Choice(StrEnum):
    """Base for domain enumerations (members are defined by subclasses)."""

    def label(self, language: str | None = None) -> str:
        return translate(f"choice.{type(self).__name__}.{self.value}", language)

    @property
    def colour(self) -> str:
        return _COLOURS.get((type(self).__name__, self.value), "grey")


def with_colours(colours: dict[str, str]) -> Callable[[type[E]], type[E]]:
    """Class decorator attaching a display colour to members by value."""

    def attach(cls: type[E]) -> type[E]:
        for value, colour in colours.items():
            cls(value)  # fails loudly on a typo
            _COLOURS[(cls.__name__, value)] = colour
        return cls

    return attach
