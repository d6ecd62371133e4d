"""Domain errors carry a message key, so the API and console can answer in the user's language.

Services raise these; the HTTP edge maps ``kind`` to a status code and the CLI to an exit
code. Nothing here knows about HTTP.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorKind(StrEnum):
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    FORBIDDEN = "forbidden"
    UNAUTHENTICATED = "unauthenticated"
    TOO_LARGE = "too_large"
    UNAVAILABLE = "unavailable"


class DomainError(Exception):
    kind: ErrorKind = ErrorKind.INVALID

    def __init__(self, code: str, *, field: str | None = None, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.field = field
        self.params = params

    def __str__(self) -> str:
        from hazwatch.core.i18n import translate

        return translate(self.code, "en", **self.params)


class InvalidInput(DomainError):
    kind = ErrorKind.INVALID


class NotFound(DomainError):
    kind = ErrorKind.NOT_FOUND


class Conflict(DomainError):
    kind = ErrorKind.CONFLICT


class Forbidden(DomainError):
    kind = ErrorKind.FORBIDDEN


class Unauthenticated(DomainError):
    kind = ErrorKind.UNAUTHENTICATED


class TooLarge(DomainError):
    kind = ErrorKind.TOO_LARGE


class Unavailable(DomainError):
    """A service the request needs is away for now (the database, a partition's owner):
    nothing was changed, and the same request may be sent again."""

    kind = ErrorKind.UNAVAILABLE
