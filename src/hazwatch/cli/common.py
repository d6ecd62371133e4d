"""Shared CLI plumbing: building the context, reporting domain errors with exit codes."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import typer
from pydantic import BaseModel

from hazwatch.core.context import Context, build_context
from hazwatch.core.errors import DomainError, ErrorKind
from hazwatch.core.i18n import translate
from hazwatch.core.settings import get_settings
from hazwatch.registry.service import validate_input

P = ParamSpec("P")
R = TypeVar("R")
M = TypeVar("M", bound=BaseModel)

EXIT_CODES = {
    ErrorKind.INVALID: 2,
    ErrorKind.NOT_FOUND: 3,
    ErrorKind.CONFLICT: 4,
    ErrorKind.FORBIDDEN: 5,
    ErrorKind.UNAUTHENTICATED: 5,
    ErrorKind.TOO_LARGE: 2,
    ErrorKind.UNAVAILABLE: 6,
}


@contextmanager
def cli_context() -> Iterator[Context]:
    context = build_context(get_settings())
    try:
        yield context
    finally:
        context.dispose()


@contextmanager
def seconds_progress(seconds: int, label: str) -> Iterator[Callable[[int], None]]:
    """A progress bar over simulated seconds; yields the callback a replay reports to. It is
    drawn on standard error: standard output carries the result (JSON with ``--json``)."""
    with typer.progressbar(length=seconds, label=label, file=sys.stderr) as bar:
        done = [0]

        def progress(offset: int) -> None:
            bar.update(offset - done[0])
            done[0] = offset

        yield progress


def language() -> str:
    return get_settings().language


def fail(code: str, exit_code: int = 2, **params: object) -> typer.Exit:
    """Print a translated error to stderr and return the Exit to raise."""
    typer.secho(translate(code, language(), **params), err=True, fg=typer.colors.RED)
    return typer.Exit(exit_code)


def reports_domain_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a ``DomainError`` into a readable message and a non-zero exit code."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except DomainError as exc:
            field = f" [{exc.field}]" if exc.field else ""
            message = translate(exc.code, language(), **exc.params)
            typer.secho(f"{message}{field} ({exc.code})", err=True, fg=typer.colors.RED)
            raise typer.Exit(EXIT_CODES[exc.kind]) from exc

    return wrapper


def typed(schema: type[M], **fields: Any) -> M:
    """Options typed on the command line as the API's request body: refused as the API
    refuses it, naming the field (exit 2), before anything is opened or stored."""
    return validate_input(schema, fields)
