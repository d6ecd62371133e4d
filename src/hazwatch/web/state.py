"""What the console pages work with, bound once by :func:`hazwatch.web.console.mount_console`:
the process context and the engine runtime (the single owner of alarm state)."""

from __future__ import annotations

from dataclasses import dataclass

from hazwatch.core.context import Context
from hazwatch.monitoring.runtime import EngineRuntime


@dataclass(frozen=True)
class Bound:
    context: Context
    runtime: EngineRuntime


_bound: Bound | None = None


def bind(context: Context, runtime: EngineRuntime) -> None:
    global _bound
    _bound = Bound(context, runtime)


def _get() -> Bound:
    if _bound is None:
        raise RuntimeError("the console is not mounted")
    return _bound


def context() -> Context:
    return _get().context


def runtime() -> EngineRuntime:
    return _get().runtime
