"""The context the console pages work with (bound once by :func:`mount_console`)."""

from __future__ import annotations

from hazwatch.core.context import Context

_context: Context | None = None


def bind(context: Context) -> None:
    global _context
    _context = context


def context() -> Context:
    if _context is None:
        raise RuntimeError("the console is not mounted")
    return _context
